"""The rota, logging a visit for a volunteer, and hours, as staff use them."""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from residents.models import Connection, Response
from tests.html import field_error, main_text
from volunteers.models import Shift
from volunteers.tests.factories import ShiftFactory, VolunteerFactory, cleared_volunteer

pytestmark = pytest.mark.django_db


def url(name, world, *args):
    return reverse(f"volunteers:{name}", args=[world.home.slug, *args])


@pytest.fixture
def staff(world, client_for):
    return client_for(world.staff)


@pytest.fixture
def manager(world, client_for):
    return client_for(world.manager)


@pytest.fixture
def jo(world):
    return cleared_volunteer(world.home, full_name="Jo Gardener")


def visit(world, volunteer, starts_at, **fields):
    return ShiftFactory(
        volunteer=volunteer,
        resident=world.resident,
        role=volunteer.roles.get(),
        title="",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        **fields,
    )


def queries(client, address):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address)
    assert response.status_code == 200, address
    return len(ctx.captured_queries)


def today_at(hour):
    return timezone.make_aware(timezone.datetime.combine(timezone.localdate(), time(hour, 0)))


# --- The rota ---------------------------------------------------------------------------------


def test_staff_see_the_week_and_whos_in_today(world, staff, jo):
    visit(world, jo, today_at(14), status=Shift.Status.CONFIRMED)
    sam = cleared_volunteer(world.home, role=jo.roles.get(), full_name="Sam Trolley")
    ShiftFactory(volunteer=sam, title="Tea trolley", starts_at=today_at(10), ends_at=today_at(11))
    ShiftFactory(
        volunteer=sam,
        title="Garden club",
        starts_at=today_at(16),  # this week, whatever the day (tomorrow is next week on a Sunday)
        status=Shift.Status.DECLINED,
        status_note="Poorly",
    )
    ShiftFactory(volunteer=VolunteerFactory(home=world.other_home), title="Birch secret")
    text = main_text(staff.get(url("rota", world)))
    today_part = text[text.index("Who's in today") : text.index("Show the week of")]
    assert "10:00–11:00 Sam Trolley : Tea trolley Planned" in today_part
    assert "14:00–15:00 Jo Gardener : visiting Margaret Baxter (Peggy) Confirmed: coming" in today_part
    assert "Birch secret" not in text
    assert "Can't make it “Poorly”" in text


def test_the_rota_pages_through_weeks_and_refuses_nonsense_politely(world, staff, jo):
    next_week = timezone.now() + timedelta(weeks=1)
    visit(world, jo, next_week)
    monday = timezone.localdate(next_week) - timedelta(days=timezone.localdate(next_week).weekday())
    response = staff.get(url("rota", world) + f"?week={monday.isoformat()}")
    assert "Visiting Margaret Baxter (Peggy)" in main_text(response)
    assert "Previous week" in main_text(response)
    for nonsense in ("9999-12-31", "٢٠٢٦-٠١-٠١", "\x00", "2026-02-30", "1990-01-01"):
        response = staff.get(url("rota", world), {"week": nonsense})
        assert response.status_code == 200
        assert (
            "This shows this week" in main_text(response) or "this shows today" in main_text(response).lower()
        )


def test_a_shift_whose_volunteer_is_not_clear_is_flagged(world, manager, staff, jo):
    # Today at 14:00 is in this week's rota at any hour (now + 2 hours is next week late on a Sunday).
    visit(world, jo, today_at(14))
    jo.checks.all().delete()
    assert "Not clear to volunteer" in main_text(staff.get(url("rota", world)))
    assert "No enhanced" in main_text(manager.get(url("rota", world)))
    assert "No enhanced" not in main_text(staff.get(url("rota", world)))


