"""Reminders about residents, to their key workers, made from dates.

Three kinds, each with a planner that beat runs every 15 minutes:

* ``residents.plan_review_due``: a personal plan's review falls due in a week
  (or is overdue by up to 30 days). Due 09:00 home time a week before the
  review date.
* ``residents.no_visit_nudge``: nobody from family or friends has visited a
  resident in the home's ``no_visitor_days`` (the worklist's "no regular
  visitors"). One nudge a week, due Monday 09:00, gone by Sunday night.
* ``residents.loneliness_check_due``: the three loneliness questions are due
  again (the home's ``loneliness_every_days`` after the last answers; two
  weeks after moving in for someone never asked). Due 09:00 on the day, and
  every four weeks after while still overdue.

All go to the resident's key worker by email only (staff read them at work),
nothing for residents who left or have no key worker. The planners are safe to
run any number of times: the due time follows from the date, so the outbox's
unique constraint (and the check for rows already there) absorbs repeats. Each
costs the same handful of queries however many residents there are.
"""

import datetime
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from homes.models import Membership
from notifications.kinds import STAFF_CHANNELS, Kind, register, register_planner
from notifications.services import Planned, reminders_schedule_many
from notifications.timing import at_local
from residents.models import LonelinessMeasure, PersonalPlan, Resident
from residents.selectors.settings import (
    DEFAULT_LONELINESS_EVERY_DAYS,
    DEFAULT_NO_VISITOR_DAYS,
    connection_settings_for,
    loneliness_every_days_by_home,
    no_visitor_days,
    no_visitor_days_by_home,
)
from residents.selectors.visited import last_visit, no_visit_for
from residents.selectors.wellbeing import last_measured_on, loneliness_due_on

REVIEW_NOTICE_DAYS = 7  # the key worker hears a week before the review date
REVIEW_OVERDUE_DAYS = 30  # and, if it is missed, for up to 30 days after
REMIND_AT_HOUR = 9
LIVING_HERE = (Resident.Status.CURRENT, Resident.Status.HOSPITAL)


def _plan_url(resident):
    return settings.SITE_URL + reverse(
        "residents:plan", kwargs={"home_slug": resident.home.slug, "pk": resident.pk}
    )


def _day(value, today):
    """ "3 October", with the year when it is not this year."""
    return date_format(value, "j F" if value.year == today.year else "j F Y")


def _how_long(days):
    if days < 14:
        return "1 day" if days == 1 else f"{days} days"
    return f"{days // 7} weeks"


def _key_worker_changed(resident, reminder):
    return resident.key_worker_id != reminder.user_id


# --- Plan review due ----------------------------------------------------------------------------


def plan_review_due_at(review_due_on):
    """09:00 home time a week before the review date (DST-safe)."""
    return at_local(review_due_on - timedelta(days=REVIEW_NOTICE_DAYS), REMIND_AT_HOUR)


def plan_review_stale(plan, reminder):
    resident = plan.resident
    if resident.has_left:
        return f"{resident.short_name} no longer lives here."
    due_on = plan.review_due_on.isoformat() if plan.review_due_on else None
    if due_on != (reminder.data or {}).get("review_due_on"):
        return "The review date changed."
    if _key_worker_changed(resident, reminder):
        return f"{resident.short_name} has a different key worker now."
    return ""


def plan_review_context(plan, reminder):
    resident = plan.resident
    today = timezone.localdate()
    due_on = plan.review_due_on
    return {
        "resident": resident,
        "review_due_on": due_on,
        "review_day": date_format(due_on, "l j F Y") if due_on else "",
        "overdue_days": max((today - due_on).days, 0) if due_on else 0,
        "url": _plan_url(resident),
    }


PLAN_REVIEW_DUE = register(
    Kind(
        name="residents.plan_review_due",
        label="Plan review due (to the key worker)",
        model="residents.PersonalPlan",
        channels=STAFF_CHANNELS,
        staff_only=True,
        related=("home", "resident", "resident__home"),
        context=plan_review_context,
        stale=plan_review_stale,
    )
)


# --- No visit for a while -----------------------------------------------------------------------


def _unvisited_since(resident, last_visit, now, days):
    """When the resident was last visited (or moved in, if never), if they
    have had no visit in ``days`` days (``residents.selectors.visited``: the
    worklist's rule); else None."""
    if not no_visit_for(resident, last_visit, now, days):
        return None
    return last_visit if last_visit is not None else at_local(resident.admitted_on, 0)


def _last_visit_of(resident):
    return (
        Resident.objects.for_home(resident.home_id)
        .filter(pk=resident.pk)
        .annotate(last_visit=last_visit())
        .values_list("last_visit", flat=True)
        .first()
    )


