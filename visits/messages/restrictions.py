"""Anne's Law: the written notice a resident's relatives get when a visiting
restriction is recorded, changed at a review, or ended.

Essential, by each person's own channel (a letter, listed for staff to post,
for someone who has chosen post and neither email nor text). The rows are the
record of what was sent to whom: the restriction's page lists them. Each
notice keeps, in its data, what it said at the time (the reason, the dates,
the review's outcome), so a later change never rewrites an earlier letter.
"""

import datetime

from django.utils import timezone

from homes.models import Role
from notifications.kinds import ALL_CHANNELS, Kind, register
from notifications.services import reminders_schedule
from residents.models import RelativeLink
from visits.messages.common import url

RESTRICTION_NOTICE = "visits.restriction_notice"

RECORDED, CHANGED, ENDED = "recorded", "changed", "ended"
EVENTS = {
    RECORDED: "Visiting restriction recorded",
    CHANGED: "Visiting restriction changed at a review",
    ENDED: "Visiting restriction ended",
}


def _snapshot(restriction, event, *, outcome=""):
    return {
        "event": event,
        "reason": restriction.reason,
        "starts_on": restriction.starts_on.isoformat(),
        "expected_end_on": restriction.expected_end_on.isoformat(),
        "next_review_on": restriction.next_review_on.isoformat(),
        "ended_on": restriction.ended_on.isoformat() if restriction.ended_on else "",
        "end_note": restriction.end_note,
        "outcome": outcome,
        "other_exempt_visitors": restriction.other_exempt_visitors,
    }


def _day(text):
    return datetime.date.fromisoformat(text) if text else None


def restriction_notice_context(restriction, reminder):
    data = reminder.data or {}
    resident = restriction.resident
    exempt_names = [
        link.membership.user.full_name
        for link in restriction.exempt_links.select_related("membership__user").order_by("pk")
    ]
    you_exempt = (
        bool(reminder.user_id)
        and restriction.exempt_links.filter(membership__user_id=reminder.user_id).exists()
    )
    return {
        "restriction": restriction,
        "resident": resident,
        "event": data.get("event", RECORDED),
        "event_label": EVENTS.get(data.get("event"), EVENTS[RECORDED]),
        "reason": data.get("reason", restriction.reason),
        "starts_on": _day(data.get("starts_on")),
        "expected_end_on": _day(data.get("expected_end_on")),
        "next_review_on": _day(data.get("next_review_on")),
        "ended_on": _day(data.get("ended_on")),
        "end_note": data.get("end_note", ""),
        "outcome": data.get("outcome", ""),
        "exempt_names": exempt_names,
        "other_exempt_visitors": data.get("other_exempt_visitors", ""),
        "you_exempt": you_exempt,
        "always_visit": bool(resident.visiting_priority),
        "url": url("homes:dashboard", restriction.home.slug),
    }


register(
    Kind(
        name=RESTRICTION_NOTICE,
        label="A visiting restriction was recorded, changed or ended (Anne's Law)",
        model="visits.VisitRestriction",
        essential=True,
        channels=ALL_CHANNELS,
        related=("home", "resident"),
        context=restriction_notice_context,
        describe=lambda restriction: f"visits to {restriction.resident.short_name}",
    )
)


def affected_relatives(restriction):
    """The people the resident's active relative links belong to (Users, each once)."""
    links = (
        RelativeLink.objects.for_home(restriction.home_id)
        .filter(
            resident_id=restriction.resident_id,
            status=RelativeLink.Status.ACTIVE,
            membership__is_active=True,
            membership__role=Role.FAMILY,
            membership__user__is_active=True,
        )
        .select_related("membership__user")
        .order_by("membership__user__full_name", "pk")
    )
    return list({link.membership.user_id: link.membership.user for link in links}.values())


def restriction_notice_schedule(*, restriction, event, outcome="", now=None):
    """Queue the written notice of ``event`` to each affected relative, by
    their channel, due now. Call inside the service's transaction."""
    now = now or timezone.now()
    recipients = affected_relatives(restriction)
    if not recipients:
        return 0
    return reminders_schedule(
        home=restriction.home,
        kind=RESTRICTION_NOTICE,
        obj=restriction,
        recipients=recipients,
        due=now,
        data=_snapshot(restriction, event, outcome=outcome),
        now=now,
    )
