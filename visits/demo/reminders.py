"""Demo messages for the visits area, so the manager's Messages page has a
history: the reminders waiting for the demo's upcoming visits (made by the
same code the booking uses), the confirmations already sent, reminders sent
for the recent past visits, the cancelled visit's reminder withdrawn, and one
confirmation that could not be sent (the mail server refused the address).

Idempotent: nothing is added when the home already has these messages. Bulk writes.
"""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from notifications.models import Channel, Outcome, Reminder
from notifications.services import recipient_key
from visits import messages
from visits.models import Visit

FAILED_ERROR = "The mail server refused it: 550 5.1.1 mailbox unavailable"
Status = Reminder.Status


def seed(*, home, residents, staff, today, rng):
    # Its own kinds only: other demo areas (restriction notices) send visits.* messages first.
    own = [messages.BOOKED, messages.CANCELLED, *messages.VISIT_REMINDERS]
    if Reminder.objects.for_home(home).filter(kind__in=own).exists():
        return
    now = timezone.now()
    visits = [
        v
        for v in Visit.objects.for_home(home)
        .filter(booked_by__isnull=False)
        .select_related("booked_by__user", "resident", "home")
        .order_by("starts_at", "pk")
        if v.booked_by.is_active and v.booked_by.user.is_active
    ]
    booked = [v for v in visits if v.status == Visit.Status.BOOKED]
    upcoming = [v for v in booked if v.starts_at > now]

    # Waiting: the reminders the booking service would have made.
    for kind in messages.VISIT_REMINDERS:
        items = []
        for visit in upcoming:
            due = messages.visit_reminder_times(visit.starts_at).get(kind)
            if due and due > now:
                data = {"starts_at": messages.iso_utc(visit.starts_at)}
                items.append((home, visit, [visit.booked_by.user], due, visit.starts_at, data))
        messages.schedule_many(kind, items, now=now)

    # History: what has already gone (or could not).
    object_type = ContentType.objects.get_for_model(Visit)

    def row(visit, kind, due, status, **extra):
        user = visit.booked_by.user
        return Reminder(
            home=home,
            kind=kind,
            channel=Channel.EMAIL,
            recipient=recipient_key(user),
            user=user,
            address=user.email,
            object_type=object_type,
            object_id=visit.pk,
            due=due,
            not_before=due,
            attempts=1 if status in (Status.SENT, Status.FAILED) else 0,
            status=status,
            sent_at=due + timedelta(seconds=rng.randint(2, 40)) if status == Status.SENT else None,
            **extra,
        )

    rows = []
    for index, visit in enumerate(upcoming):
        due = now - timedelta(hours=rng.randint(2, 96))
        data = {"sequence": visit.sequence}
        if index == len(upcoming) - 1 and index:
            rows.append(
                row(
                    visit,
                    messages.BOOKED,
                    due,
                    Status.FAILED,
                    data=data,
                    last_error=FAILED_ERROR,
                    outcome=Outcome.REFUSED,
                )
            )
        elif index == 0:
            # Accepted by the provider while the database was away: recorded late, never sent twice.
            rows.append(
                row(visit, messages.BOOKED, due, Status.SENT, data=data, outcome=Outcome.RECORDED_LATE)
            )
        else:
            rows.append(row(visit, messages.BOOKED, due, Status.SENT, data=data))
    for visit in booked:
        if visit.starts_at > now:
            continue
        for kind, due in messages.visit_reminder_times(visit.starts_at).items():
            if due <= now:
                rows.append(
                    row(visit, kind, due, Status.SENT, data={"starts_at": messages.iso_utc(visit.starts_at)})
                )
    for visit in visits:
        if visit.status != Visit.Status.CANCELLED:
            continue
        cancelled_at = visit.cancelled_at or now
        rows.append(
            row(visit, messages.CANCELLED, cancelled_at, Status.SENT, data={"sequence": visit.sequence})
        )
        for kind, due in messages.visit_reminder_times(visit.starts_at).items():
            rows.append(
                row(
                    visit,
                    kind,
                    due,
                    Status.CANCELLED,
                    data={"starts_at": messages.iso_utc(visit.starts_at)},
                    cancelled_reason="The visit was cancelled.",
                )
            )
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
