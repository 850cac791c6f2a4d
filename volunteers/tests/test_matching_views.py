"""Matching pages and regular visits, as the co-ordinator uses them."""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from homes.models import Interest
from residents.tests.factories import PersonalPlanFactory, ResidentFactory
from tests.html import field_error, main_text
from volunteers.models import Assignment, Shift
from volunteers.tests.factories import (
    AssignmentFactory,
    AvailabilityFactory,
    VolunteerFactory,
    VolunteerRoleFactory,
    cleared_volunteer,
)

pytestmark = pytest.mark.django_db


def url(name, world, *args):
    return reverse(f"volunteers:{name}", args=[world.home.slug, *args])


def interest(name):
    return Interest.objects.get(name=name)


@pytest.fixture
def manager(world, client_for):
    return client_for(world.manager)


@pytest.fixture
def peggy(world):
    plan = PersonalPlanFactory(resident=world.resident, best_time_of_day="Afternoons")
    plan.interests.set([interest("Gardening"), interest("Music")])
    return world.resident


def befriender(world, name="Jo Gardener", interests=("Gardening",)):
    volunteer = cleared_volunteer(world.home, role=VolunteerRoleFactory(home=world.home), full_name=name)
    volunteer.interests.set([interest(n) for n in interests])
    AvailabilityFactory(volunteer=volunteer, weekday=1, starts_at=time(13, 0), ends_at=time(16, 0))
    return volunteer


def queries(client, address):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address)
    assert response.status_code == 200, address
    return len(ctx.captured_queries)


def next_tuesday():
    on = timezone.localdate() + timedelta(days=1)
    return on + timedelta(days=(1 - on.weekday()) % 7)


# --- The matching pages -----------------------------------------------------------------------


def test_the_matching_page_lists_residents_and_who_is_ready(world, manager, peggy):
    jo = befriender(world)
    waiting = VolunteerFactory(home=world.home, full_name="Sam Waiting", roles=[jo.roles.get()])
    text = main_text(manager.get(url("matching", world)))
    assert "Margaret Baxter (Peggy)" in text and "Arthur Hughes" in text
    assert "Doris Foreign" not in text
    assert "Volunteers ready to visit (1) Jo Gardener" in text
    assert "Not ready yet (1)" in text and waiting.full_name in text
    assert "Identity not checked" in text


def test_a_residents_page_suggests_clear_volunteers_with_the_reason(world, manager, peggy):
    jo = befriender(world)
    not_clear = befriender(world, name="Kim Unchecked")
    not_clear.checks.all().delete()
    response = manager.get(url("match_resident", world, peggy.pk))
    text = main_text(response)
    assert "Suggested volunteers (1)" in text
    assert "Both love gardening; free Tuesday afternoons." in text
    arrange = f"{url('assignment_add', world)}?volunteer={jo.pk}&amp;resident={peggy.pk}"
    assert arrange in response.content.decode()
    # Kim shares an interest but is only listed as not ready, with why.
    suggestions = text[text.index("Suggested volunteers") : text.index("Not ready yet")]
    assert "Kim Unchecked" not in suggestions
    assert "Kim Unchecked (both love gardening) No enhanced" in text


def test_a_volunteer_who_is_not_clear_sees_what_is_missing_instead_of_residents(world, manager, peggy):
    kim = befriender(world, name="Kim Unchecked")
    kim.references.all().delete()
    text = main_text(manager.get(url("match_volunteer", world, kim.pk)))
    assert "Kim cannot be matched yet" in text
    assert "No referee for the first reference" in text
    assert "Peggy" not in text and "Residents who share an interest" not in text


def test_a_volunteers_page_suggests_residents_who_share_an_interest(world, manager, peggy):
    jo = befriender(world)
    text = main_text(manager.get(url("match_volunteer", world, jo.pk)))
    assert "Residents who share an interest (1)" in text
    assert "Margaret Baxter (Peggy)" in text
    assert "No regular volunteer yet" in text


@pytest.mark.parametrize("name", ["matching", "match_resident", "match_volunteer", "assignment_add"])
def test_staff_without_the_coordinators_permission_get_403(world, client_for, peggy, name):
    args = {"match_resident": [peggy.pk], "match_volunteer": [befriender(world).pk]}.get(name, [])
    assert client_for(world.staff).get(url(name, world, *args)).status_code == 403


def test_another_homes_records_are_404_even_for_a_manager(world, manager):
    foreign = cleared_volunteer(world.other_home)
    assert manager.get(url("match_resident", world, world.foreign_resident.pk)).status_code == 404
    assert manager.get(url("match_volunteer", world, foreign.pk)).status_code == 404
    assignment = AssignmentFactory(volunteer=foreign, resident=world.foreign_resident)
    for name in ("assignment_detail", "assignment_edit"):
        assert manager.get(url(name, world, assignment.pk)).status_code == 404
    assert manager.post(url("assignment_end", world, assignment.pk), {"reason": "x"}).status_code == 404
    assert client_for_outsider(world).get(url("matching", world)).status_code == 404


def client_for_outsider(world):
    from django.test import Client

    client = Client()
    client.force_login(world.outsider.user)
    return client


