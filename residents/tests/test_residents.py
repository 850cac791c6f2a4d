"""The resident list and a resident's overview: what staff see, what each
role may open, and that the pages cost the same whatever the home's size."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from homes.models import Interest, Role
from homes.tests.factories import MembershipFactory
from residents.models import KeyWorkerAssignment, Resident
from residents.tests.factories import PersonalPlanFactory, ResidentFactory
from tests.html import main_text, text_of


def row_names(response):
    """The resident names in the list's table, in order."""
    page = response.content.decode()
    return [text_of(n) for n in re.findall(r'<a class="resident-link"[^>]*>(.*?)</a>', page, re.S)]


def interest_named(name):
    return Interest.objects.get_or_create(name=name)[0]


def list_url(world, **params):
    url = reverse("residents:list", args=[world.home.slug])
    if params:
        from urllib.parse import urlencode

        url += "?" + urlencode(params)
    return url


def detail_url(world, resident):
    return reverse("residents:detail", args=[world.home.slug, resident.pk])


@pytest.fixture
def staff_client(world, client_for):
    return client_for(world.staff)


@pytest.fixture
def manager_client(world, client_for):
    return client_for(world.manager)


# --- The list ---------------------------------------------------------------------


def test_the_list_shows_the_people_living_here_with_links(world, staff_client):
    world.resident.key_worker = world.staff.user
    world.resident.unit = "Garden wing"
    world.resident.save()
    ResidentFactory(
        home=world.home, full_name="Edna Left", status=Resident.Status.LEFT, left_on=date(2026, 1, 5)
    )
    ResidentFactory(home=world.home, full_name="Harold Hospital", status=Resident.Status.HOSPITAL)

    response = staff_client.get(list_url(world))
    assert response.status_code == 200
    assert row_names(response) == ["Arthur Hughes", "Harold Hospital", "Margaret Baxter (Peggy)"]
    text = main_text(response)
    assert "3 residents living here" in text
    assert "Doris Foreign" not in text
    assert "Edna Left" not in text
    assert f'href="{detail_url(world, world.resident)}"' in response.content.decode()
    row = re.search(r"<tr>\s*<th[^>]*>\s*<a[^>]*>Margaret Baxter.*?</tr>", response.content.decode(), re.S)
    assert "Aisha Bello" in text_of(row.group(0))
    assert "Garden wing" in text_of(row.group(0))


def test_people_who_left_are_kept_under_their_own_filter(world, staff_client):
    ResidentFactory(
        home=world.home, full_name="Edna Left", status=Resident.Status.LEFT, left_on=date(2026, 1, 5)
    )
    ResidentFactory(
        home=world.home, full_name="Frank Died", status=Resident.Status.DIED, left_on=date(2026, 2, 1)
    )
    response = staff_client.get(list_url(world, status="left"))
    assert row_names(response) == ["Edna Left", "Frank Died"]
    assert "2 residents who moved out or died" in main_text(response)
    assert "Moved out 5 Jan 2026" in main_text(response)
    everyone = staff_client.get(list_url(world, status="all"))
    assert len(row_names(everyone)) == 4


@pytest.mark.parametrize(
    ("search", "expected"),
    [("peggy", ["Margaret Baxter (Peggy)"]), ("HUGH", ["Arthur Hughes"]), ("7B", ["Bertie Room"])],
)
def test_search_by_name_preferred_name_or_room(world, staff_client, search, expected):
    ResidentFactory(home=world.home, full_name="Bertie Room", room="7b")
    response = staff_client.get(list_url(world, q=search))
    assert row_names(response) == expected
    assert f"matching “{search}”" in main_text(response)


def test_filter_by_unit_key_worker_and_interest(world, staff_client):
    gardening = interest_named("Gardening")
    world.resident.unit = "First floor"
    world.resident.key_worker = world.staff.user
    world.resident.save()
    PersonalPlanFactory(resident=world.resident).interests.add(gardening)
    other = ResidentFactory(home=world.home, full_name="Ivy Other", unit="Ground floor")
    PersonalPlanFactory(resident=other).interests.add(interest_named("Music"))

    response = staff_client.get(list_url(world))
    page = response.content.decode()
    # The unit choices are this home's units; interests are those in this home's plans.
    assert '<option value="First floor">First floor</option>' in page
    assert '<option value="Ground floor">Ground floor</option>' in page
    assert ">Gardening</option>" in page and ">Music</option>" in page
    assert ">Crosswords and puzzles</option>" not in page
    # Only this home's staff are key worker choices.
    assert "Aisha Bello" in page and "Iain Outsider" not in page and "Linda Baxter</option>" not in page

    assert row_names(staff_client.get(list_url(world, unit="First floor"))) == ["Margaret Baxter (Peggy)"]
    assert row_names(staff_client.get(list_url(world, key_worker=world.staff.user.pk))) == [
        "Margaret Baxter (Peggy)"
    ]
    by_interest = staff_client.get(list_url(world, interest=gardening.pk))
    assert row_names(by_interest) == ["Margaret Baxter (Peggy)"]
    assert "who enjoy gardening" in main_text(by_interest)
    assert row_names(staff_client.get(list_url(world, unit="Ground floor", interest=gardening.pk))) == []
    assert "Nobody matches these filters" in main_text(
        staff_client.get(list_url(world, unit="Ground floor", interest=gardening.pk))
    )


