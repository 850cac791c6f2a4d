"""Two-step verification: a code from an authenticator app (TOTP) after the
password, with recovery codes for a lost phone (django-otp's TOTP and static
devices).

Who must use it: anyone who manages a home or an organisation, and anyone
who opens the admin site (``required``). They are given ``TWO_STEP_GRACE_DAYS``
from the first sign-in that needed it (``User.two_step_due``), with a
reminder on every page; after that they set it up before anything else.
Everyone else may turn it on. Once someone has it, no page of Kith opens
until the code is given (``accounts.middleware.TwoStepMiddleware``).

What each session still has to do is decided once, at sign-in, and kept in
the session (``SESSION_KEY``), so pages cost no query for it.

A lost phone: the person signs in with a recovery code, or another manager
of one of their homes (or an organisation admin) resets it from the
person's page; the reset is in the history, with who did it.
"""

import secrets
import unicodedata
from base64 import b32encode
from binascii import unhexlify
from datetime import timedelta

import segno
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.dispatch import receiver
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from carehome.audit import acting_as

SESSION_KEY = "kith_two_step"
VERIFY, ENROL, REMIND = "verify", "enrol", "remind"
RECOVERY_CODES = 10
APP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def _users():
    from django.contrib.auth import get_user_model

    return get_user_model().objects


def required_roles():
    """The roles at a home whose holders must use two-step verification."""
    from homes.models import Role

    return [Role.MANAGER, Role.ORG_ADMIN]


def required(user):
    """Whether ``user`` must use two-step verification: a manager or
    organisation admin of any home, or an admin-site user."""
    from homes.models import Membership
    from homes.scoping import crossing_homes

    if user.is_staff or user.is_superuser:
        return True
    with crossing_homes("two-step verification: does this person manage any home"):
        return Membership.objects.filter(user=user, is_active=True, role__in=required_roles()).exists()


def reason(user):
    """Why ``user`` must use two-step verification, in words for a sentence
    starting "Because you …"."""
    if user.is_staff or user.is_superuser:
        return "can open the site's admin pages"
    return "manage a home"


