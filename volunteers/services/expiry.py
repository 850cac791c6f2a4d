"""Expiry warnings: 60, 30 and 7 days before a background check, a piece of
training or a driver's document (licence check, business-use insurance, MOT)
runs out, the person and their contact at the home hear of it, through the
outbox.

``expiry_warnings_plan(now)`` is the planner beat runs every 15 minutes
(registered in ``volunteers.messages.expiry``). For each thing in
``volunteers.selectors.expiry.renewals`` that runs out within 60 days it makes
the warning now due: the nearest of the 60-, 30- and 7-day marks already
reached (``rules.warning_days``), due at 09:00 home time on that day. The due
time follows from the date, so the outbox's unique constraint makes each
warning once however often the planner runs. A planner that runs late still
sends the 60-day warning until the 30-day one is due (then that one is sent
instead, and the 60-day one, if still waiting, is dropped); nothing is made
for a date already passed, for a record replaced by a newer one, or for
someone who has left, and a warning whose record changed before it went is
not sent (the kinds' ``stale``).

Who hears: the person (their Kith account, or for a volunteer without one
their email address) and the volunteer's contact at the home, or, for a
volunteer with no contact and for staff, the home's co-ordinators (active
connection champions and managers).
"""

from datetime import timedelta

from django.utils import timezone

from homes.models import Membership, Role
from notifications.models import Reminder
from notifications.services import Planned, recipient_key, reminders_schedule, reminders_schedule_many
from notifications.timing import at_local
from volunteers.rules import WARN_DAYS, warning_days
from volunteers.selectors.expiry import CHECK, INSURANCE, LICENCE, MOT, TRAINING, renewals

CHECK_EXPIRING = "volunteers.check_expiring"
TRAINING_EXPIRING = "volunteers.training_expiring"
DRIVER_EXPIRING = "volunteers.driver_expiring"
KIND_OF = {
    CHECK: CHECK_EXPIRING,
    TRAINING: TRAINING_EXPIRING,
    LICENCE: DRIVER_EXPIRING,
    INSURANCE: DRIVER_EXPIRING,
    MOT: DRIVER_EXPIRING,
}
WARN_AT_HOUR = 9
# A driver's three documents are one record and one kind: each has its own
# minute, so two on the same date make two warnings, not one.
WARN_AT_MINUTE = {LICENCE: 0, INSURANCE: 1, MOT: 2}
COORDINATOR_ROLES = (Role.CHAMPION, Role.MANAGER)


def warning_due(expires_on, days, document):
    """09:00 home time ``days`` days before ``expires_on``."""
    return at_local(expires_on - timedelta(days=days), WARN_AT_HOUR, WARN_AT_MINUTE.get(document, 0))


def warning_expires(expires_on, days, document):
    """When a warning is no use any more: when the next one is due, or, for
    the last, the end of the day the thing runs out."""
    sooner = [d for d in WARN_DAYS if d < days]
    if sooner:
        return warning_due(expires_on, max(sooner), document)
    return at_local(expires_on + timedelta(days=1), 0)


def warning_data(renewal, days):
    """What the warning was about when it was made: its ``stale`` compares."""
    return {"document": renewal.document, "expires_on": renewal.expires_on.isoformat(), "days": days}


def coordinators_by_home(home_ids):
    """{home id: [User]} of each home's active connection champions and managers (one query)."""
    found = {}
    members = (
        Membership.objects.filter(home_id__in=list(home_ids), role__in=COORDINATOR_ROLES)
        .active()
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    for member in members:
        found.setdefault(member.home_id, []).append(member.user)
    return found


def contact_user(volunteer):
    """The user of ``volunteer``'s contact at the home, if they still work there."""
    contact = volunteer.contact
    if contact is None or contact.home_id != volunteer.home_id:
        return None
    if not contact.is_active or not contact.user.is_active:
        return None
    return contact.user


def recipients(renewal, coordinators):
    """([User], email address or '') for one renewal: the person, and their
    contact or the home's co-ordinators, each once."""
    users, email = [], ""
    home_id = renewal.record.home_id
    if renewal.volunteer is not None:
        volunteer = renewal.volunteer
        if volunteer.user_id and volunteer.user.is_active:
            users.append(volunteer.user)
        elif volunteer.email:
            email = volunteer.email
        contact = contact_user(volunteer)
        users += [contact] if contact is not None else coordinators.get(home_id, [])
    else:
        users.append(renewal.member.user)
        users += coordinators.get(home_id, [])
    return list({u.pk: u for u in users}.values()), email


def _schedule_emails(wanted, *, now):
    """``reminders_schedule`` for volunteers with no Kith account, once each:
    those already in the outbox are left alone (one query to find them)."""
    if not wanted:
        return 0
    existing = set(
        Reminder.objects.filter(
            home_id__in={item["home"].pk for item in wanted},
            kind__in={item["kind"] for item in wanted},
            recipient__in={recipient_key(item["email"]) for item in wanted},
            due__in={item["due"] for item in wanted},
        )
        .exclude(status=Reminder.Status.CANCELLED)
        .values_list("kind", "object_id", "recipient", "due")
    )
    created = 0
    for item in wanted:
        key = (item["kind"], item["obj"].pk, recipient_key(item["email"]), item["due"])
        if key in existing:
            continue
        created += reminders_schedule(
            home=item["home"],
            kind=item["kind"],
            obj=item["obj"],
            recipients=[item["email"]],
            due=item["due"],
            expires_at=item["expires_at"],
            data=item["data"],
            now=now,
        )
    return created


def expiry_warnings_plan(now, *, home=None):
    """Make the expiry warnings now due (every home, or one ``home``).
    Returns how many outbox rows were made. Safe to run any number of times."""
    today = timezone.localdate(now)
    if home is None:
        scope = lambda manager: manager.all()  # noqa: E731 - the planner crosses homes
    else:
        scope = lambda manager: manager.filter(home=home)  # noqa: E731
    found = renewals(scope, since=today, until=today + timedelta(days=WARN_DAYS[0]))
    coordinators = coordinators_by_home({r.record.home_id for r in found})
    homes = {}
    planned = {kind: [] for kind in set(KIND_OF.values())}
    emails = []
    for renewal in found:
        days = warning_days(renewal.expires_on, today)
        if days is None:
            continue
        due = warning_due(renewal.expires_on, days, renewal.document)
        expires_at = warning_expires(renewal.expires_on, days, renewal.document)
        if expires_at <= now:
            continue
        the_home = homes.setdefault(renewal.record.home_id, renewal.record.home)
        kind = KIND_OF[renewal.document]
        data = warning_data(renewal, days)
        users, email = recipients(renewal, coordinators)
        if users:
            planned[kind].append(
                Planned(
                    home=the_home, obj=renewal.record, users=users, due=due, expires_at=expires_at, data=data
                )
            )
        if email:
            emails.append(
                {
                    "home": the_home,
                    "kind": kind,
                    "obj": renewal.record,
                    "email": email,
                    "due": due,
                    "expires_at": expires_at,
                    "data": data,
                }
            )
    created = sum(
        reminders_schedule_many(kind=kind, planned=items, now=now) for kind, items in sorted(planned.items())
    )
    return created + _schedule_emails(emails, now=now)
