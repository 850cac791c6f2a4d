"""Reads for the messages pages: each takes the home and costs a fixed number of queries."""

import logging
from datetime import timedelta

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.utils import timezone

from notifications.delivery import compose
from notifications.kinds import UnknownKind, all_kinds, get_kind
from notifications.models import Channel, ContactPreference, Reminder

logger = logging.getLogger(__name__)

Status = Reminder.Status

OUTBOX_ROWS = 50
FAILED_ROWS = 100
# Each letter is rendered from its kind's templates (a query or two per letter
# for the object it is about), so the page shows at most this many at once.
LETTERS_SHOWN = 30
LETTERS_AHEAD = timedelta(days=3)


def _describe(reminders):
    """Give each row ``what`` (the kind's label) and ``to_whom`` (a name or an address)."""
    for reminder in reminders:
        try:
            reminder.what = reminder.kind_definition.label
        except UnknownKind:
            reminder.what = reminder.kind.replace("_", " ").replace(".", ": ")
        if reminder.user_id:
            reminder.to_whom = reminder.user.full_name or reminder.user.email
        else:
            reminder.to_whom = reminder.recipient.split(":", 1)[-1]
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
    """Waiting, sent in the last 7 days, could not be sent, cancelled this week (one query)."""
    now = now or timezone.now()
    week_ago = now - timedelta(days=7)
    return Reminder.objects.filter(home=home).aggregate(
        waiting=Count("pk", filter=Q(status__in=[Status.PENDING, Status.SENDING])),
        sent_week=Count("pk", filter=Q(status=Status.SENT, sent_at__gte=week_ago)),
        failed=Count("pk", filter=Q(status=Status.FAILED)),
        cancelled_week=Count("pk", filter=Q(status=Status.CANCELLED, due__gte=week_ago)),
    )


def outbox_page(home, *, now=None, page=None):
    """Everything the Messages page shows, in a fixed number of queries: "coming
    up" a page of ``OUTBOX_ROWS`` at a time (``page``), each row saying what it
    is about (a query per kind on the page) and grouped by day."""
    rows = Reminder.objects.filter(home=home).select_related("user")
    waiting = rows.filter(status__in=[Status.PENDING, Status.SENDING])
    counts = outbox_counts(home, now=now)
    paginator = Paginator(waiting.order_by("not_before", "id"), OUTBOX_ROWS)
    paginator.count = counts["waiting"]  # already counted above
    coming_page = paginator.get_page(page)
    coming_page.object_list = _describe_objects(_describe(list(coming_page.object_list)), home=home)
    return {
        "counts": counts,
        "failed": _describe(list(rows.filter(status=Status.FAILED).order_by("-due", "-id")[:FAILED_ROWS])),
        "coming_up": coming_page.object_list,
        "coming_page": coming_page,
        "coming_pages": paginator.get_elided_page_range(coming_page.number, on_each_side=2, on_ends=1),
        "recently_sent": _describe(
            list(rows.filter(status=Status.SENT).order_by("-sent_at", "-id")[:OUTBOX_ROWS])
        ),
    }


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
