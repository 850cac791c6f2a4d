"""A relative on their phone books the garden room with lunch, sees it on
their home page and in My visits, downloads the .ics, and cancels it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE
from visits.models import Visit


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_relative_books_the_garden_room_with_lunch_and_cancels(journey, world, viewport):
    page = journey.page
    main = page.get_by_role("main")
    day = timezone.localdate() + timedelta(days=5)

    journey.sign_in(world.relative)
    journey.open_menu_if_collapsed()
    journey.click(journey.main_nav().get_by_role("link", name="Book a visit", exact=True), "booking form")
    expect(main).to_contain_text("You can visit at any time without booking.")
    expect(page.get_by_label("Your name")).to_have_value("Linda Baxter")

    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("From").fill("12:00")
    page.get_by_label("Until").fill("13:30")
    page.get_by_label("Garden room").check()
    page.get_by_label("Lunch", exact=True).check()
    page.get_by_label("How many people are coming?").fill("0")
    journey.submit(main.get_by_role("button", name="Book it"), "too few visitors")
    expect(page.locator("#id_visitors_error")).to_contain_text("at least 1")
    page.get_by_label("How many people are coming?").fill("2")
    journey.submit(main.get_by_role("button", name="Book it"), "booked")
    expect(main).to_contain_text("Visit with Peggy")
    expect(main).to_contain_text("Garden room")
    expect(main).to_contain_text("Lunch")
    visit = Visit.objects.get()

    journey.visit("/h/rowan/", "home page shows the visit")
    expect(main.get_by_role("heading", name="Your upcoming visits")).to_be_visible()
    expect(main).to_contain_text("Garden room, lunch")

    journey.visit("/h/rowan/visits/mine/", "my visits")
    expect(main.get_by_role("heading", name="Coming up")).to_be_visible()
    journey.click(main.get_by_role("link", name="Visit with Peggy"), "the visit page")

    with page.expect_download() as download_info:
        main.get_by_role("link", name="Add to my calendar (.ics file)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    with open(download.path(), "rb") as handle:
        event = Calendar.from_ical(handle.read()).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Visit to Peggy at Rowan House"
    assert event["DTSTART"].dt.hour == 12

    journey.click(main.get_by_role("link", name="Cancel this booking"), "are you sure")
    journey.submit(main.get_by_role("button", name="Yes, cancel it"), "cancelled")
    expect(main).to_contain_text("Cancelled")
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CANCELLED