def test_the_rota_costs_the_same_however_many_shifts(world, staff, jo):
    staff.get(url("rota", world))
    visit(world, jo, timezone.now() + timedelta(hours=1))
    before = queries(staff, url("rota", world))
    for n in range(8):
        other = cleared_volunteer(world.home, role=jo.roles.get(), full_name=f"Extra {n}")
        visit(world, other, timezone.now() + timedelta(hours=2 + n))
        ShiftFactory(volunteer=other, starts_at=timezone.now() + timedelta(days=1))
    assert queries(staff, url("rota", world)) == before
    assert before <= 25


def test_another_homes_people_get_404_and_shifts_of_another_home_are_404(world, manager):
    outsider = Client()
    outsider.force_login(world.outsider.user)
    assert outsider.get(url("rota", world)).status_code == 404
    foreign = ShiftFactory(volunteer=VolunteerFactory(home=world.other_home))
    for name in ("shift_detail", "shift_log"):
        assert manager.get(url(name, world, foreign.pk)).status_code == 404
    assert manager.post(url("hours_confirm", world, foreign.pk)).status_code == 404


# --- Putting someone on the rota --------------------------------------------------------------


def shift_data(volunteer, **changes):
    data = {
        "title": "Tea trolley",
        "role": volunteer.roles.get().pk,
        "volunteer": volunteer.pk,
        "day": (timezone.localdate() + timedelta(days=2)).isoformat(),
        "starts": "10:00",
        "ends": "11:30",
    }
    data.update(changes)
    return data


def test_only_a_coordinator_puts_someone_on_the_rota(world, staff, manager, jo):
    assert staff.get(url("shift_add", world)).status_code == 403
    assert staff.post(url("shift_add", world), shift_data(jo)).status_code == 403
    response = manager.post(url("shift_add", world), shift_data(jo))
    assert response.status_code == 302
    assert Shift.objects.get().title == "Tea trolley"
    assert "Jo Gardener is on the rota for “Tea trolley”." in main_text(manager.get(response.url))


def test_someone_not_clear_is_refused_next_to_the_volunteer(world, manager, jo):
    jo.references.all().delete()
    response = manager.post(url("shift_add", world), shift_data(jo))
    assert response.status_code == 200
    assert field_error(response, "volunteer").startswith(
        "Jo Gardener cannot be put on the rota yet: No referee for the first reference"
    )
    assert not Shift.objects.exists()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"title": " "}, ("title", "Say what the shift is, like “Tea trolley” or “Garden club”.")),
        ({"day": "2020-01-01"}, ("day", "That date has passed. Choose today or a later date.")),
        ({"ends": "09:00"}, ("ends", "The shift must end after it starts, on the same day.")),
        ({"starts": "25:00"}, ("starts", "Enter when the shift starts, like 10:00.")),
    ],
)
def test_bad_rota_input_is_explained_and_nothing_saved(world, manager, jo, changes, expected):
    field, message = expected
    response = manager.post(url("shift_add", world), shift_data(jo, **changes))
    assert response.status_code == 200
    assert field_error(response, field) == message
    assert not Shift.objects.exists()


# --- Logging for a volunteer ------------------------------------------------------------------


def test_staff_log_a_visit_and_it_reaches_the_residents_timeline(world, staff, jo):
    shift = visit(world, jo, timezone.now() - timedelta(hours=2))
    page = staff.get(url("shift_log", world, shift.pk))
    assert "How did it go for Peggy?" in main_text(page)
    response = staff.post(
        url("shift_log", world, shift.pk),
        {"minutes": 70, "response": Response.ACTIVE, "note": "Sorted seeds for the spring."},
    )
    assert response.status_code == 302 and response.url == url("shift_detail", world, shift.pk)
    detail = main_text(staff.get(response.url))
    assert "is on their connection log" in detail
    assert "1 hour 10 minutes" in detail
    assert "Waiting for a co-ordinator to confirm them" in detail
    assert Connection.objects.filter(home=world.home).count() == 1
    timeline = main_text(staff.get(reverse("residents:timeline", args=[world.home.slug, world.resident.pk])))
    assert "Sorted seeds for the spring." in timeline
    # Logging again says so rather than logging twice.
    again = staff.post(url("shift_log", world, shift.pk), {"minutes": 70, "response": Response.ACTIVE})
    assert again.status_code == 302
    assert "already logged by Aisha Bello" in main_text(staff.get(again.url))
    assert Connection.objects.filter(home=world.home).count() == 1