def no_visit_stale(resident, reminder):
    if resident.has_left:
        return f"{resident.short_name} no longer lives here."
    if resident.status == Resident.Status.HOSPITAL:
        return f"{resident.short_name} is in hospital."
    if _key_worker_changed(resident, reminder):
        return f"{resident.short_name} has a different key worker now."
    resident._last_visit = _last_visit_of(resident)
    resident._no_visitor_days = no_visitor_days(resident.home)
    if _unvisited_since(resident, resident._last_visit, timezone.now(), resident._no_visitor_days) is None:
        return "Someone has visited since."
    return ""


def no_visit_context(resident, reminder):
    if not hasattr(resident, "_last_visit"):
        resident._last_visit = _last_visit_of(resident)
        resident._no_visitor_days = no_visitor_days(resident.home)
    today = timezone.localdate()
    last_visit = resident._last_visit
    since = timezone.localdate(last_visit) if last_visit else resident.admitted_on
    return {
        "resident": resident,
        "never_visited": last_visit is None,
        "since_day": _day(since, today),
        "how_long": _how_long((today - since).days),
        "no_visitor_days": resident._no_visitor_days,
        "url": _plan_url(resident),
    }


NO_VISIT_NUDGE = register(
    Kind(
        name="residents.no_visit_nudge",
        label="No visit for a while (weekly, to the key worker)",
        model="residents.Resident",
        channels=STAFF_CHANNELS,
        staff_only=True,
        related=("home", "key_worker"),
        context=no_visit_context,
        stale=no_visit_stale,
    )
)


# --- Planners -----------------------------------------------------------------------------------


def _key_worker_works_here(user_field):
    return Exists(
        Membership.objects.filter(home_id=OuterRef("home_id"), user_id=OuterRef(user_field), is_active=True)
    )


def plan_reviews_planner(now, *, home=None):
    """Reminders for plan reviews due within a week or overdue by up to 30 days."""
    today = timezone.localdate(now)
    plans = (
        PersonalPlan.objects.filter(
            review_due_on__gte=today - timedelta(days=REVIEW_OVERDUE_DAYS),
            review_due_on__lte=today + timedelta(days=REVIEW_NOTICE_DAYS),
            resident__status__in=LIVING_HERE,
            resident__key_worker__isnull=False,
        )
        .filter(_key_worker_works_here("resident__key_worker_id"))
        .select_related("home", "resident", "resident__key_worker")
    )
    if home is not None:
        plans = plans.filter(home=home)
    wanted = [
        Planned(
            home=plan.home,
            obj=plan,
            users=[plan.resident.key_worker],
            due=plan_review_due_at(plan.review_due_on),
            expires_at=at_local(plan.review_due_on + timedelta(days=REVIEW_OVERDUE_DAYS + 1), REMIND_AT_HOUR),
            data={"review_due_on": plan.review_due_on.isoformat()},
        )
        for plan in plans
    ]
    return reminders_schedule_many(kind=PLAN_REVIEW_DUE.name, planned=wanted, now=now)


def week_of(day):
    """(Monday 09:00, Sunday 23:59) home time of the week ``day`` is in."""
    monday = day - timedelta(days=day.weekday())
    return at_local(monday, REMIND_AT_HOUR), at_local(monday + timedelta(days=6), 23, 59)


def no_visit_planner(now, *, home=None):
    """This week's nudge for each resident nobody has visited in the home's
    ``no_visitor_days``."""
    today = timezone.localdate(now)
    due, expires_at = week_of(today)
    days_by_home = no_visitor_days_by_home(home)
    shortest = min([DEFAULT_NO_VISITOR_DAYS, *days_by_home.values()])
    residents = (
        Resident.objects.filter(status=Resident.Status.CURRENT, key_worker__isnull=False)
        .filter(_key_worker_works_here("key_worker_id"))
        .annotate(last_visit=last_visit(now))
        .filter(
            Q(last_visit__lt=now - timedelta(days=shortest))
            | Q(last_visit__isnull=True, admitted_on__lte=today - timedelta(days=shortest))
        )
        .select_related("home", "key_worker")
    )
    if home is not None:
        residents = residents.filter(home=home)
    wanted = []
    for resident in residents:
        days = days_by_home.get(resident.home_id, DEFAULT_NO_VISITOR_DAYS)
        since = _unvisited_since(resident, resident.last_visit, now, days)
        if since is None:
            continue
        wanted.append(
            Planned(
                home=resident.home,
                obj=resident,
                users=[resident.key_worker],
                due=due,
                expires_at=expires_at,
                data={"week_of": timezone.localdate(due).isoformat(), "since": since.isoformat()},
            )
        )
    return reminders_schedule_many(kind=NO_VISIT_NUDGE.name, planned=wanted, now=now)


# --- Loneliness check due -----------------------------------------------------------------------

