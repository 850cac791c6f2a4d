from axes.utils import reset
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core import signing
from django.dispatch import receiver

from carehome.throttles import SIGN_IN_FAILURES_CLIENT, client_address

# A browser someone signed in on before carries this signed cookie with their
# account ids (the newest few): when its network is paused for guessing at many
# accounts (SIGN_IN_FAILURES_CLIENT), they are still let through to try their
# password (django-axes still pauses one account after a few wrong ones).
KNOWN_COOKIE = "kith_known"
KNOWN_SALT = "kith.known-browser"
KNOWN_MAX = 5
KNOWN_AGE = 60 * 60 * 24 * 365


def axes_username(request, credentials):
    """The name django-axes counts failed sign-ins under: the email as typed
    in the form's ``username`` field, case-folded like the sign-in itself."""
    data = credentials or getattr(request, "POST", {})
    return (data.get("username") or "").strip().lower() or None


def sign_in_pause_end(*, user):
    """A completed password reset ends any pause on signing in to ``user``'s
    account, from every address: the pause page tells people to reset their
    password, so the new one must work at once."""
    return reset(username=axes_username(None, {"username": user.email}))


@receiver(user_login_failed, dispatch_uid="kith-sign-in-failures-client")
def _count_failed_sign_in(sender, credentials, request=None, **kwargs):
    """Every failed password, wherever it was typed (the sign-in page, an
    invitation), counts against the client's address."""
    if request is not None:
        SIGN_IN_FAILURES_CLIENT.count(request, client_address(request))


def known_ids(request):
    try:
        value = request.get_signed_cookie(KNOWN_COOKIE, salt=KNOWN_SALT, max_age=KNOWN_AGE)
    except (KeyError, signing.BadSignature):
        return []
    return [int(part) for part in value.split(",") if part.isascii() and part.isdigit()]


def _keep_known(response, ids):
    """Write the known-browser cookie with ``ids`` (or remove it when there are none)."""
    if not ids:
        response.delete_cookie(KNOWN_COOKIE, samesite="Lax")
        return response
    response.set_signed_cookie(
        KNOWN_COOKIE,
        ",".join(map(str, ids)),
        salt=KNOWN_SALT,
        max_age=KNOWN_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def remember_browser(request, response, user):
    """Mark this browser as one ``user`` signed in on."""
    return _keep_known(response, [user.pk, *(pk for pk in known_ids(request) if pk != user.pk)][:KNOWN_MAX])


def forget_browser(request, response, user):
    """This browser no longer counts as one ``user`` signed in on ("Switch
    user" on a shared tablet keeps nothing of the person who leaves)."""
    return _keep_known(response, [pk for pk in known_ids(request) if pk != user.pk])


def signed_in_here_before(request, email):
    """Whether the account for ``email`` signed in on this browser before."""
    from accounts.models import User

    ids = known_ids(request)
    if not ids or not email:
        return False
    return User.objects.filter(pk__in=ids, email__iexact=email.strip()).exists()
