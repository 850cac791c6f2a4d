"""The People page (roles, paused access, two-step verification) and the Spaces page (add, change)."""

import re

import pytest
from django.urls import reverse

from homes.models import Role, Space
from homes.tests.factories import MembershipFactory, SpaceFactory
from tests.html import field_error, main_text, text_of


@pytest.fixture
def manager_client(world, client_for):
    return client_for(world.manager)


# --- Members ---------------------------------------------------------------------


def edit_url(world, membership):
    return reverse("homes:membership_edit", args=[world.home.slug, membership.pk])


def test_the_people_page_lists_everyone_in_the_home_only(world, manager_client):
    response = manager_client.get(reverse("homes:members", args=[world.home.slug]))
    assert response.status_code == 200
    text = main_text(response)
    for name in ("Ruth Adeyemi", "Aisha Bello", "Linda Baxter"):
        assert name in text
    assert "Iain Outsider" not in text


def test_manager_changes_a_members_role(world, manager_client):
    staff = world.staff
    response = manager_client.post(
        edit_url(world, staff),
        {"role": Role.CHAMPION, "job_title": " Activity co-ordinator ", "is_active": "on"},
    )
    assert response.status_code == 302
    assert response.url == reverse("homes:members", args=[world.home.slug])
    staff.refresh_from_db()
    assert (staff.role, staff.job_title, staff.is_active) == (Role.CHAMPION, "Activity co-ordinator", True)

    page = manager_client.get(response.url)
    assert "Aisha Bello was updated." in main_text(page)
    assert "Activity co-ordinator" in main_text(page)


def test_manager_pauses_a_members_access_and_it_stops_at_once(world, manager_client, client_for):
    staff_client = client_for(world.staff)
    dashboard = reverse("homes:dashboard", args=[world.home.slug])
    assert staff_client.get(dashboard).status_code == 200

    response = manager_client.post(edit_url(world, world.staff), {"role": Role.STAFF, "job_title": ""})
    assert response.status_code == 302
    world.staff.refresh_from_db()
    assert world.staff.is_active is False
    assert "Access paused" in main_text(manager_client.get(response.url))
    assert staff_client.get(dashboard).status_code == 404

    # And switched back on.
    manager_client.post(edit_url(world, world.staff), {"role": Role.STAFF, "is_active": "on"})
    assert staff_client.get(dashboard).status_code == 200


@pytest.mark.parametrize(
    "data",
    [
        {"role": Role.STAFF, "is_active": "on"},
        {"role": Role.MANAGER},
        {"role": Role.FAMILY},
    ],
    ids=["own role", "own access", "both"],
)
def test_a_manager_cannot_change_their_own_role_or_access(world, manager_client, data):
    me = world.manager
    response = manager_client.post(edit_url(world, me), {"job_title": "Boss", **data})
    assert response.status_code == 200
    assert field_error(response, "role") == "You cannot change your own role or access. Ask another manager."
    me.refresh_from_db()
    assert (me.role, me.is_active, me.job_title) == (Role.MANAGER, True, "")
    assert manager_client.get(reverse("homes:members", args=[world.home.slug])).status_code == 200


def test_a_manager_may_change_their_own_job_title(world, manager_client):
    response = manager_client.post(
        edit_url(world, world.manager),
        {"role": Role.MANAGER, "job_title": "Registered manager", "is_active": "on"},
    )
    assert response.status_code == 302
    world.manager.refresh_from_db()
    assert world.manager.job_title == "Registered manager"


def test_a_manager_cannot_grant_or_take_away_organisation_wide_access(world, manager_client):
    message = "Only an organisation admin can give or change organisation-wide access."
    response = manager_client.post(edit_url(world, world.staff), {"role": Role.ORG_ADMIN, "is_active": "on"})
    assert response.status_code == 200
    assert field_error(response, "role") == message
    world.staff.refresh_from_db()
    assert world.staff.role == Role.STAFF

    org_admin = MembershipFactory(home=world.home, role=Role.ORG_ADMIN)
    response = manager_client.post(edit_url(world, org_admin), {"role": Role.STAFF, "is_active": "on"})
    assert field_error(response, "role") == message
    org_admin.refresh_from_db()
    assert org_admin.role == Role.ORG_ADMIN


def test_an_organisation_admin_may_grant_organisation_wide_access(world, client_for):
    org_admin = MembershipFactory(home=world.home, role=Role.ORG_ADMIN)
    response = client_for(org_admin).post(
        edit_url(world, world.manager), {"role": Role.ORG_ADMIN, "is_active": "on"}
    )
    assert response.status_code == 302
    world.manager.refresh_from_db()
    assert world.manager.role == Role.ORG_ADMIN


