"""An activity co-ordinator records a co-production session with three
residents, adds the ideas that came up with their interest tags, moves one to
planned, gives a reason for one not taken forward, and reads the ideas board."""

import importlib
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from homes.models import Interest
from residents.models import CoproductionSession, Idea
from residents.tests.factories import ResidentFactory
from tests.e2e.conftest import DESKTOP, PHONE


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_coordinator_records_a_session_and_moves_ideas_on(journey, world, viewport):
    page = journey.page
    # The shared interests come from a data migration that an earlier browser
    # test's database flush may have removed.
    taxonomy = importlib.import_module("homes.migrations.0003_interest_taxonomy").INTERESTS
    Interest.objects.bulk_create(
        [Interest(name=name, category=category) for category, names in taxonomy.items() for name in names],
        ignore_conflicts=True,
    )
    champion = world.champion
    champion.job_title = "Activity co-ordinator"
    champion.save()
    ResidentFactory(home=world.home, full_name="Dorothy Evans", preferred_name="Dot", room="7")
    ResidentFactory(home=world.other_home, full_name="Iris Elsewhere")
    held_on = timezone.localdate() - timedelta(days=2)

    journey.sign_in(champion)
    journey.open_menu_if_collapsed()
    journey.click(journey.main_nav().get_by_role("link", name="Co-production"), "co-production, empty")
    expect(page.get_by_role("heading", level=1)).to_have_text("Co-production")
    expect(page.get_by_role("main")).to_contain_text("planning activities with residents, not for them")
    expect(page.get_by_role("main")).to_contain_text("No sessions recorded yet")

    # Record the session; a date in the future is explained first.
    journey.click(page.get_by_role("link", name="Record a session"), "record a session")
    expect(page.get_by_role("group", name="Residents who took part")).not_to_contain_text("Iris Elsewhere")
    page.get_by_label("Date of the session").fill((timezone.localdate() + timedelta(days=3)).isoformat())
    page.get_by_role("radio", name=re.compile(r"^Reminiscence")).check()
    page.get_by_label("Title").fill("Memories of the seaside")
    for name in ["Margaret Baxter (Peggy)", "Arthur Hughes", "Dorothy Evans (Dot)"]:
        page.get_by_role("checkbox", name=re.compile("^" + re.escape(name))).check()
    page.get_by_label("Others who took part (optional)").fill("Beryl (volunteer)")
    page.get_by_label("Notes (optional)").fill("Postcards and a stick of rock got everyone talking.")
    journey.submit(page.get_by_role("button", name="Record the session"), "session form with an error")
    date_field = page.get_by_label("Date of the session")
    expect(date_field).to_have_attribute("aria-invalid", "true")
    expect(date_field).to_have_accessible_description(re.compile("That date is in the future"))
    expect(date_field).to_be_focused()
    expect(page.get_by_role("checkbox", name=re.compile("^Arthur Hughes"))).to_be_checked()
    assert not CoproductionSession.objects.exists()

    date_field.fill(held_on.isoformat())
    journey.submit(page.get_by_role("button", name="Record the session"), "session recorded")
    session = CoproductionSession.objects.get(home=world.home)
    expect(page).to_have_url(journey.url(f"/h/rowan/residents/coproduction/{session.pk}/"))
    expect(page.get_by_role("status")).to_contain_text("Now add the ideas that came up")
    people = page.get_by_role("region", name=re.compile("Residents who took part"))
    expect(people.get_by_role("listitem")).to_have_count(3)
    assert session.facilitator == champion.user
    assert session.participants.count() == 3

    # Two ideas, with interest tags.
    add = page.get_by_role("region", name="Add an idea")
    add.get_by_label("The idea").fill("A trip to the garden centre")
    add.get_by_label("Whose idea was it? (optional)").select_option(label="Margaret Baxter (Peggy)")
    add.get_by_role("group", name="Nature and the outdoors").get_by_label("Gardening").check()
    journey.submit(add.get_by_role("button", name="Add the idea"), "first idea added")
    expect(page.get_by_role("status")).to_contain_text("The idea “A trip to the garden centre” was added.")

    add = page.get_by_role("region", name="Add an idea")
    add.get_by_label("The idea").fill("A cat living here")
    add.get_by_label("Cats", exact=True).check()
    add.get_by_label("Dogs", exact=True).check()
    journey.submit(add.get_by_role("button", name="Add the idea"), "second idea added")
    ideas = page.get_by_role("region", name=re.compile("Ideas raised"))
    expect(ideas.get_by_role("heading")).to_have_text("Ideas raised (2)")
    garden = Idea.objects.get(text="A trip to the garden centre")
    cat = Idea.objects.get(text="A cat living here")
    assert list(garden.interests.all()) == [Interest.objects.get(name="Gardening")]
    assert {i.name for i in cat.interests.all()} == {"Cats", "Dogs"}
    garden_row = page.locator(f"#idea-{garden.pk}")
    expect(garden_row).to_contain_text("Raised by Margaret Baxter (Peggy)")
    expect(garden_row.get_by_role("link", name="Margaret Baxter (Peggy)")).to_have_attribute(
        "href", f"/h/rowan/residents/{world.resident.pk}/"
    )

    # The garden centre is planned.
    garden_row.get_by_text("Update").click()
    garden_row.get_by_label("Planned").check()
    garden_row.get_by_label("Why, or what happens next").fill("Minibus booked for Thursday 10am")
    journey.submit(garden_row.get_by_role("button", name=re.compile("^Save")), "garden centre planned")
    expect(page.get_by_role("status")).to_contain_text("“A trip to the garden centre” is now planned.")
    expect(page.locator(f"#idea-{garden.pk}")).to_contain_text("Next: Minibus booked for Thursday 10am")

    # The cat is not taken forward: a reason is asked for first.
    cat_row = page.locator(f"#idea-{cat.pk}")
    cat_row.get_by_text("Update").click()
    cat_row.get_by_label("Not taken forward").check()
    journey.submit(cat_row.get_by_role("button", name=re.compile("^Save")), "reason missing")
    expect(page.get_by_role("heading", level=1)).to_have_text("Update an idea")
    note = page.get_by_label("Why, or what happens next")
    expect(note).to_have_accessible_description(re.compile("Tell residents why — write a short reason."))
    expect(note).to_be_focused()
    cat.refresh_from_db()
    assert cat.status == Idea.Status.NEW
    expect(page.get_by_label("Not taken forward")).to_be_checked()
    note.fill("Some residents are allergic, but a therapy dog will visit every other Wednesday.")
    journey.submit(page.get_by_role("button", name="Save", exact=True), "cat not taken forward")
    expect(page).to_have_url(re.compile(rf"/coproduction/{session.pk}/#idea-{cat.pk}$"))
    expect(page.locator(f"#idea-{cat.pk}")).to_contain_text("Why: Some residents are allergic")

    # The ideas board.
    journey.open_menu_if_collapsed()
    journey.click(journey.main_nav().get_by_role("link", name="Co-production"), "sessions and ideas board")
    sessions = page.get_by_role("region", name="Sessions")
    row = sessions.get_by_role("row").filter(has_text="Memories of the seaside")
    expect(row).to_contain_text("Reminiscence")
    expect(row).to_contain_text("1 planned")
    expect(row).to_contain_text("1 not taken forward")
    board = page.get_by_role("region", name="Ideas board")
    expect(board.get_by_role("region", name="Planned (1)")).to_contain_text("A trip to the garden centre")
    expect(board.get_by_role("region", name="Planned (1)")).to_contain_text("Gardening")
    expect(board.get_by_role("region", name="Not taken forward (1)")).to_contain_text("therapy dog")
    expect(board.get_by_role("region", name="New (0)")).to_contain_text("None at the moment")

    board.get_by_label("Interest", exact=True).select_option(label="Gardening")
    journey.submit(board.get_by_role("button", name="Show ideas"), "board about gardening")
    board = page.get_by_role("region", name="Ideas board")
    expect(board.get_by_role("region", name="Planned (1)")).to_contain_text("A trip to the garden centre")
    expect(board.get_by_role("region", name="Not taken forward (0)")).to_contain_text("None matching")
