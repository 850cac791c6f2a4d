"""A member of staff logs a group activity for several residents, with a
different response for each, reads one resident's timeline, then the worklist:
"Who needs connection now". On a tablet, and once on a phone."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from residents.models import Connection, ConnectionParticipant, PersonWhoMatters, Response
from residents.tests.factories import (
    ConnectionFactory,
    ConnectionParticipantFactory,
    PersonWhoMattersFactory,
    ResidentFactory,
)
from tests.e2e.conftest import PHONE

TABLET = {"width": 1024, "height": 768}


def earlier(resident, *, days_ago, **connection):
    when = timezone.now() - timedelta(days=days_ago)
    logged = ConnectionFactory(home=resident.home, occurred_at=when, **connection)
    ConnectionParticipantFactory(resident=resident, connection=logged, occurred_at=when)
    return logged


@pytest.fixture
def home_today(world):
    """Rowan House with a few more residents, Peggy's daughter who would like
    weekly calls (last one 12 days ago), and Edna, who has been quiet."""
    w = world
    stan = ResidentFactory(home=w.home, full_name="Stanley Walker", preferred_name="Stan", room="14")
    iris = ResidentFactory(home=w.home, full_name="Iris Okafor", room="3")
    edna = ResidentFactory(home=w.home, full_name="Edna Fletcher", room="21")
    jane = PersonWhoMattersFactory(
        resident=w.resident,
        name="Jane Baxter",
        relationship="daughter",
        by_phone=True,
        contact_every_days=PersonWhoMatters.Frequency.WEEKLY,
    )
    PersonWhoMatters.objects.filter(pk=jane.pk).update(created_at=timezone.now() - timedelta(days=60))
    earlier(w.resident, days_ago=12, with_whom="person", person=jane, mode="phone", with_name="")
    earlier(edna, days_ago=9, with_name="Chair exercise")
    return {"stan": stan, "iris": iris, "edna": edna, "jane": jane}


@pytest.mark.parametrize("viewport", [TABLET, PHONE], ids=["tablet", "phone"])
def test_staff_log_a_group_activity_and_read_the_worklist(journey, world, home_today, viewport):
    page = journey.page
    main = page.get_by_role("main")
    journey.sign_in(world.staff)

    # The main menu → Log a connection → step 1: who took part.
    journey.open_menu_if_collapsed()
    journey.click(
        journey.main_nav().get_by_role("link", name="Log a connection", exact=True), "who took part"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a connection")
    expect(main).to_contain_text("Step 1 of 2")
    expect(main).not_to_contain_text("Doris Foreign")
    for name in ["Margaret Baxter (Peggy)", "Arthur Hughes", "Stanley Walker (Stan)", "Iris Okafor"]:
        page.get_by_label(re.compile("^" + re.escape(name))).check()
    expect(main).to_contain_text("4 people chosen")
    journey.click(page.get_by_role("button", name="Next: what happened"), "what happened")

    # Step 2: a group activity is already chosen for several people.
    expect(main).to_contain_text("Step 2 of 2")
    expect(main).to_contain_text("Who took part (4 people)")
    expect(page.get_by_role("radio", name="A group activity in the home")).to_be_checked()
    expect(page.get_by_role("radio", name="Group activity", exact=True)).to_be_checked()
    # Only the question that fits "a group activity" shows.
    expect(page.get_by_label("Which member of staff?")).to_be_hidden()
    name_field = page.get_by_label("Name of the activity, group or volunteer")
    expect(name_field).to_be_visible()

    def how_it_went(resident_name):
        return page.get_by_role("group", name=f"How it went for {resident_name}")

    for resident_name in ["Margaret Baxter (Peggy)", "Arthur Hughes", "Stanley Walker (Stan)", "Iris Okafor"]:
        expect(how_it_went(resident_name).get_by_role("radio", name="Joined in actively")).to_be_checked()
    how_it_went("Arthur Hughes").get_by_text("Declined", exact=True).click()
    how_it_went("Stanley Walker (Stan)").get_by_text("Joined in passively", exact=True).click()
    how_it_went("Iris Okafor").get_by_text("Disengaged", exact=True).click()
    page.get_by_text("Add a note about Arthur").click()
    page.get_by_label("A note about Arthur (optional)").fill("Wanted to rest after lunch.")

    # Forgetting the activity's name is explained next to the field; nothing is saved.
    journey.submit(page.get_by_role("button", name="Save the connection"), "name missing")
    error = page.locator("#id_with_name_error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Enter the name of the activity")
    expect(name_field).to_have_attribute("aria-invalid", "true")
    expect(name_field).to_have_accessible_description(re.compile("Enter the name of the activity"))
    expect(name_field).to_be_focused()
    assert Connection.objects.filter(with_name="Singing group").count() == 0
    # What was chosen is kept.
    expect(how_it_went("Arthur Hughes").get_by_role("radio", name="Declined")).to_be_checked()

    name_field.fill("Singing group")
    page.get_by_label("Anything else to remember (optional)").fill("Old favourites: lots of smiles.")
    journey.submit(page.get_by_role("button", name="Save the connection"), "saved")

    expect(page.get_by_role("status")).to_contain_text("Saved: a connection logged for 4 people.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Singing group")
    arthur_row = page.get_by_role("row").filter(has_text="Arthur Hughes")
    expect(arthur_row).to_contain_text("Declined")
    expect(arthur_row).to_contain_text("Wanted to rest after lunch.")
    expect(main.get_by_role("link", name="Log another connection")).to_be_visible()
    logged = Connection.objects.get(with_name="Singing group")
    assert dict(
        ConnectionParticipant.objects.filter(connection=logged).values_list("resident__full_name", "response")
    ) == {
        "Margaret Baxter": Response.ACTIVE,
        "Arthur Hughes": Response.DECLINED,
        "Stanley Walker": Response.PASSIVE,
        "Iris Okafor": Response.DISENGAGED,
    }

    # One resident's timeline shows the entry with their response.
    journey.click(arthur_row.get_by_role("link", name="Arthur Hughes"), "arthur's timeline")
    expect(page.get_by_role("heading", level=1)).to_have_text("Arthur Hughes")
    expect(page.get_by_role("link", name="Connections", exact=True)).to_have_attribute("aria-current", "page")
    first = page.locator(".timeline-entry").first
    expect(first).to_contain_text("Singing group")
    expect(first).to_contain_text("with 3 other residents")
    expect(first).to_contain_text("Declined")
    expect(first).to_contain_text("About Arthur: Wanted to rest after lunch.")
    expect(first).to_contain_text(f"Logged by {world.staff.user.full_name}")
    expect(main.get_by_role("link", name="Log a connection for Arthur")).to_be_visible()

    # The worklist: Edna has been quiet; Peggy's daughter is overdue a call.
    journey.open_menu_if_collapsed()
    journey.click(journey.main_nav().get_by_role("link", name="Who needs connection", exact=True), "worklist")
    expect(page.get_by_role("heading", level=1)).to_have_text("Who needs connection now")
    quiet = page.get_by_role("region", name="No meaningful connection in the last 7 days")
    expect(quiet).to_contain_text("Edna Fletcher")
    expect(quiet).to_contain_text("(9 days ago)")
    # Arthur declined today's singing, which is not a meaningful connection; Stan and Peggy joined in.
    expect(quiet).to_contain_text("Arthur Hughes")
    expect(quiet).not_to_contain_text("Stanley Walker")
    expect(quiet).not_to_contain_text("Margaret Baxter")
    overdue = page.get_by_role("region", name="Contact overdue")
    expect(overdue).to_contain_text(
        "Peggy would like weekly calls with Jane Baxter (daughter) — last contact 12 days ago."
    )

    # "Log a connection" from the worklist: Peggy and Jane, ready to go.
    journey.click(
        overdue.get_by_role("link", name="Log a connection for Margaret Baxter (Peggy) with Jane Baxter"),
        "log the call",
    )
    expect(main).to_contain_text("Who took part Margaret Baxter (Peggy)")
    expect(page.get_by_role("radio", name="Someone who matters to them")).to_be_checked()
    expect(page.get_by_role("radio", name="Jane Baxter (daughter)")).to_be_checked()
    expect(page.get_by_role("radio", name="Phone")).to_be_checked()
    journey.submit(page.get_by_role("button", name="Save the connection"), "call saved")
    expect(page.get_by_role("status")).to_contain_text("Saved: a connection logged for Peggy.")

    journey.open_menu_if_collapsed()
    journey.click(
        journey.main_nav().get_by_role("link", name="Who needs connection", exact=True), "worklist again"
    )
    expect(page.get_by_role("region", name="Contact overdue")).to_contain_text("No one’s contact is overdue.")


def test_a_long_list_of_residents_can_be_narrowed_down(journey, world):
    page = journey.page
    main = page.get_by_role("main")
    for n, name in enumerate(
        [
            "Doreen Price",
            "Walter Lloyd",
            "Vera Shaw",
            "Norman Reid",
            "Sheila Morgan",
            "Bernard Doyle",
            "Eileen Harper",
            "Kenneth Fraser",
            "Pauline Evans",
            "Frank Stewart",
            "Audrey Clarke",
            "Eric Jenkins",
        ]
    ):
        ResidentFactory(
            home=world.home, full_name=name, room=str(30 + n), unit="Garden wing" if n % 2 else ""
        )
    journey.sign_in(world.staff)
    journey.visit(f"/h/{world.home.slug}/residents/connections/add/", "a long list")

    find = page.get_by_label("Find by name or room")
    expect(find).to_be_visible()
    page.get_by_label(re.compile("^Arthur Hughes")).check()
    find.fill("vera")
    expect(page.get_by_label(re.compile("^Vera Shaw"))).to_be_visible()
    expect(page.get_by_label(re.compile("^Walter Lloyd"))).to_be_hidden()
    # Someone already ticked stays in view.
    expect(page.get_by_label(re.compile("^Arthur Hughes"))).to_be_visible()
    expect(main).to_contain_text("2 shown")
    page.get_by_label(re.compile("^Vera Shaw")).check()
    find.press("Enter")  # does not send the form half-done
    expect(main).to_contain_text("Step 1 of 2")
    find.fill("")
    expect(page.get_by_label(re.compile("^Walter Lloyd"))).to_be_visible()
    expect(main).to_contain_text("2 people chosen")
    journey.screenshot("two chosen")
    journey.check_accessibility("two chosen")
    journey.click(page.get_by_role("button", name="Next: what happened"), "details for two")
    expect(main).to_contain_text("Who took part (2 people) Arthur Hughes, Vera Shaw")


def test_a_long_timeline_is_paged(journey, world):
    page = journey.page
    for n in range(45):
        earlier(world.resident, days_ago=n + 1, with_name=f"Activity {n + 1:02d}")
    journey.sign_in(world.staff)
    journey.visit(f"/h/{world.home.slug}/residents/{world.resident.pk}/timeline/", "timeline page 1")
    expect(page.get_by_role("main")).to_contain_text("45 connections recorded; showing 1 to 20.")
    pages = page.get_by_role("navigation", name="Pages of connections")
    journey.click(pages.get_by_role("link", name="Older connections"), "timeline page 2")
    expect(page.get_by_role("main")).to_contain_text("showing 21 to 40")
    expect(pages.get_by_role("link", name="Page 2")).to_have_attribute("aria-current", "page")
    journey.click(pages.get_by_role("link", name="Page 3"), "timeline page 3")
    expect(page.locator(".timeline-entry")).to_have_count(5)