def test_an_unknown_role_is_refused(world, manager_client):
    response = manager_client.post(edit_url(world, world.staff), {"role": "overlord", "is_active": "on"})
    assert response.status_code == 200
    assert field_error(response, "role").startswith("Select a valid choice.")
    world.staff.refresh_from_db()
    assert world.staff.role == Role.STAFF


@pytest.mark.parametrize("role", ["staff", "champion", "volunteer", "family"])
def test_only_managers_change_members(world, client_for, role):
    client = client_for(world.member(role))
    url = edit_url(world, world.volunteer)
    assert client.get(url).status_code == 403
    assert client.post(url, {"role": Role.MANAGER, "is_active": "on"}).status_code == 403
    world.volunteer.refresh_from_db()
    assert world.volunteer.role == Role.VOLUNTEER


def test_staff_see_the_people_page_without_change_links(world, client_for):
    response = client_for(world.staff).get(reverse("homes:members", args=[world.home.slug]))
    assert response.status_code == 200
    assert edit_url(world, world.volunteer) not in response.content.decode()


def test_a_member_of_another_home_cannot_be_changed_from_this_one(world, manager_client):
    url = reverse("homes:membership_edit", args=[world.home.slug, world.outsider.pk])
    assert manager_client.post(url, {"role": Role.STAFF}).status_code == 404
    world.outsider.refresh_from_db()
    assert (world.outsider.role, world.outsider.is_active) == (Role.MANAGER, True)


# --- Spaces ------------------------------------------------------------------------


def add_url(world):
    return reverse("homes:space_add", args=[world.home.slug])


def space_data(**fields):
    data = {
        "name": "Café corner",
        "kind": Space.Kind.CAFE,
        "capacity": "6",
        "bookable": "on",
        "is_active": "on",
        "opens_at": "09:00",
        "closes_at": "20:00",
        "buffer_minutes": "15",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_manager_adds_a_space(world, manager_client):
    response = manager_client.post(
        add_url(world), space_data(name="  Café corner ", description="Tea and cake")
    )
    assert response.status_code == 302
    assert response.url == reverse("homes:spaces", args=[world.home.slug])
    space = Space.objects.get(home=world.home, name="Café corner")
    assert (space.kind, space.capacity, space.bookable, space.is_active) == (Space.Kind.CAFE, 6, True, True)
    page = manager_client.get(response.url)
    assert "“Café corner” was saved." in main_text(page)
    assert "6 people" in main_text(page)


def test_manager_changes_a_space(world, manager_client):
    url = reverse("homes:space_edit", args=[world.home.slug, world.space.pk])
    response = manager_client.post(url, space_data(name="Garden Room", capacity="10", bookable=None))
    assert response.status_code == 302
    world.space.refresh_from_db()
    assert (world.space.name, world.space.capacity, world.space.bookable) == ("Garden Room", 10, False)


CAPACITY_RANGE = "Enter a capacity between 1 and 500 people."


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": ""}, "name", "Give the space a name, for example “Garden room”."),
        ({"name": "   "}, "name", "Give the space a name, for example “Garden room”."),
        ({"capacity": "0"}, "capacity", CAPACITY_RANGE),
        ({"capacity": "501"}, "capacity", CAPACITY_RANGE),
        ({"capacity": "40000"}, "capacity", CAPACITY_RANGE),
        ({"capacity": "-1"}, "capacity", "A space holds at least 1 person."),
        ({"capacity": "six"}, "capacity", "Enter the number of people, for example 6."),
        ({"capacity": "2.5"}, "capacity", "Enter the number of people, for example 6."),
        ({"capacity": ""}, "capacity", "Enter how many people it holds, for example 6."),
        ({"name": "garden ROOM"}, "name", "Rowan House already has a space called “garden ROOM”."),
        ({"kind": "ballroom"}, "kind", "Select a valid choice."),
    ],
)
def test_adding_a_bad_space_saves_nothing_and_says_why(world, manager_client, fields, field, message):
    before = list(Space.objects.values())
    response = manager_client.post(add_url(world), space_data(**fields))
    assert response.status_code == 200
    assert field_error(response, field).startswith(message)
    assert list(Space.objects.values()) == before


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": ""}, "name", "Give the space a name"),
        ({"capacity": "0"}, "capacity", CAPACITY_RANGE),
        ({"capacity": "501"}, "capacity", CAPACITY_RANGE),
        ({"capacity": "lots"}, "capacity", "Enter the number of people, for example 6."),
        ({"name": "LOUNGE"}, "name", "Rowan House already has a space called “LOUNGE”."),
    ],
)
def test_changing_a_space_badly_saves_nothing_and_says_why(world, manager_client, fields, field, message):
    SpaceFactory(home=world.home, name="Lounge")
    before = list(Space.objects.values())
    url = reverse("homes:space_edit", args=[world.home.slug, world.space.pk])
    response = manager_client.post(url, space_data(**{"name": "Garden room", "capacity": "8", **fields}))
    assert response.status_code == 200
    assert field_error(response, field).startswith(message)
    assert list(Space.objects.values()) == before