def test_a_visit_to_come_cannot_be_logged_yet(world, staff, jo):
    shift = visit(world, jo, timezone.now() + timedelta(days=1))
    page = staff.get(url("shift_log", world, shift.pk))
    assert "This can be logged once it has started." in main_text(page)
    assert 'name="minutes"' not in page.content.decode()


def test_how_it_went_is_needed(world, staff, jo):
    shift = visit(world, jo, timezone.now() - timedelta(hours=2))
    response = staff.post(url("shift_log", world, shift.pk), {"minutes": 60, "response": ""})
    assert response.status_code == 200
    assert field_error(response, "response") == "Choose how it went for Peggy."
    assert not Connection.objects.exists()


# --- Hours ------------------------------------------------------------------------------------


def logged(world, volunteer, days_ago, minutes, *, confirmed=False):
    starts = timezone.now() - timedelta(days=days_ago)
    return visit(
        world,
        volunteer,
        starts,
        status=Shift.Status.DONE,
        minutes_given=minutes,
        logged_at=starts,
        hours_confirmed_at=timezone.now() if confirmed else None,
    )


def test_hours_waiting_are_confirmed_and_counted(world, manager, jo):
    shift = logged(world, jo, 2, 90)
    logged(world, jo, 40, 60, confirmed=True)
    page = main_text(manager.get(url("hours", world)))
    assert "Waiting for you to confirm (1)" in page
    assert "Jo Gardener" in page
    response = manager.post(url("hours_confirm", world, shift.pk))
    assert response.status_code == 302
    text = main_text(manager.get(response.url))
    assert "1 hour 30 minutes confirmed for Jo Gardener." in text
    assert "Nothing waiting" in text
    assert "2 hours 30 minutes in the last twelve months." in text
    earlier = timezone.localdate(timezone.now() - timedelta(days=40))
    assert f"{earlier:%B %Y}: 1 hour" in text
    shift.refresh_from_db()
    assert shift.hours_confirmed_by == world.manager.user
    # Confirming again says so.
    manager.post(url("hours_confirm", world, shift.pk))
    assert "These hours were already confirmed by Ruth Adeyemi" in main_text(manager.get(url("hours", world)))


def test_hours_are_for_coordinators(world, staff, jo):
    shift = logged(world, jo, 2, 90)
    assert staff.get(url("hours", world)).status_code == 403
    assert staff.post(url("hours_confirm", world, shift.pk)).status_code == 403
    assert manager_get_405(world)


def manager_get_405(world):
    client = Client()
    client.force_login(world.manager.user)
    shift = Shift.objects.first()
    return client.get(url("hours_confirm", world, shift.pk)).status_code == 405


def test_the_hours_page_costs_the_same_however_many_shifts(world, manager, jo):
    manager.get(url("hours", world))
    logged(world, jo, 2, 60)
    logged(world, jo, 35, 60, confirmed=True)
    before = queries(manager, url("hours", world))
    for n in range(6):
        other = cleared_volunteer(world.home, role=jo.roles.get(), full_name=f"Extra {n}")
        logged(world, other, 3 + n, 30)
        logged(world, other, 60 + n * 20, 45, confirmed=True)
    assert queries(manager, url("hours", world)) == before
    assert before <= 15


def test_a_shift_page_costs_the_same_logged_or_not(world, staff, jo):
    shift = visit(world, jo, timezone.now() - timedelta(hours=2))
    staff.get(url("shift_detail", world, shift.pk))
    before = queries(staff, url("shift_detail", world, shift.pk))
    assert before <= 20
