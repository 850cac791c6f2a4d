from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from accounts import sessions, two_step

# Pages a session may open before its second step: giving the code, setting
# it up (and seeing the recovery codes once), and signing out.
_SIGNING_OUT = ("logout", "sign_out_idle", "switch_user", "session_stay")
_BEFORE_VERIFY = ("two_step_verify", *_SIGNING_OUT)
_BEFORE_SETUP = ("two_step", "two_step_codes", *_SIGNING_OUT)


def _ours(request, url):
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def _page_to_come_back_to(request):
    """The page the person was on, as a path on this site, or "": the page
    asked for; for an htmx request or anything posted, the page it was sent
    from (``HX-Current-URL``, which idle.js sends too), if that is this site.
    A form posted without it has no page to come back to."""
    if request.method in ("GET", "HEAD") and not request.headers.get("HX-Request"):
        back = request.get_full_path()
    else:
        current = request.headers.get("HX-Current-URL", "")
        if not _ours(request, current):
            return ""
        page = urlsplit(current)
        back = page.path + (f"?{page.query}" if page.query else "")
    return back if _ours(request, back) else ""


def _whole_page_to(request, target):
    """A redirect to ``target`` with the page to come back to: for an htmx
    request the whole page goes (back to the page the fragment was part of)."""
    back = _page_to_come_back_to(request)
    if back:
        target += "?" + urlencode({"next": back})
    if request.headers.get("HX-Request"):
        return HttpResponseClientRedirect(target)
    return redirect(target)


class IdleSessionMiddleware:
    """After the messages middleware. Ends a session unused for too long, or
    open for too long (accounts.sessions), and sends the person to sign in
    again with a word on why. Reads the session only: no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        why = sessions.ended(request) if hasattr(request, "session") else None
        if why is not None:
            policy = sessions.Policy.of(request.session)
            logout(request)
            messages.info(request, sessions.ended_message(why, policy))
            response = _whole_page_to(request, reverse("login"))
            response["Clear-Site-Data"] = sessions.CLEAR_SITE_DATA
            return response
        return self.get_response(request)


class TwoStepMiddleware:
    """After django-otp's OTPMiddleware. A session whose person has two-step
    verification on opens nothing but the code page until the code is given;
    one whose person must set it up and is past the day it was due opens
    nothing but the set-up page. What each session must do was decided at
    sign-in (accounts.two_step), so this reads the session and asks no query."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._paths = None

    def paths(self):
        if self._paths is None:
            self._paths = {
                two_step.VERIFY: {reverse(name) for name in _BEFORE_VERIFY},
                two_step.ENROL: {reverse(name) for name in _BEFORE_SETUP},
            }
        return self._paths

    def __call__(self, request):
        state = two_step.state_of(request) if hasattr(request, "session") else None
        if state in (two_step.VERIFY, two_step.ENROL) and request.path not in self.paths()[state]:
            if state == two_step.VERIFY and request.user.is_verified():
                request.session.pop(two_step.SESSION_KEY, None)
            else:
                return _whole_page_to(
                    request, reverse("two_step_verify" if state == two_step.VERIFY else "two_step")
                )
        return self.get_response(request)
