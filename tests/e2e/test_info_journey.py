"""A manager writes the home's visiting information and sets a space's hours and
photo; then a visitor who is not signed in reads the public page on a phone and
opens the printable version."""

from io import BytesIO

import pytest
from playwright.sync_api import expect

from homes.models import Space
from tests.e2e.conftest import PHONE
from visits.models import VisitingInfo


@pytest.fixture(autouse=True)
def scratch_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _png():
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (1600, 1000), (120, 170, 110)).save(out, format="PNG")
    return {"name": "garden-room.png", "mimeType": "image/png", "buffer": out.getvalue()}


def test_manager_writes_visiting_information_and_a_visitor_reads_it_on_a_phone(journey, world):
    page = journey.page
    home = world.home
    home.address, home.postcode, home.phone = "14 Rowan Way\nHeadingley, Leeds", "LS6 3QT", "0113 496 0123"
    home.save()

    journey.sign_in(world.manager)
    panel = page.get_by_role("region", name="Visiting information")
    expect(panel).to_contain_text("/visit/rowan/")

    # The visiting information.
    journey.click(
        panel.get_by_role("link", name="Edit the visiting information"), "visiting information form"
    )
    page.get_by_label("How to get in").fill(
        "Ring the bell by the blue door. The door is opened from 8am to 8pm; at other times ring and wait."
    )
    page.get_by_label("Parking").fill("Free car park at the front, two blue-badge bays.")
    page.get_by_label("Buses, trains and taxis").fill("The 42 bus stops outside (Mill Lane).")
    page.get_by_label("What to bring").fill("Photos, music they love, their favourite biscuits.")
    page.get_by_label("Getting around").fill("Hearing loop in the lounge; step-free throughout.")
    page.get_by_label("Who to contact").fill("The nurse in charge, any time.")
    journey.submit(page.get_by_role("button", name="Save the visiting information"), "information saved")
    expect(page.get_by_role("status")).to_contain_text("The visiting information was saved")
    assert "blue-badge" in VisitingInfo.objects.get(home=home).parking

    # A space's hours: closing before opening is explained, then fixed.
    journey.visit("/h/rowan/spaces/", "spaces")
    journey.click(page.get_by_role("link", name="Change Garden room"), "change the garden room")
    page.get_by_label("Description").fill("Glass on three sides, looking over the garden. Warm in winter.")
    page.get_by_label("Can be booked from").fill("19:00")
    page.get_by_label("Can be booked until").fill("10:00")
    journey.submit(page.get_by_role("button", name="Save"), "hours the wrong way round")
    expect(page.locator("#div_id_closes_at .invalid-feedback")).to_have_text(
        "The closing time must be after the opening time."
    )
    page.get_by_label("Can be booked from").fill("10:00")
    page.get_by_label("Can be booked until").fill("19:00")
    journey.submit(page.get_by_role("button", name="Save"), "hours saved")
    row = page.get_by_role("row").filter(has_text="Garden room")
    expect(row).to_contain_text("10:00 to 19:00")

    # Its photo.
    journey.click(row.get_by_role("link", name="Add a photo of Garden room"), "photo form")
    expect(page.get_by_role("note")).to_contain_text("No photos of residents.")
    page.get_by_label("Choose a photo of the space").set_input_files(_png())
    journey.submit(page.get_by_role("button", name="Save the photo"), "photo saved")
    expect(page.get_by_role("status")).to_contain_text("The photo of “Garden room” was saved.")
    assert Space.objects.get(pk=world.space.pk).photo

    # A visitor on a phone, not signed in.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    journey.visit("/visit/rowan/", "public visiting page on a phone")
    expect(page.get_by_role("heading", level=1)).to_have_text("Visiting Rowan House")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Visiting is your right")
    expect(main).to_contain_text("LS6 3QT")
    expect(page.get_by_role("region", name="Parking")).to_contain_text("two blue-badge bays")
    places = page.get_by_role("region", name="Places to spend time together")
    expect(places).to_contain_text("Open 10:00 to 19:00")
    photo = places.get_by_role("img", name="Garden room")
    photo.scroll_into_view_if_needed()
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 1200
    expect(page.get_by_role("button", name="Print this page")).to_be_visible()
    expect(main).not_to_contain_text("Margaret")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"

    journey.click(page.get_by_role("link", name="Printable version"), "printable version")
    expect(page.get_by_role("heading", level=1)).to_have_text("Visiting Rowan House")
    expect(page.get_by_role("navigation")).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text("favourite biscuits")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    journey.screenshot("printable version as printed")
