"""The door code notice (never the code) and the managers' restriction
review reminders (a planner)."""

import datetime

from django.utils import timezone

from notifications.kinds import ALL_CHANNELS, STAFF_CHANNELS, Kind, register, register_planner
from notifications.services import reminders_cancel, reminders_schedule
from notifications.timing import at_local
from residents.models import RelativeLink, Resident
from visits.messages.common import (
    DOOR_CODE_CHANGED,
    REGULAR_VISITOR_APPROVED,
    RESTRICTION_REVIEW_DUE,
    REVIEW_AHEAD_DAYS,
    REVIEW_NOTICE_DAYS,
    REVIEW_OVERDUE_DAYS,
    managers_by_home,
    schedule_many,
    url,
)
from visits.models import DoorCode, VisitRestriction


def door_code_context(door_code, reminder):
    return {"url": url("visits:my_door_code", door_code.home.slug)}


def door_code_stale(door_code, reminder):
    if door_code.replaced_at is not None:
        return "A newer code replaced it."
    return ""


def door_code_sent(door_code, reminder):
    DoorCode.objects.for_home(door_code.home_id).filter(pk=door_code.pk, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )


register(
    Kind(
        name=DOOR_CODE_CHANGED,
        label="The door code changed",
        model="visits.DoorCode",
        essential=True,
        channels=ALL_CHANNELS,
        related=("home",),
        context=door_code_context,
        stale=door_code_stale,
        on_sent=door_code_sent,
    )
)


def door_code_messages_schedule(*, door_code, previous, recipients, now, due=None):
    """Tell approved regular visitors the code changed (never the code), at
    ``due`` (now unless the home changed it many times lately)."""
    if previous is not None:
        reminders_cancel(obj=previous, kinds=[DOOR_CODE_CHANGED], reason="A newer code replaced it.")
    if not recipients:
        return 0
    return reminders_schedule(
        home=door_code.home,
        kind=DOOR_CODE_CHANGED,
        obj=door_code,
        recipients=recipients,
        due=due or now,
        now=now,
    )


def regular_visitor_context(link, reminder):
    return {"resident": link.resident, "url": url("visits:my_door_code", link.home.slug)}


def regular_visitor_stale(link, reminder):
    if link.status != RelativeLink.Status.ACTIVE or link.regular_visitor_approved_at is None:
        return "The regular visitor approval was withdrawn."
    return ""


register(
    Kind(
        name=REGULAR_VISITOR_APPROVED,
        label="You are approved as a regular visitor",
        model="residents.RelativeLink",
        essential=True,
        channels=ALL_CHANNELS,
        related=("home", "resident"),
        context=regular_visitor_context,
        stale=regular_visitor_stale,
        describe=lambda link: f"regular visitor to {link.resident.short_name}",
    )
)


def regular_visitor_messages_schedule(*, link, now):
    """Tell a newly approved regular visitor they can see the door code in
    Kith (never the code itself)."""
    return reminders_schedule(
        home=link.home,
        kind=REGULAR_VISITOR_APPROVED,
        obj=link,
        recipients=[link.membership.user],
        due=now,
        now=now,
    )


def restriction_review_context(restriction, reminder):
    review_on = datetime.date.fromisoformat(reminder.data["review_on"])
    return {
        "restriction": restriction,
        "resident": restriction.resident,
        "review_on": review_on,
        "overdue": review_on < timezone.localdate(),
        "url": url("visits:restriction_detail", restriction.home.slug, restriction.pk),
        "review_url": url("visits:restriction_review", restriction.home.slug, restriction.pk),
    }


def restriction_review_stale(restriction, reminder):
    if restriction.ended_on is not None:
        return "The restriction has ended."
    if restriction.next_review_on.isoformat() != reminder.data.get("review_on"):
        return "The review date changed."
    return ""


register(
    Kind(
        name=RESTRICTION_REVIEW_DUE,
        label="A visiting restriction is due for review",
        model="visits.VisitRestriction",
        essential=True,
        channels=STAFF_CHANNELS,
        staff_only=True,
        related=("home", "resident"),
        context=restriction_review_context,
        stale=restriction_review_stale,
        describe=lambda restriction: f"visits to {restriction.resident.short_name}",
    )
)


def restriction_reviews_plan(now):
    """Managers hear of a review 2 days before it (09:00), for reviews in the
    next 3 days or up to 14 days overdue. Five queries, however many."""
    today = timezone.localdate(now)
    restrictions = list(
        VisitRestriction.objects.filter(
            ended_on__isnull=True,
            next_review_on__gte=today - datetime.timedelta(days=REVIEW_OVERDUE_DAYS),
            next_review_on__lte=today + datetime.timedelta(days=REVIEW_AHEAD_DAYS),
            resident__status__in=[Resident.Status.CURRENT, Resident.Status.HOSPITAL],
        ).select_related("home")
    )
    if not restrictions:
        return 0
    managers = managers_by_home({r.home_id for r in restrictions})
    items = [
        (
            r.home,
            r,
            managers[r.home_id][1],
            at_local(r.next_review_on - datetime.timedelta(days=REVIEW_NOTICE_DAYS), 9),
            None,
            {"review_on": r.next_review_on.isoformat()},
        )
        for r in restrictions
        if managers.get(r.home_id)
    ]
    return schedule_many(RESTRICTION_REVIEW_DUE, items, now=now)


register_planner(RESTRICTION_REVIEW_DUE, restriction_reviews_plan)
