"""A manager admits a resident with a key worker, moves them to another room,
changes their key worker, reads the overview and the change history, and
finds residents by unit and by interest. Staff page through the list on a
phone."""

from io import BytesIO

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from homes.models import Interest
from residents.models import KeyWorkerAssignment, Resident
from residents.tests.factories import PersonalPlanFactory, ResidentFactory
from tests.e2e.conftest import PHONE


@pytest.fixture
def scratch_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _png():
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (60, 60), (180, 90, 40)).save(out, format="PNG")
    return {"name": "winnie.png", "mimeType": "image/png", "buffer": out.getvalue()}


def test_manager_admits_moves_and_changes_key_worker(journey, world, scratch_media):
    page = journey.page
    main = page.get_by_role("main")
    world.resident.unit = "First floor"
    world.resident.save()
    world.unlinked_resident.unit = "Ground floor"
    world.unlinked_resident.save()
    # Browser tests run with a flushed database: the interest list may be empty.
    gardening, _ = Interest.objects.get_or_create(name="Gardening", defaults={"category": "outdoors"})
    football, _ = Interest.objects.get_or_create(name="Football", defaults={"category": "sport"})
    PersonalPlanFactory(resident=world.resident).interests.add(gardening)
    PersonalPlanFactory(resident=world.unlinked_resident).interests.add(football)
    champion = world.champion.user.full_name

    journey.sign_in(world.manager)
    journey.click(journey.main_nav().get_by_role("link", name="Residents", exact=True), "residents")
    expect(page.get_by_role("heading", level=1)).to_have_text("Residents")
    expect(main.get_by_role("link", name="Settings for this home")).to_be_visible()

    # Admit, first forgetting consent for the photo.
    journey.click(main.get_by_role("link", name="Admit a resident"), "admit form")
    page.get_by_label("Full name").fill("Winifred Clarke")
    page.get_by_label("What they like to be called (optional)").fill("Winnie")
    page.get_by_label("Date of birth (optional)").fill("1936-04-12")
    page.get_by_label("Admission date").fill(timezone.localdate().isoformat())
    page.get_by_label("Room", exact=True).fill("14")
    page.get_by_label("Unit or floor (optional)").fill("Garden wing")
    page.get_by_label("Key worker (optional)").select_option(label="Aisha Bello")
    page.get_by_label("Choose a photo").set_input_files(_png())
    journey.submit(page.get_by_role("button", name="Admit"), "admit without consent")

    photo_error = page.locator("#div_id_photo .invalid-feedback")
    expect(photo_error).to_contain_text("A photo can only be kept with consent")
    expect(page.get_by_label("Choose a photo")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Full name")).to_have_value("Winifred Clarke")
    assert not Resident.objects.filter(full_name="Winifred Clarke").exists()

    page.get_by_label("Choose a photo").set_input_files(_png())
    page.get_by_label("They agree to a photo being kept here").check()
    page.get_by_label("Who gave consent, and how").fill("Winnie agreed, on her first day")
    journey.submit(page.get_by_role("button", name="Admit"), "admitted")

    expect(page.get_by_role("status")).to_contain_text("Winifred Clarke has been admitted.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Winifred Clarke (Winnie)")
    expect(page.get_by_role("img", name="Photo of Winnie")).to_be_visible()
    assert page.get_by_role("img", name="Photo of Winnie").evaluate("img => img.naturalWidth") > 0
    expect(main).to_contain_text("Aisha Bello since")

    # Move room.
    journey.click(main.get_by_role("link", name="Edit details or move room"), "edit form")
    page.get_by_label("Room", exact=True).fill("15")
    journey.submit(page.get_by_role("button", name="Save the changes"), "moved room")
    expect(page.get_by_role("status")).to_contain_text("Winnie is now in room 15 (was 14).")
    expect(page.locator(".resident-header")).to_contain_text("Room 15")

    # A new key worker; the old one stays in the history.
    journey.click(main.get_by_role("link", name="Change key worker"), "key worker form")
    page.get_by_label("Winnie's key worker").select_option(label=champion)
    journey.submit(page.get_by_role("button", name="Save"), "key worker changed")
    expect(page.get_by_role("status")).to_contain_text(f"{champion} is now Winnie's key worker.")
    history = page.get_by_role("region", name="Key workers over time")
    rows = history.get_by_role("row")
    expect(rows).to_have_count(3)
    expect(rows.nth(1)).to_contain_text(champion)
    expect(rows.nth(1)).to_contain_text("Now")
    expect(rows.nth(2)).to_contain_text("Aisha Bello")
    resident = Resident.objects.get(full_name="Winifred Clarke")
    assert KeyWorkerAssignment.objects.filter(resident=resident, ended_on__isnull=True).count() == 1

    # Who changed what, and when.
    journey.click(main.get_by_role("link", name="Change history"), "change history")
    expect(page.get_by_role("heading", level=1)).to_have_text("History: Winifred Clarke (Winnie)")
    entries = page.locator("li.panel")
    room_move = entries.filter(has=page.get_by_role("rowheader", name="Room"))
    expect(room_move.first).to_contain_text("Updated by Ruth Adeyemi on")
    expect(room_move.first.get_by_role("row", name="Room")).to_contain_text("14")
    expect(room_move.first.get_by_role("row", name="Room")).to_contain_text("15")

    # Find residents by unit, then by interest.
    journey.click(journey.main_nav().get_by_role("link", name="Residents", exact=True), "residents again")
    table = main.get_by_role("table")
    expect(table.get_by_role("link")).to_have_count(3)
    page.get_by_label("Unit or floor").select_option(label="First floor")
    journey.submit(page.get_by_role("button", name="Show residents"), "filtered by unit")
    expect(table.get_by_role("link")).to_have_count(1)
    expect(table).to_contain_text("Margaret Baxter")
    expect(table.locator("caption")).to_contain_text("on First floor")

    page.get_by_label("Unit or floor").select_option(label="Every unit or floor")
    page.get_by_label("Interest").select_option(label="Football")
    journey.submit(page.get_by_role("button", name="Show residents"), "filtered by interest")
    expect(table.get_by_role("link")).to_have_count(1)
    expect(table).to_contain_text("Arthur Hughes")
    expect(table.locator("caption")).to_contain_text("who enjoy football")
    journey.click(main.get_by_role("link", name="Clear the filters"), "filters cleared")
    expect(table.get_by_role("link")).to_have_count(3)


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_staff_page_through_the_list_on_a_phone(journey, world, viewport):
    page = journey.page
    ResidentFactory.create_batch(55, home=world.home, unit="Ground floor")
    journey.sign_in(world.staff)
    journey.visit(f"/h/{world.home.slug}/residents/", "list on a phone")
    main = page.get_by_role("main")
    expect(main.get_by_role("table").get_by_role("link")).to_have_count(50)
    expect(main.get_by_role("link", name="Admit a resident")).to_have_count(0)
    pages = page.get_by_role("navigation", name="Pages of residents")
    expect(pages.get_by_role("link", name="Page 1")).to_have_attribute("aria-current", "page")
    journey.click(pages.get_by_role("link", name="Next page"), "second page on a phone")
    expect(main.get_by_role("table").get_by_role("link")).to_have_count(7)
    expect(main.locator("caption")).to_contain_text("page 2 of 2")
    journey.click(main.get_by_role("table").get_by_role("link").first, "a resident on a phone")
    expect(page.get_by_role("link", name="Overview")).to_have_attribute("aria-current", "page")


def test_manager_records_a_death_and_changes_the_homes_settings(journey, world):
    page = journey.page
    main = page.get_by_role("main")
    journey.sign_in(world.manager)
    journey.visit(f"/h/{world.home.slug}/residents/{world.resident.pk}/", "overview")

    journey.click(main.get_by_role("link", name="Record that Peggy has left"), "leaving form")
    expect(page.get_by_role("group", name="What happened")).to_be_visible()
    page.get_by_label("Peggy has died").check()
    journey.submit(page.get_by_role("button", name="Record this"), "leaving form with an error")
    expect(page.locator("#div_id_left_on .invalid-feedback")).to_contain_text("Enter the date it happened")
    expect(page.get_by_label("Peggy has died")).to_be_checked()
    page.get_by_label("The date").fill(timezone.localdate().isoformat())
    page.get_by_label("Where they went, or anything to note").fill("Peacefully, with her daughter Linda.")
    journey.submit(page.get_by_role("button", name="Record this"), "death recorded")
    expect(page.get_by_role("status")).to_contain_text("It is recorded that Peggy has died.")
    expect(main.get_by_role("note")).to_contain_text("Peggy died on")
    expect(main.get_by_role("link", name="Record that Peggy has left")).to_have_count(0)

    journey.click(journey.main_nav().get_by_role("link", name="Residents", exact=True), "list without Peggy")
    table = main.get_by_role("table")
    expect(table).not_to_contain_text("Margaret Baxter")
    page.get_by_label("Who").select_option(label="Moved out or died")
    journey.submit(page.get_by_role("button", name="Show residents"), "people who left")
    expect(table.get_by_role("row").filter(has_text="Margaret Baxter")).to_contain_text("Died")

    journey.click(main.get_by_role("link", name="Settings for this home"), "settings")
    quiet = page.get_by_label("Days without a meaningful connection")
    expect(quiet).to_have_value("7")
    quiet.fill("120")
    journey.submit(page.get_by_role("button", name="Save the settings"), "settings with an error")
    expect(page.locator("#div_id_quiet_days .invalid-feedback")).to_have_text(
        "Enter a whole number of days from 1 to 90."
    )
    page.get_by_label("Days without a meaningful connection").fill("5")
    journey.submit(page.get_by_role("button", name="Save the settings"), "settings saved")
    expect(page.get_by_role("status")).to_contain_text("The settings were saved.")
    expect(page.get_by_label("Days without a meaningful connection")).to_have_value("5")
