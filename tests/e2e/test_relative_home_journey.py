"""A relative on their phone opens My relatives, reads the news the home
shared, taps "Book a visit", picks a space and a day, taps a free time shown
before booking, and books it."""

import io
from datetime import datetime, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from residents.models import ConsentPurpose
from tests.e2e.conftest import PHONE
from tests.fixtures import agreed_to_uses
from visits.models import Visit
from visits.services.family import shared_update_add
from visits.tests.factories import VisitFactory


def a_png():
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (90, 140, 110)).save(buffer, "PNG")
    return buffer.getvalue()


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_relative_reads_the_news_and_books_a_free_time(journey, world, viewport):
    page = journey.page
    main = page.get_by_role("main")
    day = timezone.localdate() + timedelta(days=2)
    # Peggy agreed to photos being shared with families of the home (the consent
    # register): the news carries one.
    agreed_to_uses(world.resident, purposes=[ConsentPurpose.PHOTOS_HOME, ConsentPurpose.PHOTOS_FAMILY])
    shared_update_add(
        home=world.home,
        actor=world.staff.user,
        resident=world.resident,
        text="Peggy sang every song at the singing group.",
        photo=SimpleUploadedFile("singing.png", a_png(), content_type="image/png"),
    )
    # Someone else holds the garden room 10:00–11:00 that day (15 minutes' buffer either side).
    start = datetime.combine(day, time(10), tzinfo=timezone.get_current_timezone())
    VisitFactory(
        resident=world.unlinked_resident,
        space=world.space,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        blocked_from=start - timedelta(minutes=15),
        blocked_until=start + timedelta(minutes=75),
    )

    journey.sign_in(world.relative)
    journey.open_menu_if_collapsed()
    journey.click(journey.main_nav().get_by_role("link", name="My relatives", exact=True), "my relatives")
    expect(main.get_by_role("heading", name="Margaret Baxter")).to_be_visible()
    expect(main).to_contain_text("Peggy sang every song at the singing group.")
    photo = main.locator("img.relative-news-photo")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0")  # served to her, not refused
    expect(main).not_to_contain_text("Soon you will be able")
    expect(main.get_by_role("link", name="Tell us about Peggy")).to_be_visible()
    assert fits(page)

    journey.click(main.get_by_role("link", name="Book a visit to Peggy"), "booking form")
    expect(page.get_by_label("Who are you visiting?")).to_have_value(str(world.resident.pk))
    expect(page.get_by_label("Date")).to_have_value(timezone.localdate().isoformat())
    expect(main).to_contain_text("Choose a space and a day to see when it is free.")

    page.get_by_label("Garden room").check()
    page.get_by_label("Date").fill(day.isoformat())
    free = page.locator("#free-times")
    expect(free.get_by_role("group", name="Free times: Garden room")).to_be_visible()
    # Taken 10:00–11:00, so the first free hour (with the buffers) starts at 11:30; none overlap.
    expect(free.get_by_label("10:00 to 11:00")).to_have_count(0)
    expect(free.get_by_role("radio").first).to_have_accessible_name("11:30 to 12:30")
    expect(free.get_by_role("radio").nth(1)).to_have_accessible_name("12:30 to 13:30")
    assert not Visit.objects.filter(booked_by=world.relative).exists()  # nothing booked yet
    journey.screenshot("free times shown")
    journey.check_accessibility("free times shown")
    assert fits(page)

    free.get_by_label("11:30 to 12:30").check()
    expect(page.get_by_label("From")).to_have_value("11:30")
    expect(page.get_by_label("Until")).to_have_value("12:30")
    page.get_by_label("Afternoon tea", exact=True).check()
    journey.submit(main.get_by_role("button", name="Book it"), "booked")
    expect(page.get_by_role("alert").or_(main)).to_contain_text("Booked: visit with Peggy")
    expect(main).to_contain_text("Garden room")
    visit = Visit.objects.get(booked_by=world.relative)
    assert timezone.localtime(visit.starts_at).time() == time(11, 30)
    assert timezone.localtime(visit.ends_at).time() == time(12, 30)

    journey.open_menu_if_collapsed()
    journey.click(
        journey.main_nav().get_by_role("link", name="My relatives", exact=True),
        "my relatives shows the visit",
    )
    expect(main).to_contain_text("Visit with Peggy")
