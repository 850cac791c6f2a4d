from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts import sessions, two_step
from accounts.forms import (
    AcceptWithPasswordForm,
    EmailAuthenticationForm,
    KithPasswordResetForm,
    ProfileForm,
    SignUpForm,
    TwoStepCodeForm,
)
from accounts.security import forget_browser, remember_browser, sign_in_pause_end, signed_in_here_before
from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.throttles import (
    PASSWORD_RESET_CLIENT,
    PASSWORD_RESET_EMAIL,
    PUBLIC_FORM_CLIENT,
    SIGN_IN_FAILURES_CLIENT,
    client_address,
)
from homes.middleware import forget_home
from homes.scoping import home_scope
from homes.services import invitation_accept, invitation_from_token, invitation_problem


def too_many(request, throttle, key):
    """The page for a link's form posted too often with mistakes (carehome.throttles)."""
    return render(request, "too_many.html", {"try_again_at": throttle.try_again_at(request, key)}, status=429)


class LoginView(auth_views.LoginView):
    """Sign-in. Besides django-axes' pause on one account from one address,
    failed sign-ins from one address across all accounts are counted
    (``SIGN_IN_FAILURES_CLIENT_RATE``, accounts.security): guessing one common
    password for many accounts stops there, with the time to try again. A
    person who signed in on this browser before is still let through, so
    someone else's guessing on the home's network does not lock staff out."""

    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        address, email = client_address(request), request.POST.get("username", "")[:254]
        if SIGN_IN_FAILURES_CLIENT.used_up(request, address) and not signed_in_here_before(request, email):
            form = self.form_class(request, initial={"username": email})
            at = SIGN_IN_FAILURES_CLIENT.try_again_at(request, address)
            paused = (
                "There have been many unsuccessful attempts to sign in from this network, so signing "
                f"in from here is paused until {at}. If you have forgotten your password, set a new "
                "one by email: that also lets this device sign in straight away."
            )
            return self.render_to_response(self.get_context_data(form=form, paused=paused), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        if two_step.state_of(self.request) == two_step.VERIFY:
            return response  # marked once the code is given too (two_step_verify)
        return remember_browser(self.request, response, form.get_user())


class PasswordResetView(auth_views.PasswordResetView):
    """Reset links: a few an hour to any one typed address, whether or not it
    has an account (so the limit tells nobody which addresses do), and a
    limit on requests from one client."""

    form_class = KithPasswordResetForm
    email_template_name = "emails/password_reset.txt"
    html_email_template_name = "emails/password_reset.html"
    subject_template_name = "emails/password_reset_subject.txt"

    def form_valid(self, form):
        request, email = self.request, form.cleaned_data["email"].strip().lower()
        address = client_address(request)
        if PASSWORD_RESET_CLIENT.over(request, address):
            at = PASSWORD_RESET_CLIENT.try_again_at(request, address)
            form.add_error(
                "email", f"Too many links have been asked for from this network. Try again at {at}."
            )
        elif PASSWORD_RESET_EMAIL.over(request, email):
            at = PASSWORD_RESET_EMAIL.try_again_at(request, email)
            form.add_error(
                "email",
                "Several links have been sent to this address recently. Use the newest one "
                f"(look in your junk or spam folder too), or ask for another at {at}.",
            )
        if form.errors:
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choosing a new password from the emailed link. Forms sent back with a
    mistake count against the client (``PUBLIC_FORM_CLIENT``); a new password
    ends any pause on the account, and marks this browser as the person's."""

    def post(self, request, *args, **kwargs):
        address = client_address(request)
        if PUBLIC_FORM_CLIENT.used_up(request, address):
            return too_many(request, PUBLIC_FORM_CLIENT, address)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        PUBLIC_FORM_CLIENT.count(self.request, client_address(self.request))
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        sign_in_pause_end(user=form.user)
        return remember_browser(self.request, response, form.user)


@login_required
def account(request):
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={"full_name": user.full_name, "preferred_name": user.preferred_name, "phone": user.phone},
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic(), acting_as(user):
            for key, value in form.cleaned_data.items():
                setattr(user, key, value)
            user.save(update_fields=list(form.cleaned_data))
        messages.success(request, "Your details were saved.")
        return redirect("account")
    return render(request, "accounts/account.html", {"form": form})


@sensitive_post_parameters("password", "password1", "password2")
def accept_invitation(request, token):
    invitation = invitation_from_token(token)
    problem = invitation_problem(invitation)
    if problem:
        status = 404 if problem == "invalid" else 410
        return render(
            request,
            "accounts/invitation_problem.html",
            {"problem": problem, "invitation": invitation, "valid_days": settings.INVITATION_VALID_DAYS},
            status=status,
        )
    address = client_address(request)
    posted = request.method == "POST"
    if posted and PUBLIC_FORM_CLIENT.used_up(request, address):
        return too_many(request, PUBLIC_FORM_CLIENT, address)
    # The rest of the page works for the home the link belongs to.
    with home_scope(invitation.home):
        response = _accept(request, invitation)
    if posted and response.status_code != 302:
        PUBLIC_FORM_CLIENT.count(request, address)  # sent back with a mistake
    return response


def _accept(request, invitation):
    from accounts.models import User

    existing = User.objects.filter(email__iexact=invitation.email).first()
    signed_in = request.user.is_authenticated
    if signed_in and request.user.email.lower() != invitation.email.lower():
        return render(
            request,
            "accounts/invitation_problem.html",
            {"problem": "other_account", "invitation": invitation},
            status=403,
        )

    if signed_in:
        form = None
    elif existing:
        form = AcceptWithPasswordForm(request.POST or None)
    else:
        form = SignUpForm(
            request.POST or None, email=invitation.email, initial={"full_name": invitation.full_name}
        )

    if request.method == "POST" and (form is None or form.is_valid()):
        user = request.user if signed_in else None
        if existing and not signed_in:
            user = authenticate(request, username=invitation.email, password=form.cleaned_data["password"])
            if user is None:
                form.add_error("password", "That password is not right. Try again, or reset it.")
        if form is None or not form.errors:
            new_account = isinstance(form, SignUpForm)
            try:
                membership = invitation_accept(
                    invitation=invitation,
                    user=user,
                    full_name=form.cleaned_data["full_name"] if new_account else "",
                    password=form.cleaned_data["password1"] if new_account else "",
                )
            except DomainError as error:
                if form is None:
                    messages.error(request, error.message)
                else:
                    error.add_to_form(form)
            else:
                if not signed_in:
                    login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, f"Welcome to {membership.home.name}.")
                return redirect(membership.home)
    return render(
        request,
        "accounts/accept_invitation.html",
        {"invitation": invitation, "form": form, "existing": existing, "signed_in": signed_in},
    )


