"""Reminders for the improvement plan: an action falls due.

One kind, ``evaluation.action_due``, to the action's lead by email (staff read
it at work), twice: 09:00 home time a week before the due date, and 09:00 the
day after it if the action is still open. Nothing for an action with no lead,
one that is done or dropped, or a lead who no longer works at the home. The
planner runs with the others every 15 minutes; the due times follow from the
date, so running it again changes nothing. A fixed handful of queries however
many actions there are.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from evaluation.models import ImprovementAction
from homes.models import Membership
from notifications.kinds import STAFF_CHANNELS, Kind, register, register_planner
from notifications.services import Planned, reminders_schedule_many
from notifications.timing import at_local

NOTICE_DAYS = 7  # the lead hears a week before the due date
OVERDUE_DAYS = 30  # and the reminders stop a month after it
REMIND_AT_HOUR = 9
SOON, OVERDUE = "soon", "overdue"


def due_times(due_on):
    """{stage: when}: a week before, and the morning after the due date."""
    return {
        SOON: at_local(due_on - timedelta(days=NOTICE_DAYS), REMIND_AT_HOUR),
        OVERDUE: at_local(due_on + timedelta(days=1), REMIND_AT_HOUR),
    }


def _plan_url(item):
    return settings.SITE_URL + reverse(
        "evaluation:action_edit", kwargs={"home_slug": item.home.slug, "pk": item.pk}
    )


def action_due_stale(item, reminder):
    data = reminder.data or {}
    if item.status not in ImprovementAction.OPEN:
        return f"The action is {item.get_status_display().lower()}."
    if item.due_on.isoformat() != data.get("due_on"):
        return "The due date changed."
    if item.owner_id != reminder.user_id:
        return "Someone else leads it now."
    return ""


def action_due_context(item, reminder):
    today = timezone.localdate()
    return {
        "item": item,
        "due_day": date_format(item.due_on, "l j F Y"),
        "overdue_days": max((today - item.due_on).days, 0),
        "url": _plan_url(item),
    }


ACTION_DUE = register(
    Kind(
        name="evaluation.action_due",
        label="Improvement action due (to its lead)",
        model="evaluation.ImprovementAction",
        channels=STAFF_CHANNELS,
        staff_only=True,
        related=("home", "owner", "theme"),
        context=action_due_context,
        stale=action_due_stale,
        describe=lambda item: f"{item.action[:60]}, due {date_format(item.due_on, 'j M Y')}",
    )
)


def actions_due_planner(now, *, home=None):
    """Reminders for open actions due within a week or overdue by up to a month."""
    today = timezone.localdate(now)
    leads_here = Exists(
        Membership.objects.filter(home_id=OuterRef("home_id"), user_id=OuterRef("owner_id"), is_active=True)
    )
    items = (
        ImprovementAction.objects.filter(
            status__in=ImprovementAction.OPEN,
            owner__isnull=False,
            owner__is_active=True,
            due_on__gte=today - timedelta(days=OVERDUE_DAYS),
            due_on__lte=today + timedelta(days=NOTICE_DAYS),
        )
        .filter(leads_here)
        .select_related("home", "owner")
    )
    if home is not None:
        items = items.filter(home=home)
    wanted = []
    for item in items:
        expires_at = at_local(item.due_on + timedelta(days=OVERDUE_DAYS + 1), REMIND_AT_HOUR)
        for stage, due in due_times(item.due_on).items():
            if stage == OVERDUE and due > now + timedelta(days=NOTICE_DAYS):
                continue
            wanted.append(
                Planned(
                    home=item.home,
                    obj=item,
                    users=[item.owner],
                    due=due,
                    expires_at=expires_at,
                    data={"due_on": item.due_on.isoformat(), "stage": stage},
                )
            )
    return reminders_schedule_many(kind=ACTION_DUE.name, planned=wanted, now=now)


register_planner(ACTION_DUE.name, actions_due_planner)
