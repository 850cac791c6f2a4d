"""How things stood at each week's end (``evaluation.standing``): answers
worked out by hand for three weeks of one home, the same whichever homes are
asked together, and kept as they stood once a week is over."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from community.models import Partnership, Rhythm
from community.tests.factories import (
    ActivityFactory,
    OccurrenceFactory,
    PartnerContactFactory,
    PartnershipFactory,
)
from evaluation import rollups, standing
from evaluation.figures import weeks_ending
from homes.scoping import crossing_homes
from homes.tests.factories import HomeFactory, MembershipFactory
from notifications.models import Reminder
from notifications.tests.sweep_messages import reminder_for
from residents.models import Connection, HomeConnectionSettings, PersonWhoMatters, Resident
from residents.tests.factories import (
    ConnectionFactory,
    ConnectionParticipantFactory,
    PersonWhoMattersFactory,
    ResidentFactory,
)
from visits.tests.factories import VisitFactory, VisitRestrictionFactory
from volunteers.models import Shift, Volunteer
from volunteers.tests.factories import DbsCheckFactory, ShiftFactory, VolunteerFactory

NOW = datetime(2026, 11, 18, 12, 0)  # a Wednesday
W1, W2, W3 = date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)  # W3 is not over yet


def at(day, hour=11):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def visit_logged(resident, person, day):
    connection = ConnectionFactory(
        home=resident.home,
        occurred_at=at(day),
        with_whom=Connection.WithWhom.PERSON,
        mode=Connection.Mode.IN_PERSON,
        person=person,
        with_name="",
    )
    return ConnectionParticipantFactory(resident=resident, connection=connection)


def added_on(person, day):
    with crossing_homes("test"):
        PersonWhoMatters.objects.filter(pk=person.pk).update(created_at=at(day, 9))


@pytest.fixture
def home(db):
    with time_machine.travel(timezone.make_aware(NOW), tick=False):
        return _a_home_with_known_answers()


def _a_home_with_known_answers():
    home = HomeFactory()
    with crossing_homes("test"):
        HomeConnectionSettings.objects.update_or_create(home=home, defaults={"no_visitor_days": 14})
    long_ago = date(2025, 1, 6)

    # No regular visitors (14 days), as at each week's end: 3, 1, 1.
    ada = ResidentFactory(home=home, full_name="Ada", admitted_on=long_ago)
    daughter = PersonWhoMattersFactory(resident=ada, relationship="daughter", contact_every_days=7)
    added_on(daughter, date(2026, 10, 1))
    visit_logged(ada, daughter, date(2026, 11, 3))  # visited in W1 and W2's windows, not W3's
    ResidentFactory(home=home, full_name="Ben", admitted_on=date(2026, 11, 10))  # too new to count
    ResidentFactory(home=home, full_name="Cas", admitted_on=long_ago, status=Resident.Status.HOSPITAL)
    ResidentFactory(
        home=home,
        full_name="Dee",
        admitted_on=long_ago,
        status=Resident.Status.DIED,
        left_on=date(2026, 11, 12),  # lived here through W1 only
    )
    eve = ResidentFactory(home=home, full_name="Eve", admitted_on=long_ago)
    VisitFactory(resident=eve, starts_at=at(date(2026, 11, 12), 14))  # a booked visit in W2

    # Contact behind the resident's wish: 0, 1, 1 (Ada's daughter: weekly, last seen 3 November).
    friend = PersonWhoMattersFactory(resident=ada, relationship="friend", contact_every_days=30)
    added_on(friend, date(2026, 11, 10))  # added in W2, and not behind yet
    gone = PersonWhoMattersFactory(resident=ada, relationship="son", contact_every_days=1, is_active=False)
    added_on(gone, date(2026, 1, 1))  # no longer in touch: never counted

    # Restrictions: in force 2, 1, 1; review overdue 1, 1, 1.
    VisitRestrictionFactory(
        resident=eve,
        starts_on=date(2026, 10, 20),
        expected_end_on=date(2026, 12, 20),
        next_review_on=date(2026, 11, 10),  # overdue from W2
    )
    VisitRestrictionFactory(
        resident=ada,
        starts_on=date(2026, 11, 4),
        expected_end_on=date(2026, 11, 30),
        next_review_on=date(2026, 11, 7),  # overdue by W1's Sunday
        ended_on=date(2026, 11, 11),
    )

    # Partners: active 3, 3, 3; going cold 1, 1, 2.
    monthly = PartnershipFactory(home=home, rhythm=Rhythm.MONTHLY, started_on=date(2026, 9, 1))
    PartnerContactFactory(partnership=monthly, on=date(2026, 10, 1))  # cold after 46 days: 17 November
    weekly = PartnershipFactory(home=home, rhythm=Rhythm.WEEKLY, started_on=date(2026, 6, 1))
    OccurrenceFactory(
        activity=ActivityFactory(home=home, partnership=weekly),
        starts_at=at(date(2026, 11, 6), 14),
        ends_at=at(date(2026, 11, 6), 15),
    )  # together on 6 November: cold after 10 days, on 17 November
    lapsed = PartnershipFactory(home=home, rhythm=Rhythm.WEEKLY, started_on=date(2026, 6, 1))
    PartnerContactFactory(partnership=lapsed, on=date(2026, 10, 20))  # cold in W1 and W2
    PartnerContactFactory(partnership=lapsed, on=date(2026, 11, 17))  # warm again in W3
    PartnershipFactory(home=home, status=Partnership.Status.PAUSED, started_on=date(2026, 1, 1))

    # Checks: run out 0, 1, 1; running out within 30 days 2, 1, 1.
    volunteer = VolunteerFactory(home=home, status=Volunteer.Status.ACTIVE)
    DbsCheckFactory(volunteer=volunteer, issued_on=date(2023, 11, 20), valid_until=date(2026, 11, 20))
    other = VolunteerFactory(home=home, status=Volunteer.Status.ACTIVE)
    DbsCheckFactory(volunteer=other, issued_on=date(2023, 11, 12), valid_until=date(2026, 11, 12))

    # Volunteer time confirmed: 0, 90, 0 minutes; a shift not confirmed does not count.
    ShiftFactory(
        volunteer=volunteer,
        starts_at=at(date(2026, 11, 10), 10),
        status=Shift.Status.DONE,
        minutes_given=90,
        hours_confirmed_at=at(date(2026, 11, 11)),
    )
    ShiftFactory(
        volunteer=volunteer, starts_at=at(date(2026, 11, 17), 10), status=Shift.Status.DONE, minutes_given=60
    )

    # Reminders that failed: 1, 0, 0 (one sent in W2 does not count).
    user = MembershipFactory(home=home).user
    reminder_for(home, user, due=at(date(2026, 11, 4)), last_error="Mailbox full.")
    reminder_for(home, user, due=at(date(2026, 11, 11)), status=Reminder.Status.SENT)
    return home


EXPECTED = {
    "no_regular_visitors": [3, 1, 1],
    "contact_behind": [0, 1, 1],
    "restrictions_in_force": [2, 1, 1],
    "restrictions_overdue": [1, 1, 1],
    "partners_active": [3, 3, 3],
    "partners_cold": [1, 1, 2],
    "checks_run_out": [0, 1, 1],
    "checks_due_30": [2, 1, 1],
    "volunteer_minutes": [0, 90, 0],
    "reminders_failed": [1, 0, 0],
}


def by_figure(found):
    return {name: [found[w][name] for w in (W1, W2, W3)] for name in standing.FIGURES}


@time_machine.travel(timezone.make_aware(NOW), tick=False)
def test_how_things_stood_worked_out_by_hand(home, django_assert_max_num_queries):
    weeks = [W1, W2, W3]
    with django_assert_max_num_queries(standing.queries_for(weeks)):
        found = standing.standing_figures([home.pk], weeks)[home.pk]
    assert by_figure(found) == EXPECTED


@time_machine.travel(timezone.make_aware(NOW), tick=False)
def test_other_homes_neither_add_to_nor_change_the_answer(home, django_assert_max_num_queries):
    others = [HomeFactory() for _ in range(3)]
    for other in others:
        VisitRestrictionFactory(resident=ResidentFactory(home=other, admitted_on=date(2025, 1, 1)))
    weeks = [W1, W2, W3]
    with django_assert_max_num_queries(standing.queries_for(weeks)):
        found = standing.standing_figures([home.pk, *(o.pk for o in others)], weeks)
    assert by_figure(found[home.pk]) == EXPECTED
    assert [found[o.pk][W3]["restrictions_in_force"] for o in others] == [1, 1, 1]
    assert [found[o.pk][W1]["restrictions_in_force"] for o in others] == [0, 0, 0]  # began on 18 November


@time_machine.travel(timezone.make_aware(NOW), tick=False)
def test_the_dashboard_trend_reads_the_same_from_the_kept_figures(home):
    weeks = weeks_ending(NOW.date(), 12)
    kept = rollups.figures_for([home.pk], weeks)[home.pk]
    assert {
        name: [kept[w].figures.standing[name] for w in (W1, W2, W3)] for name in standing.FIGURES
    } == EXPECTED
    assert [kept[w].figures.standing_final for w in (W1, W2, W3)] == [True, True, False]


def test_a_week_is_kept_as_it_stood_once_it_is_over(home):
    weeks = [W1, W2, W3]
    with time_machine.travel(timezone.make_aware(NOW), tick=False):
        rollups.refresh([home.pk], weeks)
    with time_machine.travel(timezone.make_aware(datetime(2026, 11, 19, 12)), tick=False):
        # The next day: W1's restriction is reviewed (its next date moves on) and a late
        # shift is confirmed for W1. The review does not rewrite how W1 stood; the shift counts.
        with crossing_homes("test"):
            from visits.models import VisitRestriction

            VisitRestriction.objects.filter(home=home).update(next_review_on=date(2026, 12, 19))
        ShiftFactory(
            volunteer=VolunteerFactory(home=home, status=Volunteer.Status.ACTIVE),
            starts_at=at(W1 + timedelta(days=2), 10),
            status=Shift.Status.DONE,
            minutes_given=60,
            hours_confirmed_at=at(date(2026, 11, 19)),
        )
        rollups.refresh([home.pk], weeks)
        kept = rollups.figures_for([home.pk], weeks)[home.pk]
    assert [kept[w].figures.standing["restrictions_overdue"] for w in weeks] == [1, 1, 0]
    assert [kept[w].figures.standing["volunteer_minutes"] for w in weeks] == [60, 90, 0]
