"""One definition of "a visit" and "no visit in N days" (residents.selectors.visited).

The worklist, its dashboard panel, the key worker's weekly nudge and the
managers' weekly summary must agree on every resident: these tests fail as
soon as one of them counts differently. A visit is a logged in-person
connection with someone who matters (not struck out) or a booked in-person
visit that took place (still booked, started by now); "no visit" is about
people living here now (not in hospital) for at least N days.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Reminder
from residents.messages import NO_VISIT_NUDGE, no_visit_planner
from residents.models import Connection, HomeConnectionSettings, Resident
from residents.selectors.worklist import worklist_counts, worklist_for
from residents.tests.factories import ConnectionParticipantFactory, ResidentFactory
from visits.models import Visit
from visits.selectors.summary import weekly_summary
from visits.tests.factories import VisitFactory

# The key worker's nudge is for one week (until Sunday 23:59): mid-week, it is
# made whenever the suite runs.
pytestmark = pytest.mark.usefixtures("wednesday_morning")


def logged(resident, days_ago, *, mode=Connection.Mode.IN_PERSON, struck_out=False):
    when = timezone.now() - timedelta(days=days_ago)
    extra = {"connection__struck_out_at": when, "connection__struck_out_reason": "Wrong resident"}
    ConnectionParticipantFactory(
        resident=resident,
        connection__occurred_at=when,
        connection__with_whom=Connection.WithWhom.PERSON,
        connection__mode=mode,
        **(extra if struck_out else {}),
    )


def booked(resident, days_ago, *, kind=Visit.Kind.VISIT, status=Visit.Status.BOOKED):
    VisitFactory(
        resident=resident,
        kind=kind,
        status=status,
        starts_at=timezone.now() - timedelta(days=days_ago, hours=1),
    )


# (what happened, is it "no visit in 28 days"?)
HISTORIES = {
    "only a booked visit last week": (lambda r: booked(r, 7), False),
    "only a booked visit earlier today": (lambda r: booked(r, 0), False),
    "only a logged visit last week": (lambda r: logged(r, 7), False),
    "a booked visit that was cancelled": (lambda r: booked(r, 7, status=Visit.Status.CANCELLED), True),
    "a booked visit still to come": (lambda r: booked(r, -2), True),
    "a booked video call": (lambda r: booked(r, 7, kind=Visit.Kind.VIDEO_CALL), True),
    "a booked visit 40 days ago": (lambda r: booked(r, 40), True),
    "a logged phone call": (lambda r: logged(r, 7, mode=Connection.Mode.PHONE), True),
    "a logged visit that was struck out": (lambda r: logged(r, 7, struck_out=True), True),
    "nothing at all": (lambda r: None, True),
}


def everyone_agrees(home, subject):
    """Whether each reader counts ``subject`` as "no visit", and the totals."""
    now = timezone.now()
    work = worklist_for(home, now=now)
    counts = worklist_counts(home, now=now)
    summary = weekly_summary(home, now=now)
    no_visit_planner(now, home=home)
    nudged = set(
        Reminder.objects.filter(kind=NO_VISIT_NUDGE.name, home=home).values_list("object_id", flat=True)
    )
    listed = {r.pk for r in work.no_visits}
    verdicts = {
        "worklist": subject.pk in listed,
        "summary": any(name.startswith(subject.full_name) for name in summary.no_visits),
        # The nudge goes only to residents with a key worker: everyone here has one.
        "nudge": subject.pk in nudged,
    }
    totals = {
        "worklist": len(listed),
        "panel": counts["no_visits"],
        "summary": summary.no_visits_count,
        "nudge": len(nudged),
    }
    return verdicts, totals


@pytest.mark.parametrize("history", HISTORIES)
def test_the_worklist_panel_nudge_and_summary_agree_on_who_had_no_visit(world, history):
    Resident.objects.filter(home=world.home).update(key_worker=world.staff.user)
    subject = ResidentFactory(home=world.home, full_name="Subject Sam", key_worker=world.staff.user)
    happen, expected = HISTORIES[history]
    happen(subject)

    verdicts, totals = everyone_agrees(world.home, subject)

    assert verdicts == {"worklist": expected, "summary": expected, "nudge": expected}
    assert len(set(totals.values())) == 1, totals


@pytest.mark.parametrize(
    ("status", "moved_in_days_ago"),
    [(Resident.Status.CURRENT, 10), (Resident.Status.HOSPITAL, 400), (Resident.Status.LEFT, 400)],
)
def test_someone_just_moved_in_in_hospital_or_gone_is_not_counted_anywhere(world, status, moved_in_days_ago):
    Resident.objects.filter(home=world.home).update(key_worker=world.staff.user)
    subject = ResidentFactory(
        home=world.home,
        full_name="Subject Sam",
        key_worker=world.staff.user,
        status=status,
        admitted_on=timezone.localdate() - timedelta(days=moved_in_days_ago),
    )

    verdicts, totals = everyone_agrees(world.home, subject)

    assert verdicts == {"worklist": False, "summary": False, "nudge": False}
    assert len(set(totals.values())) == 1, totals


def test_they_all_follow_the_homes_own_number_of_days(world):
    HomeConnectionSettings.objects.update_or_create(home=world.home, defaults={"no_visitor_days": 7})
    Resident.objects.filter(home=world.home).update(key_worker=world.staff.user)
    subject = ResidentFactory(home=world.home, full_name="Subject Sam", key_worker=world.staff.user)
    booked(subject, 10)  # within the default 28 days, not within this home's 7

    verdicts, totals = everyone_agrees(world.home, subject)

    assert verdicts == {"worklist": True, "summary": True, "nudge": True}
    assert len(set(totals.values())) == 1, totals
    assert (
        weekly_summary(world.home).no_visitor_days == worklist_for(world.home).settings.no_visitor_days == 7
    )