def test_odd_filter_values_are_ignored_not_an_error(world, staff_client):
    response = staff_client.get(
        list_url(world, key_worker=world.outsider.user.pk, interest="999999", status="nonsense", page="x")
    )
    assert response.status_code == 200
    assert row_names(response) == ["Arthur Hughes", "Margaret Baxter (Peggy)"]


def test_plan_markers(world, staff_client):
    today = timezone.localdate()
    PersonalPlanFactory(resident=world.resident, review_due_on=today - timedelta(days=1))
    PersonalPlanFactory(
        resident=ResidentFactory(home=world.home, full_name="Clara Fine"), review_due_on=today
    )
    PersonalPlanFactory(resident=ResidentFactory(home=world.home, full_name="Dora Empty"), what_matters="")
    page = response_html = staff_client.get(list_url(world)).content.decode()

    def marker(name):
        row = re.search(rf"<tr>\s*<th[^>]*>\s*<a[^>]*>{name}.*?</th>", page, re.S).group(0)
        found = re.search(r'<span class="badge badge-plan[^"]*">(.*?)</span>', row)
        return found.group(1) if found else None

    assert response_html
    assert marker("Margaret Baxter") == "Plan review overdue"
    assert marker("Clara Fine") is None
    assert marker("Dora Empty") == "No plan yet"
    assert marker("Arthur Hughes") == "No plan yet"


def test_the_list_is_paged_fifty_at_a_time_and_keeps_the_filters(world, staff_client):
    ResidentFactory.create_batch(53, home=world.home, unit="Ground floor")
    first = staff_client.get(list_url(world, unit="Ground floor"))
    assert len(row_names(first)) == 50
    text = main_text(first)
    assert "53 residents living here on Ground floor — page 1 of 2" in text
    page = first.content.decode()
    assert 'aria-label="Pages of residents"' in page
    assert 'href="?unit=Ground+floor&amp;page=2"' in page
    assert 'aria-current="page"' in page
    second = staff_client.get(list_url(world, unit="Ground floor", page=2))
    assert len(row_names(second)) == 3
    assert 'href="?unit=Ground+floor&amp;page=1"' in second.content.decode()


def test_manager_sees_admit_and_settings_staff_does_not(world, staff_client, manager_client):
    admit = reverse("residents:admit", args=[world.home.slug])
    settings_url = reverse("residents:settings", args=[world.home.slug])
    manager_page = manager_client.get(list_url(world)).content.decode()
    assert admit in manager_page and settings_url in manager_page
    assert "Settings for this home" in manager_page
    staff_page = staff_client.get(list_url(world)).content.decode()
    assert admit not in staff_page and settings_url not in staff_page


@pytest.mark.parametrize(("role", "status"), [("family", 403), ("volunteer", 403), ("outsider", 404)])
def test_the_list_is_for_staff_only(world, client_for, role, status):
    response = client_for(world.member(role)).get(list_url(world))
    assert response.status_code == status
    assert b"Arthur Hughes" not in response.content


def _grow(world, n):
    interest = interest_named("Gardening")
    for i in range(n):
        resident = ResidentFactory(
            home=world.home,
            unit=["Ground floor", "First floor"][i % 2],
            key_worker=world.staff.user,
        )
        PersonalPlanFactory(resident=resident, review_due_on=date(2026, 1, 1)).interests.add(interest)
    return interest


@pytest.mark.parametrize("filtered", [False, True])
def test_the_list_costs_the_same_queries_for_5_or_50_residents(world, staff_client, filtered):
    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            response = staff_client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    interest = _grow(world, 5)
    params = (
        {"q": "a", "unit": "Ground floor", "key_worker": world.staff.user.pk, "interest": interest.pk}
        if filtered
        else {}
    )
    small = count(list_url(world, **params))
    _grow(world, 45)
    assert count(list_url(world, **params)) == small


# --- The overview -------------------------------------------------------------------


