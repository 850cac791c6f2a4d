from csp.constants import UNSAFE_INLINE


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
