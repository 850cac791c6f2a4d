"""The co-ordinator's recruitment pages: the board, adding a volunteer, their
page, and changing their details, status, identity check and interview,
weekly times and portal invitation."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from homes.models import Invitation, Nation, Role
from tests.html import field_error, main_text, text_of
from volunteers.models import Availability, StatusChange, Volunteer
from volunteers.tests.factories import (
    AssignmentFactory,
    DriverFactory,
    MembershipFactory,
    ReferenceFactory,
    ShiftFactory,
    TrainingRecordFactory,
    VolunteerFactory,
    VolunteerRoleFactory,
    cleared_volunteer,
    module,
)

pytestmark = pytest.mark.django_db
S = Volunteer.Status


def url(name, world, *args):
    return reverse(f"volunteers:{name}", args=[world.home.slug, *args])


@pytest.fixture
def manager(world, client_for):
    return client_for(world.manager)


def board_section(response, status):
    found = re.search(rf'aria-labelledby="board-{status}">(.*?)</section>', response.content.decode(), re.S)
    return text_of(found.group(1)) if found else None


def count_queries(client, address):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- The board ------------------------------------------------------------------------------------


def test_the_board_shows_everyone_by_status_with_what_stops_them(world, manager):
    role = VolunteerRoleFactory(home=world.home, name="Befriender")
    waiting = VolunteerFactory(home=world.home, full_name="Ann Smith", roles=[role], status=S.REFERENCES)
    ReferenceFactory(volunteer=waiting, received_on=timezone.localdate(), satisfactory=True)
    ReferenceFactory(
        volunteer=waiting, name="Tom Reid", requested_on=timezone.localdate() - timedelta(days=3)
    )
    ready = cleared_volunteer(world.home, role=role, full_name="Bob Marsh")
    stopped = cleared_volunteer(world.home, role=role, full_name="Cath Lowe")
    stopped.checks.update(valid_until=timezone.localdate() - timedelta(days=1))
    VolunteerFactory(home=world.home, full_name="Dot Gone", status=S.LEFT, left_reason="Moved away")
    VolunteerFactory(home=world.other_home, full_name="Elsewhere Person")
    assert ready.is_active

    response = manager.get(url("board", world))
    assert response.status_code == 200
    text = main_text(response)
    references = board_section(response, "references")
    assert references.startswith("References (1)")
    assert "Ann Smith Befriender References since" in references
    assert "Waiting for the second reference (Tom Reid, asked " in references
    active = board_section(response, "active")
    assert "Bob Marsh Befriender" in active and "Everything in date." in active
    assert "Cath Lowe" in active and "Stopped Cannot volunteer until this is sorted:" in active
    assert "DBS check was due for renewal on" in active
    assert board_section(response, "applied").startswith("Applied (0)")
    assert board_section(response, "left") is None
    assert "Dot Gone" not in text and "Elsewhere Person" not in text
    assert "1 person has left" in text
    assert reverse("volunteer_with_us:apply", args=["rowan"]) in text  # the page to share
    assert 'href="' + url("volunteer_add", world) in response.content.decode()


def test_the_board_filters_by_status_and_by_what_is_missing(world, manager):
    role = VolunteerRoleFactory(home=world.home)
    cleared_volunteer(world.home, role=role, full_name="Bob Marsh")
    VolunteerFactory(home=world.home, full_name="Ann Smith", roles=[role])
    VolunteerFactory(home=world.home, full_name="Dot Gone", status=S.LEFT, left_reason="Moved away")
    left = manager.get(url("board", world) + "?status=left")
    assert "Dot Gone" in board_section(left, "left") and "Moved away" in board_section(left, "left")
    assert board_section(left, "active") is None
    blocked = main_text(manager.get(url("board", world) + "?blocked=1"))
    assert "Ann Smith" in blocked and "Bob Marsh" not in blocked
    nonsense = manager.get(url("board", world) + "?status=nonsense&blocked=yes")
    assert "Bob Marsh" in main_text(nonsense)


def test_the_board_costs_the_same_queries_for_3_or_30_volunteers(world, manager):
    def make(n):
        role = VolunteerRoleFactory(home=world.home)
        role.training.add(module("safeguarding-adults"))
        for _ in range(n):
            volunteer = cleared_volunteer(world.home, role=role)
            ReferenceFactory(volunteer=volunteer)

    make(3)
    few = count_queries(manager, url("board", world))
    make(27)
    assert count_queries(manager, url("board", world)) == few


@pytest.mark.parametrize("role", ["staff", "volunteer", "family"])
def test_only_coordinators_see_the_board_and_recruitment_pages(world, client_for, role):
    volunteer = VolunteerFactory(home=world.home)
    client = client_for(world.member(role))
    for name, args in [("board", []), ("volunteer_add", []), ("volunteer_detail", [volunteer.pk])]:
        assert client.get(url(name, world, *args)).status_code == 403
    assert client.post(url("volunteer_status", world, volunteer.pk), {"status": "active"}).status_code == 403


def test_another_homes_user_and_records_are_404(world, client_for, manager):
    ours = VolunteerFactory(home=world.home)
    theirs = VolunteerFactory(home=world.other_home)
    assert client_for(world.outsider).get(url("volunteer_detail", world, ours.pk)).status_code == 404
    for name in ("volunteer_detail", "volunteer_edit", "volunteer_status", "volunteer_screening"):
        assert manager.get(url(name, world, theirs.pk)).status_code == 404
    assert manager.post(url("volunteer_invite", world, theirs.pk)).status_code == 404


def test_the_volunteers_entry_is_the_board_for_coordinators_and_the_rota_for_staff(
    world, client_for, manager
):
    VolunteerFactory(home=world.home, full_name="Ann Smith")
    assert "Ann Smith" in main_text(manager.get(url("home", world)))
    staff = client_for(world.staff).get(url("home", world))
    assert staff.status_code == 200
    assert "Ann Smith" not in main_text(staff)
    assert client_for(world.relative).get(url("home", world)).status_code == 403


# --- Adding a volunteer ---------------------------------------------------------------------------


def token_of(response):
    found = re.search(r'name="form_token" value="([^"]+)"', response.content.decode())
    return found.group(1) if found else ""


def add_data(**fields):
    data = {
        "full_name": "Bob Marsh",
        "phone": "07700 900321",
        "email": "bob@example.org",
        "status": "applied",
        "day_1": "4",
        "from_1": "10:00",
        "until_1": "12:00",
    }
    data.update(fields)
    return data


def test_adding_a_volunteer_opens_their_page(world, manager):
    role = VolunteerRoleFactory(home=world.home, name="Tea trolley")
    token = token_of(manager.get(url("volunteer_add", world)))
    response = manager.post(
        url("volunteer_add", world),
        add_data(
            roles=[role.pk],
            status="checks",
            form_token=token,
            referee1_name="Tom Reid",
            referee1_relationship="Old boss",
            referee1_phone="01632 960001",
        ),
    )
    volunteer = Volunteer.objects.get()
    assert response.status_code == 302 and response.url == url("volunteer_detail", world, volunteer.pk)
    assert (volunteer.status, volunteer.source) == ("checks", "staff")
    assert volunteer.references.get().name == "Tom Reid"
    page = main_text(manager.get(response.url))
    assert "Bob Marsh was added." in page and "Tea trolley" in page and "Friday 10:00 to 12:00" in page


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"full_name": "   "}, "full_name", "Enter the person's full name"),
        ({"email": "bob@@example"}, "email", "Enter an email address like name@example.com."),
        ({"until_1": "09:00"}, "until_1", "The “until” time must be after the “from” time."),
        ({"status": "active"}, "status", "Choose where they are now"),
        ({"referee1_name": "Tom Reid"}, "referee1_relationship", "Say how they know the volunteer"),
        ({"email": "ann@example.org"}, "email", "Ann Smith already has this email address here"),
    ],
)
def test_adding_with_bad_input_saves_nothing_and_says_why_next_to_the_field(
    world, manager, fields, field, words
):
    VolunteerFactory(home=world.home, full_name="Ann Smith", email="ann@example.org")
    response = manager.post(url("volunteer_add", world), add_data(**fields))
    assert response.status_code == 200
    assert words in field_error(response, field)
    assert words in main_text(response)  # and in the summary at the top, linking to the box
    assert Volunteer.objects.count() == 1


# --- A volunteer's page ---------------------------------------------------------------------------


def test_a_volunteers_page_shows_who_they_are_what_is_missing_and_links_to_each_area(world, manager):
    role = VolunteerRoleFactory(home=world.home, name="Befriender")
    volunteer = VolunteerFactory(
        home=world.home, full_name="Ann Smith", preferred_name="Annie", roles=[role], contact=world.staff
    )
    reference = ReferenceFactory(volunteer=volunteer, name="Tom Reid")
    record = TrainingRecordFactory(volunteer=volunteer)
    response = manager.get(url("volunteer_detail", world, volunteer.pk))
    text = main_text(response)
    page = response.content.decode()
    assert "Ann Smith (Annie)" in text and "Status: Applied since" in text
    start = re.search(r'aria-labelledby="start-title">(.*?)</section>', page, re.S).group(1)
    assert "Identity not checked" in text_of(start) and "Waiting for the first reference" in text_of(start)
    assert "Not active: applied" in text  # before they can visit residents
    assert "Their contact in the home Aisha Bello" in text
    for address in (
        url("volunteer_edit", world, volunteer.pk),
        url("volunteer_status", world, volunteer.pk),
        url("volunteer_screening", world, volunteer.pk),
        url("volunteer_availability", world, volunteer.pk),
        url("check_add", world, volunteer.pk),
        url("reference_add", world, volunteer.pk),
        url("reference_edit", world, volunteer.pk, reference.pk),
        url("training_edit", world, record.pk),
        url("training_add", world) + f"?volunteer={volunteer.pk}",
        url("match_volunteer", world, volunteer.pk),
        url("driver_add", world) + f"?volunteer={volunteer.pk}",
        url("volunteer_invite", world, volunteer.pk),
    ):
        assert f'"{address}' in page, address
    assert "Invite them by email" in text


def test_a_cleared_volunteers_page_shows_their_visits_shifts_and_driving(world, manager):
    volunteer = cleared_volunteer(world.home, full_name="Bob Marsh")
    assignment = AssignmentFactory(volunteer=volunteer, resident=world.resident, role=volunteer.roles.get())
    shift = ShiftFactory(volunteer=volunteer, title="Tea trolley")
    driver = DriverFactory(volunteer=volunteer)
    response = manager.get(url("volunteer_detail", world, volunteer.pk))
    text = main_text(response)
    page = response.content.decode()
    assert "Nothing: everything their roles need is done and in date." in text
    assert "Nothing missing: they can spend time with residents in their role “Befriender”." in text
    assert url("assignment_detail", world, assignment.pk) in page and "Margaret Baxter" in text
    assert url("shift_detail", world, shift.pk) in page and "Tea trolley" in text
    assert url("driver_edit", world, driver.pk) in page


def test_a_volunteers_page_costs_the_same_queries_however_much_they_have(world, manager):
    volunteer = cleared_volunteer(world.home)

    def more(n):
        for _ in range(n):
            ReferenceFactory(volunteer=volunteer)
            TrainingRecordFactory(volunteer=volunteer)
            StatusChange.objects.create(home=world.home, volunteer=volunteer, to_status="active")
            ShiftFactory(volunteer=volunteer)
            AssignmentFactory(volunteer=volunteer, role=volunteer.roles.get())

    more(3)
    few = count_queries(manager, url("volunteer_detail", world, volunteer.pk))
    more(27)
    assert count_queries(manager, url("volunteer_detail", world, volunteer.pk)) == few


# --- Changing details -----------------------------------------------------------------------------------


def test_the_contact_list_puts_staff_trained_in_volunteer_management_first(world, manager):
    volunteer = VolunteerFactory(home=world.home)
    TrainingRecordFactory(volunteer=None, member=world.champion, module=module("volunteer-management"))
    old = MembershipFactory(home=world.home, role=Role.STAFF, user__full_name="Zed Lapsed")
    TrainingRecordFactory(
        volunteer=None,
        member=old,
        module=module("volunteer-management"),
        completed_on=timezone.localdate() - timedelta(days=1200),
        expires_on=timezone.localdate() - timedelta(days=100),
    )
    page = manager.get(url("volunteer_edit", world, volunteer.pk)).content.decode()
    select = re.search(r'<select name="contact".*?</select>', page, re.S).group(0)
    options = [text_of(o) for o in re.findall(r"<option[^>]*>(.*?)</option>", select, re.S)]
    assert options[0] == "Nobody yet"
    assert options[1] == f"{world.champion.user.full_name} (trained in volunteer management)"
    assert "Zed Lapsed" in options and "Aisha Bello" in options and "Ruth Adeyemi" in options
    assert world.relative.user.full_name not in options
    assert "Staff trained in volunteer management are listed first." in page


def test_with_nobody_trained_every_member_of_staff_is_offered_with_a_note(world, manager):
    volunteer = VolunteerFactory(home=world.home)
    page = main_text(manager.get(url("volunteer_edit", world, volunteer.pk)))
    assert "Nobody here has in-date volunteer-management training recorded yet" in page


def edit_data(volunteer, **fields):
    data = {
        "full_name": volunteer.full_name,
        "email": volunteer.email,
        "phone": volunteer.phone,
        "version": volunteer.version,
    }
    data.update(fields)
    return data


def test_changing_details_saves_them_and_shows_someone_elses_newer_change(world, client_for, manager):
    volunteer = VolunteerFactory(home=world.home, full_name="Bob Marsh")
    champion = client_for(world.champion)
    opened = edit_data(volunteer)
    done = manager.post(url("volunteer_edit", world, volunteer.pk), {**opened, "contact": world.staff.pk})
    assert done.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.contact == world.staff
    late = champion.post(url("volunteer_edit", world, volunteer.pk), {**opened, "full_name": "Robert Marsh"})
    assert late.status_code == 200
    assert "saved a change to this" in main_text(late)
    assert 'id="edit-conflict"' in late.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.full_name == "Bob Marsh"


def test_a_bad_contact_is_refused_next_to_the_field(world, manager):
    volunteer = VolunteerFactory(home=world.home)
    response = manager.post(
        url("volunteer_edit", world, volunteer.pk), edit_data(volunteer, contact=world.relative.pk)
    )
    assert "Choose a member of staff from the list." in field_error(response, "contact")


# --- Status ---------------------------------------------------------------------------------------------


def test_moving_to_active_too_soon_lists_what_is_missing_next_to_the_choice(world, manager):
    volunteer = VolunteerFactory(
        home=world.home, full_name="Ann Smith", roles=[VolunteerRoleFactory(home=world.home)]
    )
    page = main_text(manager.get(url("volunteer_status", world, volunteer.pk)))
    assert "Before they can be active" in page and "Identity not checked" in page
    response = manager.post(url("volunteer_status", world, volunteer.pk), {"status": "active"})
    message = field_error(response, "status")
    assert message.startswith("Ann Smith cannot start yet. Still missing: Identity not checked;")
    volunteer.refresh_from_db()
    assert volunteer.status == S.APPLIED


def test_pausing_needs_a_reason_and_is_recorded_with_who(world, manager):
    volunteer = cleared_volunteer(world.home)
    response = manager.post(url("volunteer_status", world, volunteer.pk), {"status": "paused", "reason": ""})
    assert "Say why, in a few words." in field_error(response, "reason")
    response = manager.post(
        url("volunteer_status", world, volunteer.pk), {"status": "paused", "reason": "Caring for her mum"}
    )
    assert response.status_code == 302
    change = StatusChange.objects.get(volunteer=volunteer)
    assert (change.to_status, change.changed_by, change.reason) == (
        "paused",
        world.manager.user,
        "Caring for her mum",
    )
    history = main_text(manager.get(response.url))
    assert "Paused Ruth Adeyemi Caring for her mum" in history


def test_leaving_in_scotland_reminds_to_tell_disclosure_scotland(world, manager):
    world.home.nation = Nation.SCOTLAND
    world.home.save()
    volunteer = cleared_volunteer(world.home, full_name="Morag Bell")
    assert volunteer.checks.get().scheme == "pvg"
    response = manager.post(
        url("volunteer_status", world, volunteer.pk),
        {"status": "left", "reason": "Moved to Aberdeen"},
        follow=True,
    )
    text = main_text(response)
    assert "Morag Bell is now “left”." in text
    assert "tell Disclosure Scotland that they have stopped doing regulated work here" in text
    volunteer.refresh_from_db()
    assert volunteer.left_reason == "Moved to Aberdeen"


def test_leaving_in_england_has_no_pvg_reminder(world, manager):
    volunteer = cleared_volunteer(world.home)
    response = manager.post(
        url("volunteer_status", world, volunteer.pk), {"status": "left", "reason": "Moved"}, follow=True
    )
    assert "Disclosure Scotland" not in main_text(response)


# --- Identity check and interview -----------------------------------------------------------------------


def test_the_identity_check_is_saved_with_who_did_it(world, manager):
    volunteer = VolunteerFactory(home=world.home)
    day = timezone.localdate() - timedelta(days=2)
    response = manager.post(
        url("volunteer_screening", world, volunteer.pk),
        {
            "identity_checked_on": day.isoformat(),
            "identity_documents": "Passport",
            "version": volunteer.version,
        },
        follow=True,
    )
    assert "Passport" in main_text(response) and "by Ruth Adeyemi" in main_text(response)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ((timezone.localdate() + timedelta(days=1)).isoformat(), "That date is in the future."),
        ("1999-12-31", "Check the year: enter a date from 2000 onwards."),
        ("9999-12-31", "That date is in the future."),
        ("31/02/2026", "Enter a real date"),
    ],
)
def test_an_impossible_identity_date_is_refused_next_to_it(world, manager, value, words):
    volunteer = VolunteerFactory(home=world.home)
    response = manager.post(
        url("volunteer_screening", world, volunteer.pk),
        {"identity_checked_on": value, "identity_documents": "Passport", "version": volunteer.version},
    )
    assert words in field_error(response, "identity_checked_on")
    volunteer.refresh_from_db()
    assert volunteer.identity_checked_on is None


# --- Weekly times ---------------------------------------------------------------------------------------


def test_weekly_times_are_replaced_and_a_bad_row_saves_nothing(world, manager):
    volunteer = VolunteerFactory(home=world.home)
    address = url("volunteer_availability", world, volunteer.pk)
    good = {"version": volunteer.version, "day_1": "0", "from_1": "10:00", "until_1": "12:00"}
    bad = {**good, "day_2": "2", "from_2": "15:00", "until_2": "14:00", "day_3": "", "from_3": "09:00"}
    response = manager.post(address, bad)
    assert "The “until” time must be after the “from” time." in field_error(response, "until_2")
    assert "Choose the day for this time." in field_error(response, "day_3")
    assert not Availability.objects.exists()
    assert manager.post(address, good).status_code == 302
    assert [str(a) for a in Availability.objects.filter(volunteer=volunteer)] == ["Monday 10:00–12:00"]
    page = manager.get(address).content.decode()
    assert 'name="until_1" value="12:00"' in page


# --- The portal invitation ------------------------------------------------------------------------------


def test_inviting_a_volunteer_to_the_portal(world, manager):
    volunteer = VolunteerFactory(home=world.home, email="bob@example.org")
    assert manager.get(url("volunteer_invite", world, volunteer.pk)).status_code == 405
    response = manager.post(url("volunteer_invite", world, volunteer.pk), follow=True)
    invitation = Invitation.objects.get(home=world.home)
    assert invitation.role == Role.VOLUNTEER
    text = main_text(response)
    assert "An invitation was emailed to bob@example.org." in text
    assert "waiting for them to accept it" in text and "Send the invitation again" in text


def test_inviting_someone_without_an_email_says_what_to_do(world, manager):
    volunteer = VolunteerFactory(home=world.home, email="")
    response = manager.post(url("volunteer_invite", world, volunteer.pk), follow=True)
    assert "Add their email address first" in main_text(response)
    assert not Invitation.objects.exists()
