"""How things stood at the end of each week, for one home or many: the
dashboard's "needs attention" figures as a 12-week trend.

For each home and week, as at the week's end (Sunday night, home time; for
the week not yet over, as at now):

- ``no_regular_visitors``: residents living here who have lived here at least
  the home's no-visitor days and whose last visit (``residents.selectors.visited``:
  a logged in-person connection with someone who matters, or a booked visit
  that took place) is older than that, or who have had none. A resident in
  hospital now is left out of the week not yet over, as on the worklist;
  hospital stays are not recorded day by day, so earlier weeks count them;
- ``contact_behind``: people who matter, recorded by then, whose last contact
  (any connection with them not struck out; none yet: since they were added)
  is further back than the resident's own wish ("weekly calls");
- ``restrictions_in_force`` / ``restrictions_overdue``: visiting restrictions
  that had started and not ended, and those of them whose next review date
  had passed;
- ``partners_active`` / ``partners_cold``: active partnerships begun by
  then (working together since, or added), and those of them with no contact or activity together for longer
  than their rhythm allows (``community.selectors.partners.cold_since``);
- ``checks_run_out`` / ``checks_due_30``: volunteers' checks, training and
  driver documents (``volunteers.selectors.expiry``) run out by then, or
  running out within the 30 days after;

and for the week itself:

- ``volunteer_minutes``: volunteers' time confirmed for shifts that started
  that week;
- ``reminders_failed``: reminders due that week that could not be sent.

Records that were replaced later (a review that moved its next date on, a
renewed check) are read as they are now: ``evaluation.rollups`` keeps each
week's figures as they stood when the week ended and does not work a past
week out again once it has them.

A fixed number of queries for any number of homes (``queries_for``): seven
a week for the standing, three more.
"""

from datetime import datetime, time, timedelta

from django.db.models import Count, DateField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from community.models import Occurrence, PartnerContact, Partnership
from community.selectors.partners import cold_since
from homes.scoping import crossing_homes
from notifications.models import Reminder
from residents.models import Connection, HomeConnectionSettings, PersonWhoMatters, Resident
from residents.selectors.settings import DEFAULT_NO_VISITOR_DAYS
from residents.selectors.visited import last_visit
from visits.models import VisitRestriction
from volunteers.models import Shift
from volunteers.selectors.expiry import renewals

STANDING = (
    "no_regular_visitors",
    "contact_behind",
    "restrictions_in_force",
    "restrictions_overdue",
    "partners_active",
    "partners_cold",
    "checks_run_out",
    "checks_due_30",
)
WEEKLY = ("volunteer_minutes", "reminders_failed")
FIGURES = STANDING + WEEKLY
DUE_WITHIN_DAYS = 30
# A week's standing worked out this long after the week ended is kept as it
# is: entries made on the Monday for the Sunday still count.
FINAL_AFTER = timedelta(days=1)


def queries_for(weeks):
    """How many queries ``standing_figures`` makes for ``weeks`` (at most)."""
    return 3 + 7 * len(weeks)


def week_end(monday):
    """The first moment after the week of ``monday`` (the next Monday, 00:00 home time)."""
    return timezone.make_aware(
        datetime.combine(monday + timedelta(weeks=1), time.min), timezone.get_current_timezone()
    )


def as_at(monday, now):
    """The moment a week's standing is read at: its end, or now for the week not yet over."""
    return min(week_end(monday), now)


def _living_at(day):
    return Q(admitted_on__lte=day) & (Q(left_on__isnull=True) | Q(left_on__gt=day))


