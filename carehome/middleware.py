import http.client

from csp.constants import HEADER, HEADER_REPORT_ONLY, UNSAFE_INLINE
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as _CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.utils.cache import add_never_cache_headers

# What a view or another middleware may set on a response to change its policy.
_PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
_POLICIES = {}


def _policy(setting, report_only):
    """The header django-csp builds from ``setting`` with nothing changed per
    response, built once (for each value the setting has had: tests change it)."""
    config = getattr(settings, setting, None) or {}
    key = (report_only, repr(config))
    if key not in _POLICIES:
        _POLICIES[key] = build_policy(report_only=report_only)
    return config, _POLICIES[key]


class CSPMiddleware(_CSPMiddleware):
    """django-csp's middleware, with the policy built once rather than for every
    response: Kith's policy is the same for every page (no nonces; only the
    admin's pages change it, per response). Building it each time cost about
    as much as a page's own query. Anything changed per response, or a nonce,
    goes through django-csp as it is."""

    def process_response(self, request, response):
        if (
            getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _PER_RESPONSE)
            or (
                settings.DEBUG
                and response.status_code in (http.client.INTERNAL_SERVER_ERROR, http.client.NOT_FOUND)
            )
        ):
            return super().process_response(request, response)
        for header, setting, exempt, report_only in (
            (HEADER, "CONTENT_SECURITY_POLICY", "_csp_exempt", False),
            (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", "_csp_exempt_ro", True),
        ):
            config, value = _policy(setting, report_only)
            prefixes = tuple(config.get("EXCLUDE_URL_PREFIXES", None) or ())
            if (
                value
                and header not in response
                and not getattr(response, exempt, False)
                and not request.path_info.startswith(prefixes)
            ):
                response[header] = value
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


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
