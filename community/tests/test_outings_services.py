"""Outings: the risk assessment and its approval, booking a driver, and the
confirmation gate (an outing without an approved risk assessment, or needing
the minibus with no eligible driver, cannot be confirmed, and says why)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from carehome.errors import DomainError
from carehome.versions import EditConflict
from community import rules
from community.models import Hazard, Occurrence, RiskAssessment
from community.rules import NotConfirmable
from community.services import outings as services
from community.tests.factories import (
    HazardFactory,
    OccurrenceFactory,
    OutingFactory,
    RiskAssessmentFactory,
    approved_outing,
    minibus_driver,
)
from homes.tests.factories import MembershipFactory
from notifications.models import Reminder
from volunteers.models import TrainingRecord, VolunteerRole

pytestmark = pytest.mark.django_db

HAZARDS = [
    {
        "hazard": "The water's edge",
        "who_at_risk": "Everyone",
        "controls": "Stay behind the rail; one staff member per two residents.",
        "level": "medium",
    },
    {
        "hazard": "Cold weather",
        "who_at_risk": "Residents",
        "controls": "Blankets and hot drinks.",
        "level": "low",
    },
]


def another_driver(home, **fields):
    """A second minibus driver of ``home`` (sharing the first one's role)."""
    role = VolunteerRole.objects.filter(home=home, name="Befriender").first()
    return minibus_driver(home, role=role, **fields) if role else minibus_driver(home, **fields)


def save(world, activity, **fields):
    data = {
        "summary": "Four residents to the lake.",
        "emergency_plan": "Ring 999, then the home.",
        "review_on": None,
        "hazards": HAZARDS,
    }
    data.update(fields)
    return services.risk_assessment_save(home=world.home, actor=world.staff.user, activity=activity, **data)


def confirm(world, occurrence):
    return services.occurrence_confirm(home=world.home, actor=world.manager.user, occurrence=occurrence)


# --- The risk assessment --------------------------------------------------------------------------


def test_saving_a_risk_assessment_writes_its_hazards_in_order(world):
    outing = OutingFactory(home=world.home)
    assessment, removed = save(world, outing)
    assert removed is False
    assert [h.hazard for h in assessment.hazards.all()] == ["The water's edge", "Cold weather"]
    assert assessment.prepared_by == world.staff.user and not assessment.is_approved


def test_any_change_after_approval_takes_the_approval_away(world):
    outing = OutingFactory(home=world.home)
    assessment, _ = save(world, outing)
    services.risk_approve(home=world.home, actor=world.manager.user, activity=outing)
    assessment.refresh_from_db()
    assert assessment.approved_by == world.manager.user

    # Saved again as it is: still approved.
    _, removed = save(world, outing, version=assessment.version)
    assessment.refresh_from_db()
    assert removed is False and assessment.is_approved

    changed = [*HAZARDS, {"hazard": "Toilets", "who_at_risk": "", "controls": "Radar key.", "level": "low"}]
    _, removed = save(world, outing, hazards=changed, version=assessment.version)
    assessment.refresh_from_db()
    assert removed is True
    assert assessment.approved_at is None and assessment.approved_by is None
    assert assessment.hazards.count() == 3


def test_a_stale_form_is_a_conflict_and_saves_nothing(world):
    outing = OutingFactory(home=world.home)
    assessment, _ = save(world, outing)
    save(world, outing, summary="Six residents.", version=assessment.version)
    with pytest.raises(EditConflict):
        save(world, outing, summary="Two residents.", version=assessment.version)
    assert RiskAssessment.objects.get(activity=outing).summary == "Six residents."


def test_a_hazard_without_what_we_do_is_refused_and_nothing_is_saved(world):
    outing = OutingFactory(home=world.home)
    with pytest.raises(DomainError) as error:
        save(world, outing, hazards=[{"hazard": "Steps", "who_at_risk": "", "controls": "", "level": "low"}])
    assert error.value.message == f"Hazard 1: {services.CONTROLS_MISSING}"
    assert not RiskAssessment.objects.filter(activity=outing).exists()


def test_a_review_date_in_the_past_is_refused(world):
    outing = OutingFactory(home=world.home)
    with pytest.raises(DomainError) as error:
        save(world, outing, review_on=timezone.localdate() - timedelta(days=1))
    assert error.value.field == "review_on"


def test_an_activity_in_the_home_has_no_risk_assessment(world):
    activity = OutingFactory(home=world.home, kind="in_home", transport="")
    with pytest.raises(DomainError, match=services.NOT_AN_OUTING):
        save(world, activity)


def test_approval_is_refused_without_hazards(world):
    outing = OutingFactory(home=world.home)
    save(world, outing, hazards=[])
    with pytest.raises(DomainError) as error:
        services.risk_approve(home=world.home, actor=world.manager.user, activity=outing)
    assert services.NO_HAZARDS in error.value.message
    assert not RiskAssessment.objects.get(activity=outing).is_approved


def test_approval_of_a_changed_assessment_asks_to_read_it_again(world):
    outing = OutingFactory(home=world.home)
    assessment, _ = save(world, outing)
    opened = assessment.version
    save(world, outing, summary="Changed.", version=opened)
    with pytest.raises(DomainError, match="changed after you opened it"):
        services.risk_approve(home=world.home, actor=world.manager.user, activity=outing, version=opened)


# --- The confirmation gate ------------------------------------------------------------------------


def test_an_outing_without_a_risk_assessment_cannot_be_confirmed(world):
    occurrence = OccurrenceFactory(activity=OutingFactory(home=world.home), status="planned")
    with pytest.raises(NotConfirmable) as error:
        confirm(world, occurrence)
    assert "No risk assessment has been written for this outing" in error.value.message
    occurrence.refresh_from_db()
    assert occurrence.status == Occurrence.Status.PLANNED


def test_an_outing_whose_risk_assessment_is_not_approved_cannot_be_confirmed(world):
    outing = OutingFactory(home=world.home, transport="walking")
    HazardFactory(assessment=RiskAssessmentFactory(activity=outing))
    occurrence = OccurrenceFactory(activity=outing, status="planned")
    with pytest.raises(NotConfirmable, match="The risk assessment has not been approved"):
        confirm(world, occurrence)


def test_a_minibus_outing_with_no_driver_cannot_be_confirmed(world):
    occurrence = OccurrenceFactory(activity=approved_outing(world.home), status="planned")
    with pytest.raises(NotConfirmable, match="No driver is booked for the minibus"):
        confirm(world, occurrence)


def _ineligible(world, problem):
    driver = minibus_driver(world.home, full_name="Dora Driver")
    if problem == "licence":
        driver.licence_checked_on = timezone.localdate() - timedelta(days=800)
        driver.save()
        return driver, "Dora Driver cannot drive the minibus that day: licence check was due on"
    if problem == "d1":
        driver.licence_categories = ["B"]
        driver.save()
        return driver, "no d1 (minibus) entitlement on their licence"
    TrainingRecord.objects.filter(volunteer=driver.volunteer, module__slug="midas").update(
        expires_on=timezone.localdate() - timedelta(days=3)
    )
    return driver, "minibus driving (midas) training ran out on"


@pytest.mark.parametrize("problem", ["licence", "d1", "midas"])
def test_a_minibus_outing_with_an_ineligible_driver_cannot_be_confirmed_and_says_why(world, problem):
    driver, words = _ineligible(world, problem)
    occurrence = OccurrenceFactory(activity=approved_outing(world.home), status="planned", driver=driver)
    with pytest.raises(NotConfirmable) as error:
        confirm(world, occurrence)
    assert words.lower() in error.value.message.lower()
    occurrence.refresh_from_db()
    assert occurrence.status == Occurrence.Status.PLANNED and occurrence.confirmed_at is None


def test_an_approved_outing_with_an_eligible_driver_is_confirmed(world):
    driver = minibus_driver(world.home)
    outing = approved_outing(world.home)
    occurrence = OccurrenceFactory(activity=outing, status="planned", driver=driver)
    confirmed = confirm(world, occurrence)
    assert confirmed.status == Occurrence.Status.CONFIRMED
    assert confirmed.confirmed_by == world.manager.user and confirmed.confirmed_at is not None


def test_a_driver_already_driving_another_outing_then_blocks_the_second(world):
    driver = minibus_driver(world.home)
    first = OccurrenceFactory(activity=approved_outing(world.home), status="confirmed", driver=driver)
    second = OccurrenceFactory(activity=approved_outing(world.home), status="planned", driver=driver)
    assert first.starts_at == second.starts_at
    with pytest.raises(NotConfirmable, match="is already driving"):
        confirm(world, second)


def test_a_risk_assessment_due_for_review_before_the_outing_blocks_it(world):
    outing = approved_outing(world.home, transport="walking")
    RiskAssessment.objects.filter(activity=outing).update(review_on=timezone.localdate())
    occurrence = OccurrenceFactory(activity=outing, status="planned")
    with pytest.raises(NotConfirmable, match="due for review"):
        confirm(world, occurrence)


def test_a_cancelled_or_past_date_cannot_be_confirmed(world):
    outing = approved_outing(world.home, transport="walking")
    cancelled = OccurrenceFactory(activity=outing, status="cancelled", cancelled_at=timezone.now())
    with pytest.raises(DomainError, match=services.DATE_CANCELLED):
        confirm(world, cancelled)
    past = OccurrenceFactory(
        activity=outing,
        status="planned",
        starts_at=timezone.now() - timedelta(hours=2),
        ends_at=timezone.now() - timedelta(hours=1),
    )
    with pytest.raises(DomainError, match=services.DATE_PASSED):
        confirm(world, past)


# --- Booking a driver -----------------------------------------------------------------------------


def test_booking_a_driver_counts_a_change(world):
    driver = minibus_driver(world.home)
    occurrence = OccurrenceFactory(activity=approved_outing(world.home), status="planned")
    saved, unconfirmed = services.occurrence_driver_set(
        home=world.home, actor=world.staff.user, occurrence=occurrence, driver=driver
    )
    assert saved.driver == driver and saved.sequence == 1 and unconfirmed is False


def test_a_driver_of_another_home_is_refused(world):
    foreign = minibus_driver(world.other_home)
    occurrence = OccurrenceFactory(activity=approved_outing(world.home), status="planned")
    with pytest.raises(DomainError, match="is not at Rowan House"):
        services.occurrence_driver_set(
            home=world.home, actor=world.staff.user, occurrence=occurrence, driver=foreign
        )
    occurrence.refresh_from_db()
    assert occurrence.driver is None


@pytest.mark.parametrize("problem", ["licence", "d1", "midas"])
def test_an_ineligible_driver_cannot_be_booked_and_the_message_says_why(world, problem):
    driver, words = _ineligible(world, problem)
    occurrence = OccurrenceFactory(activity=approved_outing(world.home), status="planned")
    with pytest.raises(DomainError) as error:
        services.occurrence_driver_set(
            home=world.home, actor=world.staff.user, occurrence=occurrence, driver=driver
        )
    assert error.value.field == "driver"
    assert words.lower() in error.value.message.lower()
    occurrence.refresh_from_db()
    assert occurrence.driver is None


def test_changing_a_confirmed_outings_driver_tells_the_old_and_the_new_driver(world):
    old = minibus_driver(world.home, full_name="Olive Old", email="olive@example.org")
    new = another_driver(world.home, full_name="Nina New", email="nina@example.org")
    occurrence = OccurrenceFactory(activity=approved_outing(world.home), status="planned", driver=old)
    confirm(world, occurrence)
    services.occurrence_driver_set(home=world.home, actor=world.staff.user, occurrence=occurrence, driver=new)
    changed = Reminder.objects.filter(kind="community.activity_changed").order_by("recipient")
    assert sorted(r.recipient for r in changed) == ["email:nina@example.org", "email:olive@example.org"]
    # Olive's reminders are cancelled; Nina's are waiting.
    waiting = Reminder.objects.filter(kind="community.activity_reminder", status="pending")
    assert {r.recipient for r in waiting} == {"email:nina@example.org"}


def test_taking_the_driver_off_a_confirmed_outing_unconfirms_it(world):
    driver = minibus_driver(world.home, email="dan@example.org")
    occurrence = OccurrenceFactory(activity=approved_outing(world.home), status="planned", driver=driver)
    confirm(world, occurrence)
    saved, unconfirmed = services.occurrence_driver_set(
        home=world.home, actor=world.staff.user, occurrence=occurrence, driver=None
    )
    assert unconfirmed is True and saved.status == Occurrence.Status.PLANNED
    assert not Reminder.objects.filter(kind="community.activity_reminder", status="pending").exists()


def test_an_outing_not_in_the_minibus_needs_no_driver(world):
    occurrence = OccurrenceFactory(
        activity=approved_outing(world.home, transport="walking"), status="planned"
    )
    with pytest.raises(DomainError, match="does not go in the home's minibus"):
        services.occurrence_driver_set(
            home=world.home, actor=world.staff.user, occurrence=occurrence, driver=minibus_driver(world.home)
        )


def test_hazards_are_scoped_to_the_home(world):
    outing = OutingFactory(home=world.home)
    save(world, outing)
    assert set(Hazard.objects.filter(assessment__activity=outing).values_list("home_id", flat=True)) == {
        world.home.pk
    }


def test_staff_who_wrote_it_are_recorded_even_if_a_manager_approves(world):
    outing = OutingFactory(home=world.home)
    save(world, outing)
    approver = MembershipFactory(home=world.home, role="champion").user
    services.risk_approve(home=world.home, actor=approver, activity=outing)
    assessment = RiskAssessment.objects.get(activity=outing)
    assert assessment.prepared_by == world.staff.user and assessment.approved_by == approver


# --- The gate holds after confirming ----------------------------------------------------------------


def _confirmed(world):
    driver = minibus_driver(world.home)
    outing = approved_outing(world.home)
    occurrence = confirm(world, OccurrenceFactory(activity=outing, status="planned", driver=driver))
    return outing, occurrence, driver


def test_changing_an_approved_assessment_sends_its_confirmed_dates_back_to_planned(world):
    outing, occurrence, _driver = _confirmed(world)
    assert Reminder.objects.filter(kind="community.activity_reminder", status="pending").exists()
    _assessment, removed = save(world, outing, summary="Six residents now, and the café.")
    assert removed
    occurrence.refresh_from_db()
    assert occurrence.status == Occurrence.Status.PLANNED and occurrence.confirmed_at is None
    assert not Reminder.objects.filter(kind="community.activity_reminder", status="pending").exists()


def test_a_date_moved_onto_its_drivers_other_outing_goes_back_to_planned(world):
    from community.services.programme import occurrence_move

    _outing, occurrence, driver = _confirmed(world)
    other = approved_outing(
        world.home, title="Museum trip", first_day=timezone.localdate() + timedelta(days=10)
    )
    elsewhere = confirm(world, OccurrenceFactory(activity=other, status="planned", driver=driver))
    local_start = timezone.localtime(elsewhere.starts_at)
    moved = occurrence_move(
        home=world.home,
        actor=world.staff.user,
        occurrence=occurrence,
        day=local_start.date(),
        starts=local_start.time(),
        ends=timezone.localtime(elsewhere.ends_at).time(),
    )
    moved.refresh_from_db()
    assert moved.status == Occurrence.Status.PLANNED
    assert "already driving" in " ".join(b.message for b in rules.confirm_blockers(moved))