def _standing(home_ids, at, *, current, days_by_home):
    """{home id: {figure: count}} as things stood at ``at``. Seven queries."""
    day = timezone.localdate(at - timedelta(microseconds=1))  # the week's Sunday, or today
    found = {h: dict.fromkeys(STANDING, 0) for h in home_ids}
    residents = (
        Resident.objects.filter(home_id__in=home_ids)
        .filter(_living_at(day))
        .annotate(last=last_visit(at))
        .values_list("home_id", "status", "admitted_on", "last")
    )
    for home_id, status, admitted, last in residents:
        days = days_by_home.get(home_id, DEFAULT_NO_VISITOR_DAYS)
        if current and status == Resident.Status.HOSPITAL:
            continue
        if admitted <= day - timedelta(days=days) and (last is None or last < at - timedelta(days=days)):
            found[home_id]["no_regular_visitors"] += 1

    last_contact = (
        Connection.objects.filter(person=OuterRef("pk"), struck_out_at__isnull=True, occurred_at__lt=at)
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )
    people = (
        PersonWhoMatters.objects.filter(
            home_id__in=home_ids, is_active=True, contact_every_days__isnull=False, created_at__lt=at
        )
        .filter(resident__admitted_on__lte=day)
        .filter(Q(resident__left_on__isnull=True) | Q(resident__left_on__gt=day))
        .annotate(last=Subquery(last_contact))
        .values_list("home_id", "contact_every_days", "created_at", "last")
    )
    for home_id, every, created, last in people:
        if every and (last or created) < at - timedelta(days=every):
            found[home_id]["contact_behind"] += 1

    restrictions = (
        VisitRestriction.objects.filter(home_id__in=home_ids, starts_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        .values_list("home_id", "next_review_on")
    )
    for home_id, review_on in restrictions:
        found[home_id]["restrictions_in_force"] += 1
        found[home_id]["restrictions_overdue"] += review_on < day

    contact = PartnerContact.objects.filter(partnership=OuterRef("pk"), on__lte=day).order_by("-on")
    together = (
        Occurrence.objects.filter(activity__partnership=OuterRef("pk"), starts_at__lt=at)
        .exclude(status=Occurrence.Status.CANCELLED)
        .order_by("-starts_at")
        .values("starts_at")[:1]
    )
    partnerships = (
        Partnership.objects.filter(home_id__in=home_ids, status=Partnership.Status.ACTIVE)
        .filter(Q(started_on__lte=day) | Q(started_on__isnull=True, created_at__lt=at))
        .annotate(
            last_contact=Subquery(contact.values("on")[:1], output_field=DateField()),
            last_together=Subquery(together),
        )
    )
    for p in partnerships:
        dates = [d for d in (p.last_contact, p.last_together and timezone.localdate(p.last_together)) if d]
        found[p.home_id]["partners_active"] += 1
        if cold_since(p, last_contact_on=max(dates) if dates else None, on=day):
            found[p.home_id]["partners_cold"] += 1

    until = day + timedelta(days=DUE_WITHIN_DAYS)
    for renewal in renewals(lambda manager: manager.filter(home_id__in=home_ids), since=None, until=until):
        name = "checks_run_out" if renewal.expires_on < day else "checks_due_30"
        found[renewal.record.home_id][name] += 1
    return found


def _week(column):
    return TruncWeek(column, output_field=DateField(), tzinfo=timezone.get_current_timezone())


def standing_figures(home_ids, weeks, *, now=None, skip=frozenset()):
    """{home id: {Monday: {figure: count}}} for the homes and weeks (Mondays)
    asked; the standing of the (home id, Monday) pairs in ``skip`` is not
    worked out (left at 0). The caller has checked the person may see these homes."""
    now = now or timezone.now()
    weeks = sorted(set(weeks))
    found = {h: {w: dict.fromkeys(FIGURES, 0) for w in weeks} for h in home_ids}
    if not weeks or not home_ids:
        return found
    since, until = week_end(weeks[0] - timedelta(weeks=1)), week_end(weeks[-1])
    with crossing_homes("how things stood in the homes the caller may see"):
        days_by_home = dict(
            HomeConnectionSettings.objects.filter(home_id__in=home_ids).values_list(
                "home_id", "no_visitor_days"
            )
        )
        for monday in weeks:
            at = as_at(monday, now)
            if at <= week_end(monday - timedelta(weeks=1)):
                continue  # a week still to come
            wanted = [h for h in home_ids if (h, monday) not in skip]
            if not wanted:
                continue
            for home_id, counts in _standing(
                wanted, at, current=at < week_end(monday), days_by_home=days_by_home
            ).items():
                found[home_id][monday].update(counts)
        minutes = (
            Shift.objects.filter(
                home_id__in=home_ids,
                status=Shift.Status.DONE,
                hours_confirmed_at__isnull=False,
                starts_at__gte=since,
                starts_at__lt=until,
            )
            .annotate(week=_week("starts_at"))
            .values_list("home_id", "week")
            .annotate(n=Sum("minutes_given"))
            .order_by()
        )
        failed = (
            Reminder.objects.filter(
                home_id__in=home_ids, status=Reminder.Status.FAILED, due__gte=since, due__lt=until
            )
            .annotate(week=_week("due"))
            .values_list("home_id", "week")
            .annotate(n=Count("id"))
            .order_by()
        )
        for name, rows in (("volunteer_minutes", minutes), ("reminders_failed", failed)):
            for home_id, week, n in rows:
                if week in found[home_id]:
                    found[home_id][week][name] = n or 0
    return found
