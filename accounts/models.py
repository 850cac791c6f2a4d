from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in to Kith, by email address.

    What they may do is not stored here: it comes from their memberships of
    homes (``homes.Membership``). ``is_staff`` only opens the Django admin.
    """

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField("full name", max_length=150)
    preferred_name = models.CharField("what you like to be called", max_length=80, blank=True)
    phone = models.CharField("phone number", max_length=30, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        "admin site access", default=False, help_text="Can open the back-office admin site."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    two_step_due = models.DateField(
        "two-step verification due",
        null=True,
        blank=True,
        help_text="For people who must use two-step verification: the day after which they set it up first.",
    )
    # Moved on whenever two-step verification is set up, reset, turned off or
    # given new recovery codes: every other session of the person ends
    # (it is part of the session's check, like the password).
    two_step_version = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def _get_session_auth_hash(self, secret=None):
        """Django's check that a session still belongs to this person: the
        password's hash, and (once there is one) the two-step version."""
        if not self.two_step_version:
            return super()._get_session_auth_hash(secret=secret)
        key_salt = "kith.accounts.User.session_auth_hash"
        value = f"{self.password}:two-step:{self.two_step_version}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        if self.preferred_name:
            return self.preferred_name
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
