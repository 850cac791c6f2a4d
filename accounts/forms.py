from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.views.decorators.debug import sensitive_variables

from carehome.forms import KithForm, TextRulesMixin
from carehome.lib.phones import phone_problem


class EmailAuthenticationForm(TextRulesMixin, AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.com.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].error_messages["required"] = "Enter your password."

    @sensitive_variables()
    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError as error:
            if error.code == "invalid_login" and self._is_switched_off_account():
                raise forms.ValidationError(self.error_messages["inactive"], code="inactive") from None
            raise

    def _is_switched_off_account(self):
        """Right password, but the account is switched off: say so, rather
        than sending the person round in circles with password resets."""
        from accounts.models import User

        email, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        user = User.objects.filter(email__iexact=email, is_active=False).first() if email else None
        return bool(user and password and user.check_password(password))

    error_messages = {
        "invalid_login": (
            "That email address and password do not match an account. "
            "Check them and try again, or reset your password."
        ),
        "inactive": "This account is switched off. Please contact the home.",
    }


class KithPasswordResetForm(TextRulesMixin, PasswordResetForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter the email address you use for Kith.",
            "invalid": "Enter an email address like name@example.com.",
        },
    )


class SignUpForm(KithForm):
    """Set up an account from an invitation: the email comes from the invitation."""

    full_name = forms.CharField(
        label="Your full name", max_length=150, error_messages={"required": "Enter your name."}
    )
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters. Not just numbers, and not a common password.",
        error_messages={"required": "Choose a password."},
    )
    password2 = forms.CharField(
        label="Type the password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Type the password again, to be sure."},
    )

    def __init__(self, *args, email, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean_full_name(self):
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError("Enter your name.")
        return name

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords are different. Type them again.")
        if p1:
            from accounts.models import User

            probe = User(email=self.email, full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class AcceptWithPasswordForm(KithForm):
    """An existing account accepts an invitation by confirming its password."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password."},
    )


class ProfileForm(KithForm):
    full_name = forms.CharField(
        label="Full name", max_length=150, error_messages={"required": "Enter your name."}
    )
    preferred_name = forms.CharField(label="What you like to be called", max_length=80, required=False)
    phone = forms.CharField(label="Phone number (optional)", max_length=30, required=False)

    def clean_full_name(self):
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError("Enter your name.")
        return name

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        problem = phone_problem(phone)
        if problem:
            raise forms.ValidationError(problem)
        return phone


class TwoStepCodeForm(KithForm):
    """A code from the authenticator app (6 digits) or a recovery code (8)."""

    code = forms.CharField(
        label="Code",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autocapitalize": "off"}
        ),
        error_messages={"required": "Enter the code."},
    )

    def __init__(self, *args, recovery_allowed=True, **kwargs):
        self.recovery_allowed = recovery_allowed
        super().__init__(*args, **kwargs)
        if recovery_allowed:
            self.fields[
                "code"
            ].help_text = (
                "The 6 digits your authenticator app shows for Kith, or one of your 8-digit recovery codes."
            )
        else:
            self.fields["code"].help_text = "The 6 digits your authenticator app now shows for Kith."

    def clean_code(self):
        from accounts.two_step import normalise

        digits = normalise(self.cleaned_data["code"])
        lengths = (6, 8) if self.recovery_allowed else (6,)
        if len(digits) not in lengths:
            raise forms.ValidationError(
                "Enter the 6 digits from your authenticator app"
                + (", or an 8-digit recovery code." if self.recovery_allowed else ".")
            )
        return digits
