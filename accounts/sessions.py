"""Sessions on shared devices.

A care home's tablets are shared and left where anyone can pick them up. So a
session ends after a while without use: 15 minutes for anyone who works or
volunteers in a home (``SESSION_IDLE_MINUTES_STAFF``), a week for a relative,
who signs in on their own phone (``SESSION_IDLE_MINUTES_FAMILY``); and after
a longest time whatever happens (a shift and a bit; a month). Which applies is
decided once, at sign-in, and kept in the session (``POLICY_KEY``), so pages
cost no query for it.

The server is the judge: ``accounts.middleware.IdleSessionMiddleware`` ends a
session whose last use is too long ago, whatever the browser did. Each page
counts as use; the session is written at most once a minute for it. In the
browser, ``static/js/idle.js`` warns a minute before the end, with a button to
stay; typing or tapping on a page that makes no request counts as use too
(it tells the server, at most once a minute), so nobody loses a long note.

Every sign-out clears what the browser kept of the site (``Clear-Site-Data``);
"Switch user" also forgets that the person signed in on this browser
(accounts.security). People see where they are signed in and end any of
those sessions (``sessions_of``, ``end``).
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.auth import SESSION_KEY as USER_ID_KEY
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

POLICY_KEY = "kith_policy"
SEEN_KEY = "kith_seen"
# Use is written to the session at most this often.
WRITE_EVERY = 60
STAFF, FAMILY = "staff", "family"
# Shown to the person whose session ended, on the sign-in page.
ENDED_IDLE = "idle"
ENDED_LONGEST = "longest"
# Every sign-out: the browser forgets pages, pictures and anything the site stored.
CLEAR_SITE_DATA = '"cache", "storage"'


def now():
    return int(time.time())


def kind_of(user):
    """STAFF for anyone who works or volunteers in a home, manages one, works
    for a charity or opens the admin site; FAMILY for someone who is only ever
    a relative."""
    from homes.models import Membership, Role
    from homes.scoping import crossing_homes

    if user.is_staff or user.is_superuser:
        return STAFF
    with crossing_homes("sessions: is this person only ever a relative"):
        roles = set(Membership.objects.filter(user=user, is_active=True).values_list("role", flat=True))
    return FAMILY if roles and roles <= {Role.FAMILY} else STAFF


def limits(kind):
    """(seconds without use, seconds at most) for sessions of ``kind``."""
    if kind == FAMILY:
        return settings.SESSION_IDLE_MINUTES_FAMILY * 60, settings.SESSION_LONGEST_HOURS_FAMILY * 3600
    return settings.SESSION_IDLE_MINUTES_STAFF * 60, settings.SESSION_LONGEST_HOURS_STAFF * 3600


@dataclass(frozen=True)
class Policy:
    kind: str
    idle: int
    longest: int
    started: int

    @classmethod
    def of(cls, session):
        kept = session.get(POLICY_KEY)
        if not kept:
            return None
        return cls(**kept)

    @property
    def warns(self):
        """Whether the browser counts down to the end: only where the end
        comes within a working spell (not a relative's week)."""
        return self.idle <= 60 * 60

    @property
    def warn(self):
        return min(settings.SESSION_IDLE_WARNING_SECONDS, self.idle // 2)

    @property
    def idle_words(self):
        minutes = self.idle // 60
        if minutes % (24 * 60) == 0:
            days = minutes // (24 * 60)
            return f"{days} day{'s' if days != 1 else ''}"
        return f"{minutes} minute{'s' if minutes != 1 else ''}"


@receiver(user_logged_in, dispatch_uid="kith-session-policy")
def _on_sign_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    kind = kind_of(user)
    idle, longest = limits(kind)
    request.session[POLICY_KEY] = {"kind": kind, "idle": idle, "longest": longest, "started": now()}
    touch(request)


def touch(request):
    """This session was used now."""
    policy = Policy.of(request.session)
    request.session[SEEN_KEY] = now()
    if policy:
        # The cookie and the stored row end with the session (a little after,
        # as use is written once a minute): nothing lingers to be replayed.
        request.session.set_expiry(min(policy.idle + WRITE_EVERY, policy.longest))


def ended(request):
    """ENDED_IDLE or ENDED_LONGEST if this session is over, else None; notes
    the use (at most once a minute) if it is not."""
    policy = Policy.of(request.session)
    if policy is None:
        return None
    moment = now()
    seen = request.session.get(SEEN_KEY) or policy.started
    if moment - policy.started >= policy.longest:
        return ENDED_LONGEST
    if moment - seen >= policy.idle:
        return ENDED_IDLE
    if moment - seen >= WRITE_EVERY:
        touch(request)
    return None


def ended_message(why, policy):
    if why == ENDED_LONGEST:
        return "You were signed out because you had been signed in for a long time. Please sign in again."
    return (
        f"You were signed out after {policy.idle_words} without use, so nobody else can see "
        "residents' details on this device. Please sign in again."
    )


# --- Where you are signed in -------------------------------------------------------------


def session_id(session_key):
    """What a page shows for a session: never its key, which would let anyone
    who reads the page use the session."""
    return salted_hmac("kith.session-id", session_key).hexdigest()[:20]


@dataclass
class Signed:
    id: str
    device: str
    address: str
    started: object
    last_used: object
    current: bool


def _device(session):
    info = session.device_info
    if info is None:
        return "An unknown browser"
    browser = info.user_agent.family if info.user_agent else ""
    system = info.os.family if info.os else ""
    device = (
        info.device.family
        if info.device and info.device.family not in ("Other", "Generic Smartphone")
        else ""
    )
    browser = "" if browser == "Other" else browser
    system = "" if system == "Other" else system
    words = browser or "A browser"
    if system:
        words += f" on {system}"
    if device and device not in system:
        words += f" ({device})"
    return words


def _live(user, session_model):
    """``user``'s sessions that still sign them in: not expired, and made with
    their present password and two-step settings (others are ended)."""
    rows = list(
        session_model.objects.filter(user=user, expire_date__gt=timezone.now()).order_by("-updated_at")
    )
    wanted = user.get_session_auth_hash()
    live, dead = [], []
    for row in rows:
        data = row.get_decoded()
        same_person = str(data.get(USER_ID_KEY)) == str(user.pk)
        (
            live if same_person and constant_time_compare(data.get(HASH_SESSION_KEY, ""), wanted) else dead
        ).append(row)
    if dead:
        session_model.objects.filter(pk__in=[row.pk for row in dead]).delete()
    return live


def sessions_of(request):
    """Where ``request.user`` is signed in, this session first."""
    from qsessions.models import Session

    current = request.session.session_key
    found = []
    for row in _live(request.user, Session):
        found.append(
            Signed(
                id=session_id(row.session_key),
                device=_device(row),
                address=row.ip or "",
                started=row.created_at,
                last_used=row.updated_at,
                current=row.session_key == current,
            )
        )
    found.sort(key=lambda s: not s.current)
    return found


def end(request, *, which=None):
    """End one of ``request.user``'s other sessions (``which``, as shown by
    ``session_id``) or, with no ``which``, all the others. How many ended."""
    from qsessions.models import Session

    current = request.session.session_key
    chosen = [
        row
        for row in _live(request.user, Session)
        if row.session_key != current
        and (which is None or constant_time_compare(session_id(row.session_key), which))
    ]
    if chosen:
        Session.objects.filter(pk__in=[row.pk for row in chosen]).delete()
    return len(chosen)