LONELINESS_AHEAD_DAYS = 1  # rows are made the day before, due 09:00 on the day
LONELINESS_AGAIN_DAYS = 28  # while it stays overdue, again every four weeks


def loneliness_remind_on(due_on, today):
    """The day the key worker hears of a check due on ``due_on``: that day,
    then every four weeks while it is still overdue. Follows from the dates
    only, so the planner makes the same row however often it runs."""
    if today <= due_on:
        return due_on
    return due_on + timedelta(days=(today - due_on).days // LONELINESS_AGAIN_DAYS * LONELINESS_AGAIN_DAYS)


def _loneliness_due_now(resident):
    every_days = connection_settings_for(resident.home).loneliness_every_days
    last_on = (
        LonelinessMeasure.objects.for_home(resident.home_id)
        .filter(resident=resident)
        .order_by("-recorded_on", "-id")
        .values_list("recorded_on", flat=True)
        .first()
    )
    due_on = loneliness_due_on(last_on=last_on, admitted_on=resident.admitted_on, every_days=every_days)
    return last_on, due_on


def loneliness_stale(resident, reminder):
    if resident.has_left:
        return f"{resident.short_name} no longer lives here."
    if resident.status == Resident.Status.HOSPITAL:
        return f"{resident.short_name} is in hospital."
    if _key_worker_changed(resident, reminder):
        return f"{resident.short_name} has a different key worker now."
    resident._last_measured, due_on = _loneliness_due_now(resident)
    if due_on.isoformat() != (reminder.data or {}).get("due_on"):
        return "The answers were recorded since, or the home changed how often it asks."
    return ""


def loneliness_context(resident, reminder):
    today = timezone.localdate()
    if not hasattr(resident, "_last_measured"):
        resident._last_measured, _ = _loneliness_due_now(resident)
    due_on = datetime.date.fromisoformat(reminder.data["due_on"])
    return {
        "resident": resident,
        "due_day": _day(due_on, today),
        "overdue": due_on < today,
        "never_asked": resident._last_measured is None,
        "last_day": _day(resident._last_measured, today) if resident._last_measured else "",
        "url": settings.SITE_URL
        + reverse("residents:wellbeing_add", kwargs={"home_slug": resident.home.slug, "pk": resident.pk}),
    }


LONELINESS_CHECK_DUE = register(
    Kind(
        name="residents.loneliness_check_due",
        label="Loneliness check due (to the key worker)",
        model="residents.Resident",
        channels=STAFF_CHANNELS,
        staff_only=True,
        related=("home", "key_worker"),
        context=loneliness_context,
        stale=loneliness_stale,
    )
)


def loneliness_planner(now, *, home=None):
    """A reminder to the key worker when a resident's loneliness questions
    fall due (the home's interval after the last answers; two weeks after
    moving in for someone never asked), at 09:00 on the day, then every four
    weeks while overdue. Three queries however many residents."""
    today = timezone.localdate(now)
    days_by_home = loneliness_every_days_by_home(home)
    residents = (
        Resident.objects.filter(status=Resident.Status.CURRENT, key_worker__isnull=False)
        .filter(_key_worker_works_here("key_worker_id"))
        .annotate(last_measured=last_measured_on())
        .select_related("home", "key_worker")
    )
    if home is not None:
        residents = residents.filter(home=home)
    wanted = []
    for resident in residents:
        due_on = loneliness_due_on(
            last_on=resident.last_measured,
            admitted_on=resident.admitted_on,
            every_days=days_by_home.get(resident.home_id, DEFAULT_LONELINESS_EVERY_DAYS),
        )
        if due_on > today + timedelta(days=LONELINESS_AHEAD_DAYS):
            continue
        remind_on = loneliness_remind_on(due_on, today)
        wanted.append(
            Planned(
                home=resident.home,
                obj=resident,
                users=[resident.key_worker],
                due=at_local(remind_on, REMIND_AT_HOUR),
                expires_at=at_local(remind_on + timedelta(days=LONELINESS_AGAIN_DAYS), REMIND_AT_HOUR),
                data={"due_on": due_on.isoformat()},
            )
        )
    return reminders_schedule_many(kind=LONELINESS_CHECK_DUE.name, planned=wanted, now=now)


register_planner(PLAN_REVIEW_DUE.name, plan_reviews_planner)
register_planner(NO_VISIT_NUDGE.name, no_visit_planner)
register_planner(LONELINESS_CHECK_DUE.name, loneliness_planner)


def run_planners(*, home, now=None):
    """The planners for one home (the demo)."""
    now = now or timezone.now()
    return (
        plan_reviews_planner(now, home=home)
        + no_visit_planner(now, home=home)
        + loneliness_planner(now, home=home)
    )
