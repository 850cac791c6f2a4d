"""Scope every ``/h/<home_slug>/…`` request to the acting membership.

Not signed in → the sign-in page. Signed in but not a member of that home
(or the membership is paused) → 404, the same answer as a home that does not
exist, so nothing confirms another home's records. A member without the
permission the view declares → 403. A home view that declares no permission
is a programming error and fails loudly.

It also opens the tenant guard's scope (``homes.scoping``) for the request's
home, from the view until the response is rendered: every query on a home's
rows inside that request is narrowed to it. The back-office admin, which
works across homes, is the one path that crosses them here.
"""

from contextlib import ExitStack

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404

from homes.scoping import crossing_homes, home_scope, unscoped
from homes.selectors import membership_for_request

# The home last opened on this device, so "/" goes straight back to it after
# signing in again (after an idle sign-out, say). Only a slug: the membership
# is checked on every request. Signing out and "Switch user" forget it
# (``forget_home``): the next person starts from nothing of the last one's.
HOME_COOKIE = "kith_home"
HOME_COOKIE_AGE = 60 * 60 * 24 * 365
ADMIN_PREFIX = "/admin/"


def forget_home(response):
    """This device no longer goes back to the home last opened on it."""
    response.delete_cookie(HOME_COOKIE, samesite="Lax")
    return response


def view_permission(view_func):
    perm = getattr(view_func, "kith_permission", None)
    if perm is None:
        view_class = getattr(view_func, "view_class", None)
        perm = getattr(view_class, "permission", None)
    return perm


class HomeScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.home = None
        request.membership = None
        with ExitStack() as scopes:
            request._kith_scopes = scopes
            # Every request starts with no scope (in tests too, whatever the test opened).
            scopes.enter_context(unscoped())
            if request.path_info.startswith(ADMIN_PREFIX):
                scopes.enter_context(crossing_homes("the back-office admin works across homes"))
            response = self.get_response(request)
        home = request.home
        if home is not None and request.COOKIES.get(HOME_COOKIE) != home.slug:
            response.set_cookie(
                HOME_COOKIE,
                home.slug,
                max_age=HOME_COOKIE_AGE,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("home_slug")
        if slug is None:
            return None
        perm = view_permission(view_func)
        if not perm:
            raise ImproperlyConfigured(
                f"{view_func.__module__}.{view_func.__name__} serves a home page but declares no permission"
            )
        if not request.user.is_authenticated:
            if getattr(view_func, "kith_anonymous_404", False):
                raise Http404("Not found.")
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        membership = membership_for_request(request.user, slug)
        if membership is None:
            raise Http404("No such home for this account.")
        request.membership = membership
        request.home = membership.home
        request._kith_scopes.enter_context(home_scope(membership.home))
        if not membership.has_perm(perm):
            raise PermissionDenied
        return None
