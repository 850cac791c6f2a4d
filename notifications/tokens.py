"""The signed "stop these messages" link in every message: no login needed.

The token names the person ("u" + user id, or "e" + an email address for
someone without an account) and is signed with the site's secret and a
timestamp; it works for ``NOTIFY_OPTOUT_MAX_AGE_DAYS``.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "kith.notifications.stop"


class BadToken(Exception):
    pass


class ExpiredToken(Exception):
    pass


def make_token(*, user_id=None, email=None):
    subject = {"u": user_id} if user_id is not None else {"e": email}
    return signing.dumps(subject, salt=SALT, compress=True)


def read_token(token):
    """The signed subject, {"u": id} or {"e": address}; ``BadToken`` or ``ExpiredToken``."""
    max_age = settings.NOTIFY_OPTOUT_MAX_AGE_DAYS * 24 * 60 * 60
    try:
        subject = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise ExpiredToken() from error
    except signing.BadSignature as error:
        raise BadToken() from error
    if not isinstance(subject, dict) or not ({"u", "e"} & subject.keys()):
        raise BadToken()
    return subject


def stop_url(*, user_id=None, email=None):
    token = make_token(user_id=user_id, email=email)
    return settings.SITE_URL + reverse("stop_messages", kwargs={"token": token})