def confirmed_app(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def is_on(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_on_for(user_field="user"):
    """``is_on`` as a query expression, for a list of people in one query:
    ``Membership.objects.annotate(two_step_on=is_on_for("user"))``."""
    return Exists(TOTPDevice.objects.filter(user=OuterRef(user_field), confirmed=True))


def session_state(user, *, today=None):
    """What a new session of ``user`` must do: (state, due date or None)."""
    today = today or timezone.localdate()
    if is_on(user):
        return VERIFY, None
    if not required(user):
        return None, None
    if user.two_step_due is None:
        user.two_step_due = today + timedelta(days=settings.TWO_STEP_GRACE_DAYS)
        _users().filter(pk=user.pk).update(two_step_due=user.two_step_due)
    if user.two_step_due <= today:
        return ENROL, user.two_step_due
    return REMIND, user.two_step_due


@receiver(user_logged_in, dispatch_uid="kith-two-step")
def _on_sign_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    state, due = session_state(user)
    if state is None:
        request.session.pop(SESSION_KEY, None)
    else:
        request.session[SESSION_KEY] = {
            "state": state,
            "due": due.isoformat() if due else "",
            "why": reason(user),
        }


def state_of(request):
    return (request.session.get(SESSION_KEY) or {}).get("state")


def done(request, device):
    """The code was right: this session is verified, under a new session key
    (as signing in gets one)."""
    request.session.cycle_key()
    otp_login(request, device)
    request.session.pop(SESSION_KEY, None)


def _other_sessions_end(user):
    """Every session of ``user`` ends, but the one the caller then keeps with
    ``update_session_auth_hash`` (accounts.models.User._get_session_auth_hash)."""
    _users().filter(pk=user.pk).update(two_step_version=F("two_step_version") + 1)
    user.refresh_from_db(fields=["two_step_version"])


# --- Setting it up ---------------------------------------------------------------------------


def qr_data_uri(device):
    """The app's set-up link as a QR code (an SVG ``data:`` URI, which the CSP allows)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def secret_for_typing(device):
    """The shared secret in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


SETUP_KEY = "kith_two_step_setup"


def app_for_setup(request):
    """The authenticator app being set up, not saved: its key waits in the
    session until a code from the app confirms it, so opening the page saves
    nothing and reloading it keeps the same QR code."""
    key = request.session.get(SETUP_KEY)
    if not key:
        key = request.session[SETUP_KEY] = default_key()
    return TOTPDevice(user=request.user, name=APP_NAME, key=key, confirmed=False)


def setup_confirm(request, *, token):
    """Confirm the app with a code it shows: it replaces any earlier app, the
    recovery codes are made anew and the person's other sessions end. Returns
    (device, recovery codes); (None, []) when the code is not right; (device,
    None) when this key was confirmed already (the button pressed twice)."""
    user, key = request.user, request.session.get(SETUP_KEY)
    if not key:
        return None, []
    check = TOTP(unhexlify(key))
    code = normalise(token)
    if len(code) != 6 or not check.verify(int(code), tolerance=1):
        return None, []
    with transaction.atomic(), acting_as(user):
        _users().select_for_update().filter(pk=user.pk).first()  # one set-up at a time per person
        already = TOTPDevice.objects.filter(user=user, key=key, confirmed=True).first()
        if already is not None:
            return already, None
        TOTPDevice.objects.filter(user=user).delete()
        # The code just used is never taken again (django-otp's last_t).
        device = TOTPDevice.objects.create(
            user=user, name=APP_NAME, key=key, confirmed=True, last_t=check.t()
        )
        codes = _new_recovery_codes(user)
        _users().filter(pk=user.pk).update(two_step_due=None)
        _other_sessions_end(user)
    request.session.pop(SETUP_KEY, None)
    return device, codes


def _new_recovery_codes(user):
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return [f"{code[:4]}-{code[4:]}" for code in codes]


def recovery_codes_new(*, user):
    """New recovery codes (the old ones stop working); the person's other sessions end."""
    with transaction.atomic(), acting_as(user):
        _users().select_for_update().filter(pk=user.pk).first()
        codes = _new_recovery_codes(user)
        _other_sessions_end(user)
    return codes


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_NAME).count()


def normalise(token):
    """What was typed, as the devices compare it: the digits 0-9 only ("123 456",
    "1234-5678"). Digits from another keyboard (a phone set to Arabic, full-width
    ones) are the same digits; characters that only count as digits (²) are not."""
    return "".join(str(unicodedata.decimal(ch)) for ch in (token or "") if ch.isdecimal())


def verify(*, user, token):
    """The device that accepts ``token`` (the app's code, or a recovery code,
    which is used up), or None. django-otp slows down repeated wrong codes."""
    token = normalise(token)
    if len(token) == 6:
        kinds = [TOTPDevice]
    elif len(token) == 8:
        kinds = [StaticDevice]
    else:
        return None
    with transaction.atomic(), acting_as(user):
        for kind in kinds:
            for device in kind.objects.devices_for_user(user, confirmed=True).select_for_update():
                _wait_capped(device)
                if device.verify_token(token):
                    return device
    return None


# django-otp doubles the pause after each wrong code in a row, without end; a
# real person waits at most this long (a few guesses a quarter of an hour
# still never finds a code).
MAX_WAIT = timedelta(minutes=15)


def _wait_capped(device):
    last = device.throttling_failure_timestamp
    if last is not None and timezone.now() - last >= MAX_WAIT:
        device.throttle_reset(commit=False)


def wait_seconds(user):
    """Seconds before another code is tried, after wrong ones (django-otp's
    throttling: 1, 2, 4, 8… seconds after each wrong code in a row)."""
    waits = [0]
    for kind in (TOTPDevice, StaticDevice):
        for device in kind.objects.devices_for_user(user, confirmed=True):
            allowed, data = device.verify_is_allowed()
            if not allowed and data.get("locked_until"):
                until = min(data["locked_until"], device.throttling_failure_timestamp + MAX_WAIT)
                waits.append((until - timezone.now()).total_seconds())
    return max(0, int(max(waits) + 0.999))


def turn_off(*, user):
    """The person turns it off (only for those who need not use it); their
    other sessions end."""
    with transaction.atomic(), acting_as(user):
        _remove_devices(user)
        _other_sessions_end(user)


def _remove_devices(user):
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def reset_problem(*, home, actor, membership):
    """Why ``actor`` may not reset the two-step verification of ``membership``'s
    person at ``home``, or "". Only for someone who manages this home (the
    view's ``members.change``), never for themselves, never for an admin-site
    user, and never for someone who also manages a home the actor does not."""
    from homes.models import Membership, Role
    from homes.scoping import crossing_homes

    person = membership.user
    if membership.home_id != home.pk or not membership.is_active:
        return "Only the two-step verification of someone active at this home can be reset here."
    if person.pk == actor.pk:
        return "You cannot reset your own. Ask another manager or your organisation's admin."
    if person.is_staff or person.is_superuser:
        return "This person opens the admin site: only another site admin can reset theirs."
    managing = [Role.MANAGER, Role.ORG_ADMIN]
    with crossing_homes("two-step reset: the homes each person manages"):
        theirs = set(
            Membership.objects.filter(user=person, is_active=True, role__in=managing).values_list(
                "home_id", flat=True
            )
        )
        mine = set(
            Membership.objects.filter(user=actor, is_active=True, role__in=managing).values_list(
                "home_id", flat=True
            )
        )
    if not theirs <= mine:
        return "They also manage a home you do not: ask your organisation's admin to reset it."
    return ""


def reset(*, home, actor, membership):
    """Another manager (or an organisation admin) resets the two-step
    verification of ``membership``'s person (a lost phone): their app and
    recovery codes stop working, every session of theirs ends, and if they
    must use it they set it up at their next sign-in. The history of their
    membership at ``home`` says who did it."""
    from carehome.errors import DomainError
    from homes.audit import record_change

    problem = reset_problem(home=home, actor=actor, membership=membership)
    if problem:
        raise DomainError(problem)
    user = membership.user
    with transaction.atomic(), acting_as(actor):
        _remove_devices(user)
        _other_sessions_end(user)
        if required(user):
            _users().filter(pk=user.pk).update(two_step_due=timezone.localdate())
        record_change(
            membership,
            actor=actor,
            changes={"two-step verification": ["on", "reset: set up again at the next sign-in"]},
        )