def test_capacity_may_be_one_or_five_hundred(world, manager_client):
    assert manager_client.post(add_url(world), space_data(name="Snug", capacity="1")).status_code == 302
    assert manager_client.post(add_url(world), space_data(name="Hall", capacity="500")).status_code == 302
    assert dict(Space.objects.filter(home=world.home).values_list("name", "capacity")) == {
        "Garden room": 6,
        "Snug": 1,
        "Hall": 500,
    }


def test_the_same_space_name_in_another_home_is_fine(world, manager_client):
    assert world.foreign_space.name == "Other lounge"
    response = manager_client.post(add_url(world), space_data(name="other LOUNGE"))
    assert response.status_code == 302
    assert Space.objects.filter(home=world.home, name="other LOUNGE").exists()
    assert Space.objects.filter(home=world.other_home, name="Other lounge").exists()


def test_renaming_a_space_to_its_own_name_in_other_letters_is_fine(world, manager_client):
    url = reverse("homes:space_edit", args=[world.home.slug, world.space.pk])
    response = manager_client.post(url, space_data(name="GARDEN ROOM"))
    assert response.status_code == 302
    world.space.refresh_from_db()
    assert world.space.name == "GARDEN ROOM"


@pytest.mark.parametrize("role", ["staff", "champion", "volunteer", "family"])
def test_only_managers_add_or_change_spaces(world, client_for, role):
    client = client_for(world.member(role))
    assert client.post(add_url(world), space_data(name="Snug")).status_code == 403
    edit = reverse("homes:space_edit", args=[world.home.slug, world.space.pk])
    assert client.post(edit, space_data(name="Renamed")).status_code == 403
    assert list(Space.objects.filter(home=world.home).values_list("name", flat=True)) == ["Garden room"]


def test_staff_see_the_spaces_but_no_add_button(world, client_for):
    response = client_for(world.staff).get(reverse("homes:spaces", args=[world.home.slug]))
    assert response.status_code == 200
    text = main_text(response)
    assert "Garden room" in text
    assert "Other lounge" not in text
    assert "Add a space" not in text


def test_another_homes_space_cannot_be_changed_from_this_one(world, manager_client):
    url = reverse("homes:space_edit", args=[world.home.slug, world.foreign_space.pk])
    assert manager_client.post(url, space_data(name="Taken over")).status_code == 404
    world.foreign_space.refresh_from_db()
    assert world.foreign_space.name == "Other lounge"


# --- Opening hours, buffer and devices ---------------------------------------------------


def test_manager_sets_the_hours_and_buffer_of_a_space(world, manager_client):
    url = reverse("homes:space_edit", args=[world.home.slug, world.space.pk])
    page = manager_client.get(url)
    assert "Can be booked from" in main_text(page)
    assert 'type="time"' in page.content.decode()
    response = manager_client.post(
        url, space_data(name="Garden room", opens_at="10:00", closes_at="19:00", buffer_minutes="30")
    )
    assert response.status_code == 302
    world.space.refresh_from_db()
    assert (str(world.space.opens_at), str(world.space.closes_at), world.space.buffer_minutes) == (
        "10:00:00",
        "19:00:00",
        30,
    )
    assert "10:00 to 19:00" in main_text(manager_client.get(response.url))


def test_a_tablet_can_be_added_for_calls(world, manager_client):
    response = manager_client.post(
        add_url(world), space_data(name="Video call tablet", kind=Space.Kind.TABLET, capacity="1")
    )
    assert response.status_code == 302
    assert Space.objects.get(home=world.home, name="Video call tablet").kind == Space.Kind.TABLET


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"opens_at": "19:00", "closes_at": "10:00"},
            "closes_at",
            "The closing time must be after the opening time.",
        ),
        (
            {"opens_at": "10:00", "closes_at": "10:00"},
            "closes_at",
            "The closing time must be after the opening time.",
        ),
        ({"opens_at": "ten"}, "opens_at", "Enter a time like 10:00."),
        ({"buffer_minutes": "500"}, "buffer_minutes", "Enter a number of minutes from 0 to 240"),
        ({"buffer_minutes": "-5"}, "buffer_minutes", "Enter a number of minutes from 0 to 240 (four hours)."),
        ({"buffer_minutes": "a while"}, "buffer_minutes", "Enter a number of minutes, for example 15."),
    ],
)
def test_bad_hours_or_buffer_save_nothing_and_say_why(world, manager_client, fields, field, message):
    before = list(Space.objects.values())
    response = manager_client.post(add_url(world), space_data(**fields))
    assert response.status_code == 200
    assert field_error(response, field).startswith(message)
    assert list(Space.objects.values()) == before