def test_the_matching_pages_cost_the_same_however_many_people(world, manager, peggy, settings):
    settings.KITH_FRAGMENT_CACHE = False  # the pages' own queries, every time
    jo = befriender(world)
    pages = [
        url("matching", world),
        url("match_resident", world, peggy.pk),
        url("match_volunteer", world, jo.pk),
    ]
    manager.get(url("matching", world))
    before = [queries(manager, page) for page in pages]
    for n in range(6):
        befriender(world, name=f"Extra Person {n}", interests=("Gardening", "Music"))
        resident = ResidentFactory(home=world.home, full_name=f"Extra Resident {n}")
        PersonalPlanFactory(resident=resident).interests.set([interest("Gardening")])
        VolunteerFactory(home=world.home)
    after = [queries(manager, page) for page in pages]
    assert after == before
    assert max(after) <= 25


# --- Arranging regular visits -----------------------------------------------------------------


def visit_data(world, volunteer, **changes):
    data = {
        "volunteer": volunteer.pk,
        "resident": world.resident.pk,
        "role": volunteer.roles.get().pk,
        "weekday": 1,
        "starts_at": "14:00",
        "minutes": 60,
        "every": 1,
        "space": world.space.pk,
        "where_note": "",
        "starts_on": next_tuesday().isoformat(),
        "ends_on": "",
        "reason": "Both love gardening",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_arrange_visits_is_prefilled_from_the_suggestion(world, manager, peggy):
    jo = befriender(world)
    response = manager.get(url("assignment_add", world) + f"?volunteer={jo.pk}&resident={peggy.pk}")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Both love gardening; free Tuesday afternoons</textarea>" in page
    assert f'<option value="{jo.pk}" selected>' in page
    assert 'value="13:00"' in page
    on = timezone.localdate()
    first = on + timedelta(days=(1 - on.weekday()) % 7)
    assert f'name="starts_on" value="{first.isoformat()}"' in page


def test_nonsense_in_the_address_is_ignored(world, manager):
    response = manager.get(url("assignment_add", world) + "?volunteer=١٢&resident=-1")
    assert response.status_code == 200


def test_arranging_visits_lands_on_their_page_with_the_rota_filled(world, manager, peggy):
    jo = befriender(world)
    response = manager.post(url("assignment_add", world), visit_data(world, jo))
    assignment = Assignment.objects.get(home=world.home)
    assert response.status_code == 302 and response.url == url("assignment_detail", world, assignment.pk)
    assert Shift.objects.filter(assignment=assignment).count() >= 4
    text = main_text(manager.get(response.url))
    assert "Jo Gardener will visit Peggy every week. The next four weeks are on the rota." in text
    assert "Every week, Tuesday at 14:00, for 60 minutes" in text
    assert "Garden room" in text


def test_a_volunteer_who_is_not_clear_is_refused_next_to_the_volunteer_field(world, manager, peggy):
    jo = befriender(world)
    jo.training.filter(module__slug="induction").delete()
    response = manager.post(url("assignment_add", world), visit_data(world, jo))
    assert response.status_code == 200
    assert field_error(response, "volunteer") == "Jo Gardener cannot be assigned yet: Induction not done."
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"minutes": "5"}, ("minutes", "Enter how long each visit lasts in minutes, from 15 to 480")),
        ({"starts_at": ""}, ("starts_at", "Enter the time they will arrive, like 14:00.")),
        ({"starts_on": "9999-12-31"}, ("starts_on", "The first visit can be at most 18 months ahead.")),
        ({"resident": "999999"}, ("resident", "Choose a resident who lives here from the list.")),
        ({"weekday": "9"}, ("weekday", "Choose the day of the week they will visit.")),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_nothing_is_saved(
    world, manager, peggy, changes, expected
):
    field, message = expected
    jo = befriender(world)
    response = manager.post(url("assignment_add", world), visit_data(world, jo, **changes))
    assert response.status_code == 200
    assert field_error(response, field).startswith(message)
    assert not Assignment.objects.exists()


def test_a_resident_of_another_home_posted_by_hand_is_refused(world, manager, peggy):
    jo = befriender(world)
    response = manager.post(
        url("assignment_add", world), visit_data(world, jo, resident=world.foreign_resident.pk)
    )
    assert field_error(response, "resident") == "Choose a resident who lives here from the list."
    assert not Assignment.objects.exists()


def test_changing_visits_over_someone_elses_change_shows_the_conflict(world, manager, client_for, peggy):
    jo = befriender(world)
    manager.post(url("assignment_add", world), visit_data(world, jo))
    assignment = Assignment.objects.get()
    edit = url("assignment_edit", world, assignment.pk)
    data = {k: v for k, v in visit_data(world, jo).items() if k not in ("volunteer", "resident")}
    first = manager.post(edit, {**data, "minutes": 90, "version": 1})
    assert first.status_code == 302
    second = client_for(world.champion).post(edit, {**data, "minutes": 45, "version": 1})
    assert second.status_code == 200
    assert "saved a change to this" in main_text(second)
    assert 'id="edit-conflict"' in second.content.decode()
    assignment.refresh_from_db()
    assert assignment.minutes == 90


def test_ending_visits_needs_a_reason(world, manager, peggy):
    jo = befriender(world)
    manager.post(url("assignment_add", world), visit_data(world, jo))
    assignment = Assignment.objects.get()
    end = url("assignment_end", world, assignment.pk)
    assert manager.get(end).status_code == 405
    response = manager.post(end, {"reason": ""})
    assert response.status_code == 200
    assert field_error(response, "reason") == "Write why the visits are ending, like “Moving away”."
    response = manager.post(end, {"reason": "Moving away"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.ended_at is not None
    text = main_text(manager.get(url("assignment_detail", world, assignment.pk)))
    assert "Ended" in text and "Moving away" in text
