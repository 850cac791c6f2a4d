"""The outings area's pages: the risk assessment and its approval, booking a
driver, confirming, inviting residents and families, and attendance. Happy
paths, bad input (message by the field, nothing saved), another home (404),
the wrong role (403), and a fixed number of queries with few and many rows."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community.models import Attendee, Occurrence, RiskAssessment
from community.services import outings as services
from community.tests.factories import (
    AttendeeFactory,
    HazardFactory,
    OccurrenceFactory,
    OutingFactory,
    approved_outing,
    minibus_driver,
)
from residents.models import Connection, Idea
from residents.tests.factories import IdeaFactory, ResidentFactory
from tests.html import field_error, main_text
from visits.models import EventInvitation
from volunteers.models import VolunteerRole

pytestmark = pytest.mark.django_db


def url(name, world, pk):
    return reverse(f"community:{name}", args=[world.home.slug, pk])


@pytest.fixture
def staff(world, client_for):
    return client_for(world.staff)


@pytest.fixture
def manager(world, client_for):
    return client_for(world.manager)


def risk_data(**fields):
    data = {
        "summary": "Four residents to the lake.",
        "emergency_plan": "Ring 999, then the home.",
        "review_on": "",
        "version": "0",
        "hazard-TOTAL_FORMS": "3",
        "hazard-INITIAL_FORMS": "0",
        "hazard-MIN_NUM_FORMS": "0",
        "hazard-MAX_NUM_FORMS": "33",
        "hazard-0-hazard": "The water's edge",
        "hazard-0-who_at_risk": "Everyone",
        "hazard-0-controls": "Stay behind the rail.",
        "hazard-0-level": "medium",
    }
    data.update(fields)
    return data


def started(occurrence, hours=2):
    starts = timezone.now() - timedelta(hours=hours)
    occurrence.starts_at, occurrence.ends_at = starts, starts + timedelta(hours=1)
    occurrence.save()
    return occurrence


# --- The risk assessment --------------------------------------------------------------------------


def test_staff_write_a_risk_assessment_and_a_manager_approves_it(world, staff, manager):
    outing = OutingFactory(home=world.home, title="Fishing trip")
    page = staff.get(url("risk_assessment", world, outing.pk))
    assert page.status_code == 200 and "Not written yet" in main_text(page)

    response = staff.post(url("risk_assessment", world, outing.pk), risk_data())
    assert response.status_code == 302
    assessment = RiskAssessment.objects.get(activity=outing)
    assert [h.hazard for h in assessment.hazards.all()] == ["The water's edge"]

    page = manager.get(url("risk_approve", world, outing.pk))
    assert "The water's edge" in main_text(page) and "Approve it" in main_text(page)
    response = manager.post(url("risk_approve", world, outing.pk), {"version": assessment.version})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.approved_by == world.manager.user

    # A change takes the approval away, and the page says so.
    data = risk_data(**{"version": str(assessment.version), "hazard-0-level": "high"})
    data.update({"hazard-INITIAL_FORMS": "1", "hazard-TOTAL_FORMS": "4"})
    response = staff.post(url("risk_assessment", world, outing.pk), data, follow=True)
    assert "needs approving again" in main_text(response)
    assessment.refresh_from_db()
    assert not assessment.is_approved


def test_a_hazard_without_what_we_do_is_shown_by_the_field_and_nothing_is_saved(world, staff):
    outing = OutingFactory(home=world.home)
    response = staff.post(url("risk_assessment", world, outing.pk), risk_data(**{"hazard-0-controls": ""}))
    assert response.status_code == 200
    assert field_error(response, "hazard-0-controls") == services.CONTROLS_MISSING
    assert not RiskAssessment.objects.filter(activity=outing).exists()


def test_a_review_date_far_ahead_is_refused_by_the_field(world, staff):
    outing = OutingFactory(home=world.home)
    far = (timezone.localdate() + timedelta(days=800)).isoformat()
    response = staff.post(url("risk_assessment", world, outing.pk), risk_data(review_on=far))
    assert "at most 12 months ahead" in field_error(response, "review_on")
    assert not RiskAssessment.objects.exists()


def test_staff_cannot_approve(world, staff):
    outing = approved_outing(world.home)
    assert staff.get(url("risk_approve", world, outing.pk)).status_code == 403
    assert staff.post(url("risk_approve", world, outing.pk), {}).status_code == 403


def test_approval_without_hazards_is_refused_on_the_page(world, manager):
    outing = OutingFactory(home=world.home)
    RiskAssessment.objects.create(home=world.home, activity=outing, emergency_plan="Ring 999")
    page = manager.get(url("risk_approve", world, outing.pk))
    assert services.NO_HAZARDS in main_text(page)
    response = manager.post(url("risk_approve", world, outing.pk), {"version": "1"})
    assert services.NO_HAZARDS in main_text(response)
    assert not RiskAssessment.objects.get(activity=outing).is_approved


def test_an_activity_in_the_home_has_no_risk_page(world, staff):
    activity = OutingFactory(home=world.home, kind="in_home", transport="", space=world.space)
    assert staff.get(url("risk_assessment", world, activity.pk)).status_code == 404


@pytest.mark.parametrize("role", ["relative", "volunteer", "connector"])
def test_family_volunteers_and_connector_staff_cannot_plan(world, client_for, role):
    client = client_for(getattr(world, role))
    outing = approved_outing(world.home)
    occurrence = OccurrenceFactory(activity=outing)
    assert client.get(url("risk_assessment", world, outing.pk)).status_code == 403
    for name in ("occurrence_driver", "occurrence_invite", "occurrence_families", "occurrence_attendance"):
        assert client.get(url(name, world, occurrence.pk)).status_code == 403
    assert client.post(url("occurrence_confirm", world, occurrence.pk)).status_code == 403


def test_another_homes_outing_and_date_are_not_found(world, staff):
    outing = approved_outing(world.other_home)
    occurrence = OccurrenceFactory(activity=outing)
    assert staff.get(url("risk_assessment", world, outing.pk)).status_code == 404
    for name in ("occurrence_driver", "occurrence_invite", "occurrence_families", "occurrence_attendance"):
        assert staff.get(url(name, world, occurrence.pk)).status_code == 404
    assert staff.post(url("occurrence_confirm", world, occurrence.pk)).status_code == 404


# --- The driver and confirming ----------------------------------------------------------------------


def test_booking_a_driver_then_confirming(world, staff):
    driver = minibus_driver(world.home, full_name="Kwame Mensah")
    occurrence = OccurrenceFactory(activity=approved_outing(world.home), status="planned")
    page = staff.get(url("occurrence_driver", world, occurrence.pk))
    assert "Kwame Mensah" in main_text(page)

    response = staff.post(url("occurrence_driver", world, occurrence.pk), {"driver": str(driver.pk)})
    assert response.status_code == 302
    occurrence.refresh_from_db()
    assert occurrence.driver == driver

    response = staff.post(url("occurrence_confirm", world, occurrence.pk))
    assert response.status_code == 302
    occurrence.refresh_from_db()
    assert occurrence.status == Occurrence.Status.CONFIRMED


def test_an_ineligible_driver_is_listed_with_why_and_refused_with_a_message(world, staff):
    driver = minibus_driver(world.home, full_name="Dora Driver")
    driver.licence_categories = ["B"]
    driver.save()
    occurrence = OccurrenceFactory(activity=approved_outing(world.home), status="planned")
    page = staff.get(url("occurrence_driver", world, occurrence.pk))
    out = main_text(page).split("Cannot drive the minibus that day (1)")[1]
    assert "Dora Driver" in out and "No D1 (minibus) entitlement on their licence" in out

    response = staff.post(url("occurrence_driver", world, occurrence.pk), {"driver": str(driver.pk)})
    assert response.status_code == 200
    assert "Dora Driver cannot drive the minibus that day: no D1 (minibus)" in main_text(response)
    occurrence.refresh_from_db()
    assert occurrence.driver is None


def test_a_driver_of_another_home_is_not_a_choice(world, staff):
    foreign = minibus_driver(world.other_home)
    occurrence = OccurrenceFactory(activity=approved_outing(world.home), status="planned")
    response = staff.post(url("occurrence_driver", world, occurrence.pk), {"driver": str(foreign.pk)})
    assert response.status_code == 200 and services.DRIVER_CHOICE in main_text(response)


def test_confirming_without_what_is_needed_lists_why(world, staff):
    occurrence = OccurrenceFactory(activity=OutingFactory(home=world.home), status="planned")
    page = staff.get(url("occurrence_confirm", world, occurrence.pk))
    assert "No risk assessment has been written for this outing" in main_text(page)
    response = staff.post(url("occurrence_confirm", world, occurrence.pk))
    assert response.status_code == 200
    text = main_text(response)
    assert "It was not confirmed" in text and "No driver is booked for the minibus" in text
    occurrence.refresh_from_db()
    assert occurrence.status == Occurrence.Status.PLANNED


# --- Residents and families ---------------------------------------------------------------------------


def test_inviting_residents_and_recording_their_answers(world, staff):
    occurrence = OccurrenceFactory(activity=approved_outing(world.home, capacity=1), status="planned")
    page = staff.get(url("occurrence_invite", world, occurrence.pk))
    assert "Margaret Baxter (Peggy)" in main_text(page)

    response = staff.post(
        url("occurrence_invite", world, occurrence.pk), {"invite": "1", "residents": [world.resident.pk]}
    )
    assert response.status_code == 302
    attendee = Attendee.objects.get(occurrence=occurrence)

    response = staff.post(
        url("occurrence_invite", world, occurrence.pk),
        {"invite": "1", "residents": [world.unlinked_resident.pk]},
    )
    assert response.status_code == 200
    assert "All 1 places are taken" in main_text(response)
    assert Attendee.objects.filter(occurrence=occurrence).count() == 1

    response = staff.post(
        url("occurrence_invite", world, occurrence.pk), {"attendee": attendee.pk, "answer": "coming"}
    )
    assert response.status_code == 302
    attendee.refresh_from_db()
    assert attendee.answer == Attendee.Answer.COMING


def test_inviting_nobody_or_a_foreign_resident_gets_a_message(world, staff):
    occurrence = OccurrenceFactory(activity=approved_outing(world.home), status="planned")
    response = staff.post(url("occurrence_invite", world, occurrence.pk), {"invite": "1"})
    assert "Tick at least one resident to invite." in main_text(response)
    response = staff.post(
        url("occurrence_invite", world, occurrence.pk),
        {"invite": "1", "residents": [world.foreign_resident.pk]},
    )
    assert "does not live here" in main_text(response)
    assert not Attendee.objects.exists()


def test_inviting_families_once_and_seeing_their_replies(world, staff):
    occurrence = OccurrenceFactory(
        activity=approved_outing(world.home, title="Fishing trip"), status="planned"
    )
    AttendeeFactory(occurrence=occurrence, resident=world.resident)
    page = staff.get(url("occurrence_families", world, occurrence.pk))
    token = re.search(r'name="form_token" value="([^"]+)"', page.content.decode()).group(1)
    data = {"residents": [world.resident.pk], "message": "Bring a coat.", "form_token": token}
    assert staff.post(url("occurrence_families", world, occurrence.pk), data).status_code == 302
    assert staff.post(url("occurrence_families", world, occurrence.pk), data).status_code == 302
    assert EventInvitation.objects.count() == 1
    page = staff.get(url("occurrence_families", world, occurrence.pk))
    assert "Linda Baxter: Not answered yet" in main_text(page)


# --- Attendance -------------------------------------------------------------------------------------------


def test_attendance_before_the_start_says_when(world, staff):
    occurrence = OccurrenceFactory(activity=approved_outing(world.home))
    page = staff.get(url("occurrence_attendance", world, occurrence.pk))
    assert "can be recorded once it has started" in main_text(page)
    response = staff.post(
        url("occurrence_attendance", world, occurrence.pk), {f"response_{world.resident.pk}": "active"}
    )
    assert response.status_code == 200 and not Connection.objects.exists()


def test_recording_attendance_logs_the_connection_and_the_idea_is_done(world, staff):
    idea = IdeaFactory(
        home=world.home, session__home=world.home, text="Go fishing like we used to", status="planned"
    )
    occurrence = started(OccurrenceFactory(activity=approved_outing(world.home, idea=idea)))
    AttendeeFactory(occurrence=occurrence, resident=world.resident)
    data = {
        f"response_{world.resident.pk}": "active",
        f"note_{world.resident.pk}": "Caught a perch",
        f"response_{world.unlinked_resident.pk}": "passive",
    }
    response = staff.post(url("occurrence_attendance", world, occurrence.pk), data)
    assert response.status_code == 302
    connection = Connection.objects.get()
    assert {p.resident for p in connection.participants.all()} == {world.resident, world.unlinked_resident}
    idea.refresh_from_db()
    assert idea.status == Idea.Status.DONE
    timeline = staff.get(reverse("residents:timeline", args=[world.home.slug, world.resident.pk]))
    assert occurrence.activity.title in main_text(timeline)


def test_a_bad_response_is_shown_by_the_field(world, staff):
    occurrence = started(OccurrenceFactory(activity=approved_outing(world.home)))
    AttendeeFactory(occurrence=occurrence, resident=world.resident)
    response = staff.post(
        url("occurrence_attendance", world, occurrence.pk), {f"response_{world.resident.pk}": "ecstatic"}
    )
    assert response.status_code == 200
    assert field_error(response, f"response_{world.resident.pk}") == (
        "Choose how it went for Peggy from the list."
    )
    assert not Connection.objects.exists()


# --- A fixed number of queries --------------------------------------------------------------------------


def _many(world, count):
    residents = [ResidentFactory(home=world.home) for _ in range(count)]
    role = VolunteerRole.objects.filter(home=world.home, name="Befriender").first()
    for n in range(count):
        minibus_driver(world.home, role=role, full_name=f"Driver {n}", email=f"driver{n}@example.org")
        role = role or VolunteerRole.objects.get(home=world.home, name="Befriender")
    return residents


@pytest.mark.parametrize("count", [2, 12])
def test_each_page_costs_the_same_with_few_or_many(
    world, staff, manager, django_assert_max_num_queries, count
):
    residents = _many(world, count)
    outing = approved_outing(world.home)
    occurrence = OccurrenceFactory(activity=outing, status="planned")
    for resident in residents:
        AttendeeFactory(occurrence=occurrence, resident=resident)
    starts = timezone.now() - timedelta(hours=30)
    past = OccurrenceFactory(
        activity=outing, status="confirmed", starts_at=starts, ends_at=starts + timedelta(hours=2)
    )
    for resident in residents:
        AttendeeFactory(occurrence=past, resident=resident)
    pages = [
        (staff, url("risk_assessment", world, outing.pk), 7),
        (manager, url("risk_approve", world, outing.pk), 6),
        (staff, url("occurrence_driver", world, occurrence.pk), 15),
        (staff, url("occurrence_confirm", world, occurrence.pk), 6),
        (staff, url("occurrence_invite", world, occurrence.pk), 9),
        (staff, url("occurrence_families", world, occurrence.pk), 9),
        (staff, url("occurrence_attendance", world, past.pk), 8),
    ]
    for client, page, most in pages:
        with django_assert_max_num_queries(most):
            assert client.get(page).status_code == 200, page


def test_the_dashboard_shows_outings_not_confirmed_and_assessments_to_approve(world, manager):
    outing = OutingFactory(home=world.home, title="Canal walk", transport="walking")
    RiskAssessment.objects.create(home=world.home, activity=outing, emergency_plan="Ring 999")
    HazardFactory(assessment=outing.risk_assessment)
    OccurrenceFactory(activity=outing, status="planned")
    page = manager.get(reverse("homes:dashboard", args=[world.home.slug]))
    text = main_text(page)
    assert "Outings not confirmed yet" in text and "The risk assessment has not been approved" in text
    assert "Risk assessments to approve" in text and "Canal walk" in text


def test_the_date_page_shows_what_the_outing_still_needs(world, staff, client_for):
    occurrence = OccurrenceFactory(activity=approved_outing(world.home), status="planned")
    page = staff.get(reverse("community:occurrence", args=[world.home.slug, occurrence.pk]))
    text = main_text(page)
    assert "Getting the outing ready" in text and "No driver is booked for the minibus" in text
    assert url("occurrence_driver", world, occurrence.pk) in page.content.decode()

    occurrence.driver = minibus_driver(world.home)
    occurrence.save()
    page = staff.get(reverse("community:occurrence", args=[world.home.slug, occurrence.pk]))
    assert url("occurrence_confirm", world, occurrence.pk) in page.content.decode()

    # Connector charity staff see the date, not the planning.
    connector = client_for(world.connector).get(
        reverse("community:occurrence", args=[world.home.slug, occurrence.pk])
    )
    if connector.status_code == 200:
        assert "Getting the outing ready" not in main_text(connector)


def test_the_not_confirmed_panel_costs_the_same_with_one_outing_or_many(
    world, manager, django_assert_max_num_queries, settings
):
    settings.KITH_FRAGMENT_CACHE = False  # the panel's own queries, every time
    """Each outing's blockers (its driver's papers, another outing at the same time)
    are read for all of them at once."""

    made = []

    def planned_outings(count):
        for _ in range(count):
            n = len(made)
            role = VolunteerRole.objects.filter(home=world.home, name="Befriender").first()
            driver = minibus_driver(
                world.home, role=role, full_name=f"Driver {n}", email=f"driver{n}@example.org"
            )
            outing = approved_outing(world.home, title=f"Trip {n}")
            made.append(OccurrenceFactory(activity=outing, status="planned", driver=driver))

    dashboard = reverse("homes:dashboard", args=[world.home.slug])
    planned_outings(1)
    manager.get(dashboard)
    with django_assert_max_num_queries(80) as one:
        manager.get(dashboard)
    planned_outings(6)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = manager.get(dashboard)
    assert "Trip 5" in main_text(page)
