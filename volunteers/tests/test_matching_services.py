"""Matching and regular visits, at the service level: only a volunteer who is
clear is suggested or assigned, and what they are missing is named."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from carehome.errors import DomainError
from carehome.versions import EditConflict
from homes.models import Interest
from residents.tests.factories import PersonalPlanFactory
from volunteers.models import Assignment, Shift
from volunteers.selectors import matching as selectors
from volunteers.services.matching import assignment_create, assignment_end, assignment_update
from volunteers.services.rota import PLAN_WEEKS
from volunteers.tests.factories import (
    AvailabilityFactory,
    TrainingRecordFactory,
    VolunteerRoleFactory,
    cleared_volunteer,
)

pytestmark = pytest.mark.django_db


def interest(name):
    return Interest.objects.get(name=name)


def next_weekday(weekday, *, after=0):
    on = timezone.localdate() + timedelta(days=after)
    return on + timedelta(days=(weekday - on.weekday()) % 7)


@pytest.fixture
def peggy(world):
    """Peggy loves gardening and music; her best time is the afternoon."""
    plan = PersonalPlanFactory(resident=world.resident, best_time_of_day="Afternoons, after her nap")
    plan.interests.set([interest("Gardening"), interest("Music")])
    return world.resident


def befriender(world, name="Jo Gardener", interests=("Gardening",), **fields):
    volunteer = cleared_volunteer(
        world.home, role=VolunteerRoleFactory(home=world.home), full_name=name, **fields
    )
    volunteer.interests.set([interest(n) for n in interests])
    AvailabilityFactory(volunteer=volunteer, weekday=1, starts_at=time(13, 0), ends_at=time(16, 0))
    return volunteer


# --- The gate: each missing thing keeps a volunteer from being suggested ----------------------


def _take_away_check(volunteer):
    volunteer.checks.all().delete()
    return "No enhanced"


def _expire_check(volunteer):
    volunteer.checks.update(valid_until=timezone.localdate() - timedelta(days=1))
    return "DBS check was due for renewal on"


def _take_away_reference(volunteer):
    volunteer.references.first().delete()
    return "No referee for the second reference"


def _take_away_induction(volunteer):
    volunteer.training.filter(module__slug="induction").delete()
    return "Induction not done"


TAKE_AWAY = [_take_away_check, _expire_check, _take_away_reference, _take_away_induction]


def test_a_clear_volunteer_is_suggested_with_the_reason_in_plain_words(world, peggy):
    jo = befriender(world, interests=("Gardening", "Music", "Cricket"))
    found = selectors.matches_for_resident(world.home, peggy)
    (suggestion,) = found["suggestions"]
    assert suggestion.volunteer == jo
    assert suggestion.reason == "Both love gardening and music; free Tuesday afternoons"
    assert found["not_ready"] == []


@pytest.mark.parametrize("take_away", TAKE_AWAY, ids=lambda f: f.__name__)
def test_a_volunteer_missing_something_is_not_suggested_but_listed_with_why(world, peggy, take_away):
    jo = befriender(world)
    missing = take_away(jo)
    found = selectors.matches_for_resident(world.home, peggy)
    assert found["suggestions"] == []
    (item,) = found["not_ready"]
    assert item.volunteer == jo
    assert any(b.message.startswith(missing) for b in item.blockers)


@pytest.mark.parametrize("take_away", TAKE_AWAY, ids=lambda f: f.__name__)
def test_a_volunteer_missing_something_sees_no_residents_on_their_matching_page(world, peggy, take_away):
    jo = befriender(world)
    missing = take_away(jo)
    found = selectors.matches_for_volunteer(world.home, selectors.volunteer_for_matching(world.home, jo.pk))
    assert found["role"] is None
    assert found["suggestions"] == []
    assert any(b.message.startswith(missing) for b in found["blockers"])


@pytest.mark.parametrize("take_away", TAKE_AWAY, ids=lambda f: f.__name__)
def test_a_volunteer_missing_something_cannot_be_assigned(world, peggy, take_away):
    jo = befriender(world)
    missing = take_away(jo)
    with pytest.raises(DomainError) as refused:
        assignment_create(**visit_fields(world, jo))
    assert refused.value.field == "volunteer"
    assert refused.value.message.startswith("Jo Gardener cannot be assigned yet: ")
    assert missing in refused.value.message
    assert not Assignment.objects.exists()
    assert not Shift.objects.exists()


def test_best_first_free_at_the_residents_best_time_then_most_in_common(world, peggy):
    mornings = befriender(world, name="Ann Morning", interests=("Gardening", "Music"))
    mornings.availability.update(starts_at=time(9, 0), ends_at=time(11, 0))
    afternoons = befriender(world, name="Bob Afternoon", interests=("Gardening",))
    both = befriender(world, name="Cy Both", interests=("Gardening", "Music"))
    names = [s.volunteer.full_name for s in selectors.matches_for_resident(world.home, peggy)["suggestions"]]
    assert names == [both.full_name, afternoons.full_name, mornings.full_name]


def test_no_shared_interest_no_suggestion_and_a_resident_without_a_plan_gets_none(world, peggy):
    befriender(world, interests=("Cricket",))
    assert selectors.matches_for_resident(world.home, peggy)["suggestions"] == []
    found = selectors.matches_for_resident(world.home, world.unlinked_resident)
    assert found["plan"] is None and found["suggestions"] == []


def test_someone_already_visiting_is_not_suggested_again(world, peggy):
    jo = befriender(world)
    assignment_create(**visit_fields(world, jo))
    found = selectors.matches_for_resident(world.home, peggy)
    assert found["suggestions"] == []
    assert [a.volunteer for a in found["current"]] == [jo]


def test_a_volunteer_sees_residents_who_share_an_interest_fewest_volunteers_first(world, peggy):
    jo = befriender(world)
    arthur = world.unlinked_resident
    PersonalPlanFactory(resident=arthur).interests.set([interest("Gardening")])
    other = befriender(world, name="Other Person")
    assignment_create(**visit_fields(world, other))  # Peggy has a volunteer now
    found = selectors.matches_for_volunteer(world.home, selectors.volunteer_for_matching(world.home, jo.pk))
    assert [s.resident for s in found["suggestions"]] == [arthur, peggy]
    assert found["suggestions"][1].reason == "Both love gardening; free Tuesday afternoons"


# --- Arranging visits -------------------------------------------------------------------------


def visit_fields(world, volunteer, **changes):
    fields = {
        "home": world.home,
        "actor": world.manager.user,
        "volunteer": volunteer,
        "resident": world.resident,
        "role": volunteer.roles.get(),
        "weekday": 1,
        "starts_at": time(14, 0),
        "minutes": 60,
        "every": Assignment.Every.WEEK,
        "starts_on": next_weekday(1, after=1),
        "space": world.space,
        "reason": "Both love gardening",
    }
    fields.update(changes)
    return fields


def test_arranging_visits_puts_the_next_four_weeks_on_the_rota(world, peggy):
    jo = befriender(world)
    assignment = assignment_create(**visit_fields(world, jo))
    shifts = list(Shift.objects.filter(assignment=assignment).order_by("starts_at"))
    assert len(shifts) in (PLAN_WEEKS, PLAN_WEEKS + 1)
    first = timezone.localtime(shifts[0].starts_at)
    assert first.date() == assignment.starts_on and first.time() == time(14, 0)
    assert all(s.resident == peggy and s.volunteer == jo and s.status == Shift.Status.PLANNED for s in shifts)
    assert all(s.ends_at - s.starts_at == timedelta(minutes=60) for s in shifts)


def test_the_same_visit_twice_is_refused_by_the_database_in_plain_words(world, peggy):
    jo = befriender(world)
    assignment_create(**visit_fields(world, jo))
    with pytest.raises(DomainError) as refused:
        assignment_create(**visit_fields(world, jo))
    assert refused.value.message == "Jo Gardener already visits Peggy on Tuesdays at 14:00."
    assert Assignment.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"minutes": 10},
            "minutes",
            "Enter how long each visit lasts in minutes, from 15 to 480 (eight hours).",
        ),
        ({"every": 3}, "every", "Choose how often they will visit."),
        ({"starts_on": timezone.localdate() - timedelta(days=1)}, "starts_on", "That date has passed."),
        (
            {"starts_on": timezone.localdate() + timedelta(days=800)},
            "starts_on",
            "The first visit can be at most 18 months ahead",
        ),
        ({"weekday": 2}, "starts_on", "is not a Wednesday. Choose a Wednesday for the first visit"),
        ({"ends_on": "first"}, "ends_on", "The last visit must be after the first"),
    ],
)
def test_bad_dates_and_lengths_are_refused_next_to_the_field(world, peggy, changes, field, message):
    jo = befriender(world)
    fields = visit_fields(world, jo)
    if changes.get("ends_on") == "first":
        changes = {"ends_on": fields["starts_on"]}
    with pytest.raises(DomainError) as refused:
        assignment_create(**{**fields, **changes})
    assert refused.value.field == field
    assert message in refused.value.message
    assert not Assignment.objects.exists()


def test_a_role_the_volunteer_does_not_hold_is_refused(world, peggy):
    jo = befriender(world)
    with pytest.raises(DomainError) as refused:
        assignment_create(
            **visit_fields(world, jo, role=VolunteerRoleFactory(home=world.home, name="Gardener"))
        )
    assert refused.value.field == "role"


def test_a_resident_of_another_home_is_refused(world, peggy):
    jo = befriender(world)
    with pytest.raises(DomainError):
        assignment_create(**visit_fields(world, jo, resident=world.foreign_resident))
    assert not Assignment.objects.exists()


def test_changing_the_day_moves_the_visits_to_come_and_keeps_logged_ones(world, peggy):
    jo = befriender(world)
    assignment = assignment_create(**visit_fields(world, jo))
    first = Shift.objects.filter(assignment=assignment).order_by("starts_at").first()
    changed = assignment_update(
        home=world.home,
        actor=world.manager.user,
        assignment=assignment,
        version=assignment.version,
        **{
            **{
                k: v
                for k, v in visit_fields(world, jo).items()
                if k not in ("home", "actor", "volunteer", "resident")
            },
            "weekday": 3,
            "starts_at": time(10, 30),
        },
    )
    assert changed.version == assignment.version + 1
    open_shifts = Shift.objects.filter(assignment=assignment).exclude(status=Shift.Status.CANCELLED)
    assert open_shifts.exists()
    assert {timezone.localtime(s.starts_at).weekday() for s in open_shifts} == {3}
    assert {timezone.localtime(s.starts_at).time() for s in open_shifts} == {time(10, 30)}
    first.refresh_from_db()
    assert first.status == Shift.Status.CANCELLED and first.status_note == "The regular visits changed."


def test_two_people_changing_the_same_visits_is_a_conflict(world, peggy):
    jo = befriender(world)
    assignment = assignment_create(**visit_fields(world, jo))
    base = {
        k: v
        for k, v in visit_fields(world, jo).items()
        if k not in ("home", "actor", "volunteer", "resident")
    }
    assignment_update(
        home=world.home, actor=world.manager.user, assignment=assignment, version=1, **{**base, "minutes": 90}
    )
    with pytest.raises(EditConflict):
        assignment_update(
            home=world.home,
            actor=world.champion.user,
            assignment=assignment,
            version=1,
            **{**base, "minutes": 45},
        )
    assignment.refresh_from_db()
    assert assignment.minutes == 90


def test_ending_visits_takes_the_ones_to_come_off_the_rota(world, peggy):
    jo = befriender(world)
    assignment = assignment_create(**visit_fields(world, jo))
    with pytest.raises(DomainError) as refused:
        assignment_end(home=world.home, actor=world.manager.user, assignment=assignment, reason="  ")
    assert refused.value.field == "reason"
    assignment_end(home=world.home, actor=world.manager.user, assignment=assignment, reason="Moving away")
    assignment.refresh_from_db()
    assert assignment.ended_at is not None and assignment.end_reason == "Moving away"
    assert not Shift.objects.filter(assignment=assignment, status=Shift.Status.PLANNED).exists()
    # The same visit can be arranged again once the old one has ended.
    assignment_create(**visit_fields(world, jo))
    assert Assignment.objects.count() == 2


def test_an_induction_that_ran_out_is_named(world, peggy):
    jo = befriender(world)
    role = jo.roles.get()
    role.needs_induction = True
    role.save()
    jo.training.all().delete()
    TrainingRecordFactory(
        volunteer=jo,
        completed_on=timezone.localdate() - timedelta(days=400),
        expires_on=timezone.localdate() - timedelta(days=2),
    )
    with pytest.raises(DomainError) as refused:
        assignment_create(**visit_fields(world, jo))
    assert "Induction needs repeating" in refused.value.message