def test_buffer_may_be_none_or_four_hours(world, manager_client):
    assert manager_client.post(add_url(world), space_data(name="Snug", buffer_minutes="0")).status_code == 302
    assert (
        manager_client.post(add_url(world), space_data(name="Hall", buffer_minutes="240")).status_code == 302
    )


def test_the_service_checks_hours_and_buffer_too(world):
    import datetime

    from carehome.errors import DomainError
    from homes.services import space_save

    base = {"name": "Snug", "kind": Space.Kind.LOUNGE, "capacity": 4}
    with pytest.raises(DomainError, match="closing time must be after"):
        space_save(
            home=world.home,
            actor=world.manager.user,
            opens_at=datetime.time(12),
            closes_at=datetime.time(11),
            **base,
        )
    with pytest.raises(DomainError, match="from 0 to 240"):
        space_save(home=world.home, actor=world.manager.user, buffer_minutes=241, **base)
    assert not Space.objects.filter(name="Snug").exists()


def test_empty_hours_keep_the_usual_ones(world, manager_client):
    response = manager_client.post(
        add_url(world), space_data(name="Snug", opens_at="", closes_at="", buffer_minutes="")
    )
    assert response.status_code == 302
    snug = Space.objects.get(home=world.home, name="Snug")
    assert (str(snug.opens_at), str(snug.closes_at), snug.buffer_minutes) == ("09:00:00", "20:00:00", 15)


# --- Two-step verification on the People page ---------------------------------------------


def two_step_column(response):
    """{name: what the Two-step verification cell of that person's row says} on the People page."""
    page = response.content.decode()
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page[page.index('id="members-title"') :], re.S):
        name = re.search(r"<td>(.*?)</td>", row, re.S)
        cell = re.search(r'<td data-label="Two-step verification">(.*?)</td>', row, re.S)
        if name:
            found[text_of(name.group(1))] = text_of(cell.group(1)) if cell else None
    return found


def test_a_manager_sees_who_has_two_step_verification_on_and_resets_it_from_the_persons_page(
    world, manager_client
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=world.staff.user, name="Authenticator app", confirmed=True)
    # Linda opened the set-up page (an app not yet confirmed): not on.
    TOTPDevice.objects.create(user=world.relative.user, name="Authenticator app", confirmed=False)
    admin = MembershipFactory(home=world.home, role=Role.ORG_ADMIN, user__full_name="Olu Admin")
    TOTPDevice.objects.create(user=world.outsider.user, name="Authenticator app", confirmed=True)

    response = manager_client.get(reverse("homes:members", args=[world.home.slug]))
    status = two_step_column(response)
    assert status["Aisha Bello"] == "On"
    assert status["Linda Baxter"] == "Not set up"
    assert status["Olu Admin"] == "Required, not set up"
    # Ruth signed in as a manager without it: she has until her due date.
    world.manager.user.refresh_from_db()
    assert status["Ruth Adeyemi"] == f"Required, not set up Due by {world.manager.user.two_step_due:%-d %b}"
    assert "Iain Outsider" not in status
    # In words, not colour alone, and headed (each card on a phone is labelled by data-label).
    page = response.content.decode()
    assert '<th scope="col">Two-step verification</th>' in page
    assert None not in status.values() and len(status) == 7
    assert admin.user.full_name in main_text(response)

    # The reset stays on the person's own page, never on the list.
    reset = reverse("homes:membership_two_step_reset", args=[world.home.slug, world.staff.pk])
    assert "/two-step/reset/" not in page
    person = manager_client.get(edit_url(world, world.staff))
    assert f'action="{reset}"' in person.content.decode()
    assert "Reset two-step verification" in main_text(person)
    assert f'href="{edit_url(world, world.staff)}"' in page


def test_only_those_who_manage_the_people_see_who_has_two_step_verification(world, client_for):
    response = client_for(world.staff).get(reverse("homes:members", args=[world.home.slug]))
    assert response.status_code == 200
    assert "Ruth Adeyemi" in main_text(response)
    assert "Two-step" not in main_text(response) and "two-step" not in response.content.decode()
