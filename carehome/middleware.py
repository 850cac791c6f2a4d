from csp.constants import UNSAFE_INLINE
from django.utils.cache import add_never_cache_headers


class AdminCSPMiddleware:
    """Django's admin sets a few inline ``style`` attributes; allow those on
    the superuser-only back office and nowhere else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/admin/"):
            response._csp_update = {"style-src": [UNSAFE_INLINE]}
        return response


class NoStoreByDefaultMiddleware:
    """No page is kept by the browser or anything between it and Kith unless
    its view says otherwise: pages show personal plans, wellbeing answers and
    the door code, on tablets that several people share and whose Back button
    would otherwise bring a signed-out page back. A view that sets its own
    ``Cache-Control`` (the public programme, a calendar feed) keeps it. The
    static files pass through here too, and keep the ``Cache-Control`` that
    WhiteNoise always gives them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
