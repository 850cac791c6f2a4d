from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters

from accounts.forms import (
    AcceptWithPasswordForm,
    EmailAuthenticationForm,
    KithPasswordResetForm,
    ProfileForm,
    SignUpForm,
)
from accounts.security import sign_in_pause_end
from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.throttles import (
    PASSWORD_RESET_CLIENT,
    PASSWORD_RESET_EMAIL,
    PUBLIC_FORM_CLIENT,
    SIGN_IN_FAILURES_CLIENT,
    client_address,
)
from homes.scoping import home_scope
from homes.services import invitation_accept, invitation_from_token, invitation_problem


def too_many(request, throttle, key, reason):
    """The page for a form posted over a limit (carehome.throttles)."""
    return render(
        request,
        "too_many.html",
        {"reason": reason, "try_again_at": throttle.try_again_at(request, key)},
        status=429,
    )


class LoginView(auth_views.LoginView):
    """Sign-in. Besides django-axes' pause on one account from one address,
    failed sign-ins from one address across all accounts are counted
    (``SIGN_IN_FAILURES_CLIENT_RATE``): guessing one common password for many
    accounts stops there, with the time to try again."""

    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        address = client_address(request)
        if SIGN_IN_FAILURES_CLIENT.used_up(request, address):
            form = self.form_class(request, initial={"username": request.POST.get("username", "")[:254]})
            at = SIGN_IN_FAILURES_CLIENT.try_again_at(request, address)
            paused = (
                "There have been many unsuccessful attempts to sign in from this network, so signing "
                f"in from here is paused until {at}. If you have forgotten your password, you can set "
                "a new one by email."
            )
            return self.render_to_response(self.get_context_data(form=form, paused=paused), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        failed = form.errors.as_data().get("__all__", [])
        if any(error.code == "invalid_login" for error in failed):
            SIGN_IN_FAILURES_CLIENT.count(self.request, client_address(self.request))
        return super().form_invalid(form)


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
                "Several links have been sent to this address in the last hour. Use the newest one "
                f"(look in your junk or spam folder too), or ask for another at {at}.",
            )
        if form.errors:
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def post(self, request, *args, **kwargs):
        address = client_address(request)
        if PUBLIC_FORM_CLIENT.over(request, address):
            return too_many(
                request, PUBLIC_FORM_CLIENT, address, "Many forms have just been sent from this network."
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        sign_in_pause_end(user=form.user)
        return response


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
    if request.method == "POST" and PUBLIC_FORM_CLIENT.over(request, address):
        return too_many(
            request, PUBLIC_FORM_CLIENT, address, "Many forms have just been sent from this network."
        )
    # The rest of the page works for the home the link belongs to.
    with home_scope(invitation.home):
        return _accept(request, invitation)


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