# --- Two-step verification (accounts.two_step) ------------------------------------------------

CODES_SESSION_KEY = "kith_recovery_codes"


def _next(request):
    """Where to go once the step is done: the page asked for, if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_required
@sensitive_post_parameters("code")
def two_step_verify(request):
    """After the password: the code from the app, or a recovery code."""
    user = request.user
    if two_step.state_of(request) != two_step.VERIFY:
        return redirect(_next(request))
    # Bound for any POST, even an empty one: a post with no code is told to enter it.
    form = TwoStepCodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        wait = two_step.wait_seconds(user)
        device = None if wait else two_step.verify(user=user, token=form.cleaned_data["code"])
        if device is not None:
            two_step.done(request, device)
            response = remember_browser(request, redirect(_next(request)), user)
            if device.name == two_step.RECOVERY_NAME:
                left = two_step.recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You used a recovery code; {left} left. If you have lost your phone, set up the "
                    "app again on your new one from Your account › Two-step verification.",
                )
            return response
        if wait:
            # Not tried: django-otp doubles the pause after each wrong code in a row.
            form.add_error(
                "code",
                f"Several codes were not right. Wait {wait} second{'s' * (wait != 1)}, "
                "then try the newest code.",
            )
            status = 429
        else:
            form.add_error(
                "code",
                "That code is not right. Try the code your app shows now (it changes every 30 seconds); "
                "if it keeps failing, check your phone sets its clock automatically.",
            )
    return render(
        request, "accounts/two_step_verify.html", {"form": form, "next": _next(request)}, status=status
    )


@login_required
@sensitive_post_parameters("code")
def two_step_setup(request):
    """Your account › Two-step verification: set it up, new recovery codes, turn it off."""
    user = request.user
    on = two_step.is_on(user)
    required = two_step.required(user)
    action = request.POST.get("action")
    form = TwoStepCodeForm(request.POST if action == "confirm" else None, recovery_allowed=False)
    if request.method == "POST" and on and not user.is_verified():
        # A session that has not given a code changes nothing here.
        return redirect(reverse("two_step_verify") + "?" + urlencode({"next": reverse("two_step")}))
    if request.method == "POST":
        if action == "confirm" and not on and form.is_valid():
            device, codes = two_step.setup_confirm(request, token=form.cleaned_data["code"])
            if device is not None and codes is None:
                return redirect("two_step")  # pressed twice: the first press showed the codes
            if device is not None:
                update_session_auth_hash(request, user)  # this session stays; the others end
                two_step.done(request, device)
                request.session[CODES_SESSION_KEY] = codes
                return remember_browser(request, redirect(reverse_next("two_step_codes", request)), user)
            form.add_error(
                "code",
                "That code is not right. Type the 6 digits the app shows now for Kith; if it keeps "
                "failing, check your phone sets its clock automatically.",
            )
        elif action == "codes" and on:
            request.session[CODES_SESSION_KEY] = two_step.recovery_codes_new(user=user)
            update_session_auth_hash(request, user)
            return redirect("two_step_codes")
        elif action == "off" and on:
            if required:
                messages.error(
                    request, "Managers and organisation admins must keep two-step verification on."
                )
            else:
                two_step.turn_off(user=user)
                update_session_auth_hash(request, user)
                messages.success(
                    request, "Two-step verification is off. Signing in needs only your password."
                )
            return redirect("two_step")
    context = {
        "on": on,
        "required": required,
        "required_why": two_step.reason(user),
        "form": form,
        "next": _next(request),
    }
    if on:
        context["codes_left"] = two_step.recovery_codes_left(user)
        context["since"] = two_step.confirmed_app(user).created_at
    else:
        device = two_step.app_for_setup(request)
        context["qr"] = two_step.qr_data_uri(device)
        context["secret"] = two_step.secret_for_typing(device)
    return render(request, "accounts/two_step.html", context)


def reverse_next(name, request):
    return reverse(name) + "?" + urlencode({"next": _next(request)})


@login_required
def two_step_codes(request):
    """The recovery codes, shown once after they are made."""
    codes = request.session.pop(CODES_SESSION_KEY, None)
    if not codes:
        return redirect("two_step")
    return render(request, "accounts/two_step_codes.html", {"codes": codes, "next": _next(request)})


# --- Shared devices (accounts.sessions) ------------------------------------------------------


class SignOutView(auth_views.LogoutView):
    """Signing out: the browser also forgets what it kept of the site, and the
    home last opened on it."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = sessions.CLEAR_SITE_DATA
        return forget_home(response)