def test_the_overview_shows_the_details_and_key_worker_history(world, staff_client):
    r = world.resident
    today = timezone.localdate()
    r.date_of_birth = date(today.year - 88, 1, 1)
    r.room, r.unit, r.key_worker = "12", "Garden wing", world.staff.user
    r.admitted_on = date(2023, 5, 2)
    r.save()
    KeyWorkerAssignment.objects.create(
        home=world.home,
        resident=r,
        key_worker=world.champion.user,
        started_on=date(2023, 5, 2),
        ended_on=date(2025, 1, 9),
        assigned_by=world.manager.user,
    )
    KeyWorkerAssignment.objects.create(
        home=world.home,
        resident=r,
        key_worker=world.staff.user,
        started_on=date(2025, 1, 9),
        assigned_by=world.manager.user,
    )

    response = staff_client.get(detail_url(world, r))
    assert response.status_code == 200
    text = main_text(response)
    assert "Margaret Baxter (Peggy)" in text
    assert f"1 January {today.year - 88} (age 88)" in text
    assert "Came to live here 2 May 2023" in text
    assert "Room 12" in text
    assert "Key worker Aisha Bello since 9 January 2025" in text
    history = re.search(
        r'<section aria-labelledby="key-workers-title".*?</section>', response.content.decode(), re.S
    )
    rows = [text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", history.group(0), re.S)[1:]]
    assert rows[0].startswith("Aisha Bello 9 Jan 2025 Now Ruth Adeyemi")
    assert rows[1].startswith(f"{world.champion.user.full_name} 2 May 2023 9 Jan 2025")
    # The overview tab is the current one.
    assert 'aria-current="page">Overview</a>' in response.content.decode()


def test_buttons_follow_permissions(world, staff_client, manager_client):
    r = world.resident
    edit = reverse("residents:edit", args=[world.home.slug, r.pk])
    key_worker = reverse("residents:key_worker", args=[world.home.slug, r.pk])
    leave = reverse("residents:leave", args=[world.home.slug, r.pk])
    staff_page = staff_client.get(detail_url(world, r)).content.decode()
    assert edit in staff_page and key_worker in staff_page
    assert leave not in staff_page
    assert "Change history" not in staff_page
    manager_page = manager_client.get(detail_url(world, r)).content.decode()
    assert edit in manager_page and key_worker in manager_page and leave in manager_page
    assert "Change history" in manager_page
    assert "Record that Peggy has left" in manager_page


def test_the_overview_of_someone_who_left_keeps_their_story(world, manager_client):
    r = world.resident
    r.status, r.left_on, r.leaving_reason = Resident.Status.DIED, date(2026, 3, 4), "Peacefully, with family."
    r.save()
    response = manager_client.get(detail_url(world, r))
    text = main_text(response)
    assert "Peggy died on 4 March 2026. Their records are kept here." in text
    assert "Date they died 4 March 2026" in text
    assert "Peacefully, with family." in text
    page = response.content.decode()
    assert reverse("residents:leave", args=[world.home.slug, r.pk]) not in page
    assert reverse("residents:key_worker", args=[world.home.slug, r.pk]) not in page


@pytest.mark.parametrize(("role", "status"), [("family", 403), ("volunteer", 403), ("outsider", 404)])
def test_the_overview_is_for_staff_only(world, client_for, role, status):
    response = client_for(world.member(role)).get(detail_url(world, world.resident))
    assert response.status_code == status
    assert b"Margaret Baxter" not in response.content


def test_another_homes_resident_is_not_found(world, manager_client):
    response = manager_client.get(detail_url(world, world.foreign_resident))
    assert response.status_code == 404
    assert b"Doris" not in response.content


def test_the_overview_costs_the_same_queries_however_long_the_history(world, manager_client):
    r = world.resident
    others = [MembershipFactory(home=world.home, role=Role.STAFF).user for _ in range(3)]

    def add(n):
        KeyWorkerAssignment.objects.filter(resident=r, ended_on__isnull=True).update(
            ended_on=date(2020, 1, 1)
        )
        for i in range(n):
            KeyWorkerAssignment.objects.create(
                home=world.home,
                resident=r,
                key_worker=others[i % 3],
                started_on=date(2010, 1, 1) + timedelta(days=i),
                ended_on=date(2010, 1, 2) + timedelta(days=i),
                assigned_by=others[(i + 1) % 3],
            )

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert manager_client.get(detail_url(world, r)).status_code == 200
        return len(ctx.captured_queries)

    add(5)
    small = count()
    add(45)
    assert count() == small


# --- The dashboard panel ----------------------------------------------------------------


def test_the_dashboard_shows_staff_who_they_are_key_worker_for(world, staff_client, client_for):
    for n in range(8):
        ResidentFactory(home=world.home, full_name=f"Key Resident {n}", key_worker=world.staff.user)
    ResidentFactory(home=world.home, full_name="Gone Resident", key_worker=world.staff.user, status="left")
    dashboard = reverse("homes:dashboard", args=[world.home.slug])
    text = main_text(staff_client.get(dashboard))
    assert "You are key worker for" in text
    assert "Key Resident 0" in text and "Key Resident 5" in text and "Key Resident 6" not in text
    assert "Gone Resident" not in text
    assert "See all 8" in text
    assert "Nobody at the moment" in main_text(client_for(world.manager).get(dashboard))
    assert "You are key worker for" not in main_text(client_for(world.relative).get(dashboard))
