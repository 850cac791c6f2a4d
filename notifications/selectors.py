"""Reads for the messages pages: each takes the home and costs a fixed number of queries."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.utils import timezone

from notifications.delivery import compose
from notifications.kinds import UnknownKind, all_kinds, get_kind
from notifications.models import (
    AUTOMATIC_CHANNELS,
    RETRYABLE_OUTCOMES,
    Channel,
    ContactPreference,
    Outcome,
    Reminder,
)

logger = logging.getLogger(__name__)

Status = Reminder.Status

OUTBOX_ROWS = 50
FAILED_ROWS = 100
# The oldest overdue or stuck rows the Messages page lists (all are counted).
LATE_ROWS = 20
# Each letter is rendered from its kind's templates (a query or two per letter
# for the object it is about), so the page shows at most this many at once.
LETTERS_SHOWN = 30
LETTERS_AHEAD = timedelta(days=3)


def recipient_name(reminder):
    """Who a row is for, as the Messages page and `manage.py outbox` name them:
    the person's name (or email) when they have an account, else the address.
    Needs ``user`` selected with the row (``select_related("user")``)."""
    if reminder.user_id:
        return reminder.user.full_name or reminder.user.email
    return reminder.recipient.split(":", 1)[-1]


def _plural(n, word):
    return f"{n} {word}{'' if n == 1 else 's'}"


def duration_in_words(seconds):
    """``90`` → "1 minute", ``7500`` → "2 hours 5 minutes", ``200000`` → "2 days 7 hours"."""
    minutes = max(int(seconds // 60), 0)
    if minutes < 1:
        return "less than a minute"
    if minutes < 60:
        return _plural(minutes, "minute")
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _plural(hours, "hour") + (f" {_plural(minutes, 'minute')}" if minutes else "")
    days, hours = divmod(hours, 24)
    return _plural(days, "day") + (f" {_plural(hours, 'hour')}" if hours else "")


def overdue_after():
    """Seconds after its time that a waiting email or text counts as overdue."""
    return settings.NOTIFY_OVERDUE_AFTER


def sending_timeout():
    """Seconds after which a row still "sending" is stuck (the reaper returns it)."""
    return settings.NOTIFY_SENDING_TIMEOUT


def overdue_q(now):
    """Emails and texts still waiting more than ``overdue_after()`` past their time."""
    return Q(
        status=Status.PENDING,
        channel__in=AUTOMATIC_CHANNELS,
        not_before__lt=now - timedelta(seconds=overdue_after()),
    )


def stuck_q(now):
    """Rows claimed by a sender longer ago than ``sending_timeout()`` and not finished."""
    return Q(status=Status.SENDING, claimed_at__lt=now - timedelta(seconds=sending_timeout()))


def why_failed(reminder):
    """A failed row's outcome in words ("" when none was recorded)."""
    if reminder.outcome == Outcome.UNREACHABLE:
        tries = "1 try" if reminder.attempts == 1 else f"{reminder.attempts} tries"
        return f"Could not reach the provider after {tries}."
    words = {
        Outcome.NOT_PREPARED: "Kith could not prepare it.",
        Outcome.REFUSED: "The provider refused it.",
        Outcome.WORKER_STOPPED: "The sender stopped while sending it.",
    }
    if reminder.outcome in words:
        return words[reminder.outcome]
    return f"{reminder.get_outcome_display()}." if reminder.outcome else ""


def can_retry(reminder):
    """ "Try again" only for a failed row the provider never accepted."""
    return reminder.status == Status.FAILED and reminder.outcome in RETRYABLE_OUTCOMES


def _describe(reminders, *, now=None):
    """Give each row ``what`` (the kind's label), ``to_whom`` (a name or an
    address), ``why`` and ``can_retry`` (failed rows), ``recorded_late`` (sent
    rows) and, for rows running late, ``late_for`` ("12 minutes": overdue by
    that long, or sending for that long)."""
    now = now or timezone.now()
    overdue_cutoff = now - timedelta(seconds=overdue_after())
    stuck_cutoff = now - timedelta(seconds=sending_timeout())
    for reminder in reminders:
        try:
            reminder.what = reminder.kind_definition.label
        except UnknownKind:
            reminder.what = reminder.kind.replace("_", " ").replace(".", ": ")
        reminder.to_whom = recipient_name(reminder)
        reminder.why = why_failed(reminder) if reminder.status == Status.FAILED else ""
        reminder.can_retry = can_retry(reminder)
        reminder.recorded_late = reminder.status == Status.SENT and reminder.outcome == Outcome.RECORDED_LATE
        reminder.overdue = (
            reminder.status == Status.PENDING
            and reminder.channel in AUTOMATIC_CHANNELS
            and reminder.not_before < overdue_cutoff
        )
        reminder.stuck = (
            reminder.status == Status.SENDING
            and reminder.claimed_at is not None
            and reminder.claimed_at < stuck_cutoff
        )
        reminder.late_for = ""
        if reminder.overdue:
            reminder.late_for = duration_in_words((now - reminder.not_before).total_seconds())
        elif reminder.stuck:
            reminder.late_for = duration_in_words((now - reminder.claimed_at).total_seconds())
    return reminders