@require_POST
def sign_out_idle(request):
    """The page's count-down ran out (static/js/idle.js): sign out, and say why
    on the sign-in page, which brings the person back here afterwards."""
    policy = sessions.Policy.of(request.session)
    was_signed_in = request.user.is_authenticated
    logout(request)
    if was_signed_in and policy is not None:
        messages.info(request, sessions.ended_message(sessions.ENDED_IDLE, policy))
    target = reverse("login")
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=False
    ):
        target += "?" + urlencode({"next": back})
    response = redirect(target)
    response["Clear-Site-Data"] = sessions.CLEAR_SITE_DATA
    return response


@require_POST
def switch_user(request):
    """ "Switch user" on a shared tablet: the person who leaves is signed out and
    forgotten by this browser; the sign-in page comes back empty for the next
    person, with nothing of where the last one was (not even their home, for
    "/" after signing in)."""
    user = request.user if request.user.is_authenticated else None
    logout(request)
    messages.info(request, "Signed out. The next person can sign in below.")
    response = forget_home(redirect("login"))
    response["Clear-Site-Data"] = sessions.CLEAR_SITE_DATA
    if user is not None:
        forget_browser(request, response, user)
    return response


@login_required
@require_POST
def session_stay(request):
    """ "Stay signed in", or someone typing on a page that asks nothing of the
    server: this session is in use."""
    sessions.touch(request)
    return HttpResponse(status=204)


@login_required
def signed_in_sessions(request):
    """Where you are signed in: each browser, when it was last used; end any
    of them, or all but this one."""
    if request.method == "POST":
        which = request.POST.get("session", "")
        if request.POST.get("all") == "yes":
            count = sessions.end(request)
            messages.success(
                request,
                f"Signed out everywhere else ({count} session{'s' if count != 1 else ''})."
                if count
                else "You were not signed in anywhere else.",
            )
        elif which and sessions.end(request, which=which):
            messages.success(request, "That session is ended: whoever has that browser must sign in again.")
        else:
            messages.info(request, "That session had already ended.")
        return redirect("signed_in_sessions")
    policy = sessions.Policy.of(request.session)
    return render(
        request,
        "accounts/sessions.html",
        {"signed_in": sessions.sessions_of(request), "policy": policy},
    )
