from urllib.parse import urlencode, urlsplit

from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from accounts import two_step

# Pages a session may open before its second step: giving the code, setting
# it up (and seeing the recovery codes once), and signing out.
_BEFORE_VERIFY = ("two_step_verify", "logout")
_BEFORE_SETUP = ("two_step", "two_step_codes", "logout")


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
                target = reverse("two_step_verify" if state == two_step.VERIFY else "two_step")
                if request.headers.get("HX-Request"):
                    # The whole page goes, back to the page the fragment was part of.
                    page = urlsplit(request.headers.get("HX-Current-URL", ""))
                    back = page.path + (f"?{page.query}" if page.query else "")
                    return HttpResponseClientRedirect(target + "?" + urlencode({"next": back or "/"}))
                query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
                return redirect(target + (f"?{query}" if query else ""))
        return self.get_response(request)