def _describe_objects(reminders, *, home):
    """Give each row ``described``: what its message is about, from its kind's
    ``describe`` hook (one query per kind on the page, however many rows)."""
    wanted = {}
    for reminder in reminders:
        wanted.setdefault(reminder.kind, set()).add(reminder.object_id)
    found = {}
    for name, ids in wanted.items():
        try:
            found[name] = get_kind(name).load_many(ids, home_id=home.pk)
        except (UnknownKind, LookupError):
            found[name] = {}
    for reminder in reminders:
        obj = found[reminder.kind].get(reminder.object_id)
        reminder.described = ""
        if obj is not None:
            try:
                reminder.described = get_kind(reminder.kind).describe(obj)
            except Exception:  # a description is a nicety: never a 500 for it
                logger.exception("could not describe reminder %s", reminder.pk)
        goes_at = reminder.due if reminder.channel == Channel.POST else reminder.not_before
        reminder.goes_at = goes_at
        reminder.day = timezone.localdate(goes_at)
    return reminders


def outbox_counts(home, *, now=None):
    """Waiting, sent in the last 7 days, could not be sent, cancelled this
    week, overdue and stuck (one query)."""
    now = now or timezone.now()
    week_ago = now - timedelta(days=7)
    return Reminder.objects.filter(home=home).aggregate(
        waiting=Count("pk", filter=Q(status__in=[Status.PENDING, Status.SENDING])),
        sent_week=Count("pk", filter=Q(status=Status.SENT, sent_at__gte=week_ago)),
        failed=Count("pk", filter=Q(status=Status.FAILED)),
        cancelled_week=Count("pk", filter=Q(status=Status.CANCELLED, due__gte=week_ago)),
        overdue=Count("pk", filter=overdue_q(now)),
        stuck=Count("pk", filter=stuck_q(now)),
    )


def outbox_page(home, *, now=None, page=None):
    """Everything the Messages page shows, in a fixed number of queries: "coming
    up" a page of ``OUTBOX_ROWS`` at a time (``page``), each row saying what it
    is about (a query per kind on the page) and grouped by day; the oldest
    ``LATE_ROWS`` overdue and stuck rows (a query each, only when there are any)."""
    now = now or timezone.now()
    rows = Reminder.objects.filter(home=home).select_related("user")
    waiting = rows.filter(status__in=[Status.PENDING, Status.SENDING])
    counts = outbox_counts(home, now=now)
    paginator = Paginator(waiting.order_by("not_before", "id"), OUTBOX_ROWS)
    paginator.count = counts["waiting"]  # already counted above
    coming_page = paginator.get_page(page)
    coming_page.object_list = _describe(list(coming_page.object_list), now=now)
    overdue, stuck = [], []
    if counts["overdue"]:
        overdue = _describe(
            list(rows.filter(overdue_q(now)).order_by("not_before", "id")[:LATE_ROWS]), now=now
        )
    if counts["stuck"]:
        stuck = _describe(list(rows.filter(stuck_q(now)).order_by("claimed_at", "id")[:LATE_ROWS]), now=now)
    # One query per kind for all three lists together.
    _describe_objects([*coming_page.object_list, *overdue, *stuck], home=home)
    return {
        "counts": counts,
        "overdue": overdue,
        "stuck": stuck,
        "overdue_after": duration_in_words(overdue_after()),
        "sending_timeout": duration_in_words(sending_timeout()),
        "failed": _describe(
            list(rows.filter(status=Status.FAILED).order_by("-due", "-id")[:FAILED_ROWS]), now=now
        ),
        "coming_up": coming_page.object_list,
        "coming_page": coming_page,
        "coming_pages": paginator.get_elided_page_range(coming_page.number, on_each_side=2, on_ends=1),
        "recently_sent": _describe(
            list(rows.filter(status=Status.SENT).order_by("-sent_at", "-id")[:OUTBOX_ROWS]), now=now
        ),
    }


OUTBOX_PAGE_NAMES = (
    "counts",
    "overdue",
    "stuck",
    "overdue_after",
    "sending_timeout",
    "failed",
    "coming_up",
    "coming_page",
    "coming_pages",
    "recently_sent",
)


def failed_count(home):
    return Reminder.objects.filter(home=home, status=Status.FAILED).count()


def _letters(home, *, now=None):
    now = now or timezone.now()
    return Reminder.objects.filter(
        home=home, channel=Channel.POST, status=Status.PENDING, due__lte=now + LETTERS_AHEAD
    )


def letters_waiting_count(home, *, now=None):
    return _letters(home, now=now).count()


def letters_to_post(home, *, now=None):
    """(letters, total): the first ``LETTERS_SHOWN`` letters due within three
    days (oldest first), each with ``preference`` (the postal address), and how many there are."""
    queryset = _letters(home, now=now)
    letters = list(queryset.select_related("home", "user").order_by("due", "id")[:LETTERS_SHOWN])
    total = len(letters) if len(letters) < LETTERS_SHOWN else queryset.count()
    preferences = {
        p.user_id: p
        for p in ContactPreference.objects.filter(user_id__in={r.user_id for r in letters if r.user_id})
    }
    for letter in letters:
        letter.preference = preferences.get(letter.user_id)
        letter.postal_address = letter.preference.postal_address if letter.preference else ""
        letter.text = _letter_text(letter)
    return _describe(letters), total


def _letter_text(letter):
    """The letter's words, from its kind's plain-text template; "" if what it
    was about has gone or a template is broken (the page says so, never a 500)."""
    try:
        obj = get_kind(letter.kind).load(letter.object_id, home_id=letter.home_id)
        if obj is None:
            return ""
        return compose(letter, obj, preference=letter.preference).text
    except Exception:
        logger.exception("could not prepare letter %s", letter.pk)
        return ""


def essential_kinds():
    """Labels of the messages that still come after someone turns reminders off."""
    return [
        kind.label
        for kind in all_kinds()
        if kind.essential and not kind.staff_only and not kind.name.startswith(("notifications.", "tests."))
    ]
