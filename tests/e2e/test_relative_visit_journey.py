"""The relative's whole path, on a phone: accept the emailed invitation, set a
password, book the garden room with lunch, see it on the home page, download
the .ics, cancel it. Every page is checked with axe-core."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from residents.models import RelativeLink
from tests.e2e.conftest import PHONE
from visits.models import Visit
from visits.services.family import family_invite

PASSWORD = "robins-on-the-feeder-47"


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_relative_accepts_invitation_books_and_cancels(journey, world, live_server, viewport):
    page = journey.page
    main = page.get_by_role("main")
    mail.outbox.clear()
    with transaction.atomic():
        family_invite(
            home=world.home,
            actor=world.staff.user,
            email="sue.baxter@example.org",
            full_name="Sue Baxter",
            links=[(world.resident, "granddaughter", None)],
        )
    (email,) = [m for m in mail.outbox if m.to == ["sue.baxter@example.org"]]
    link = re.search(r"https?://\S+/invitations/\S+/", email.body).group(0)

    # Accept the invitation and choose a password.
    journey.visit(link.replace(settings.SITE_URL, live_server.url, 1), "invitation")
    page.get_by_label("Your full name").fill("Sue Baxter")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    journey.submit(page.get_by_role("button", name="Create my account"), "account created")
    expect(page.get_by_role("status")).to_contain_text("Welcome to Rowan House")
    expect(main).to_contain_text("Margaret Baxter")
    assert (
        RelativeLink.objects.get(membership__user__email="sue.baxter@example.org").resident == world.resident
    )

    # Book the garden room with lunch.
    day = timezone.localdate() + timedelta(days=4)
    journey.open_menu_if_collapsed()
    journey.click(journey.main_nav().get_by_role("link", name="Book a visit", exact=True), "book")
    expect(main).to_contain_text("You can visit at any time without booking.")
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("From").fill("12:00")
    page.get_by_label("Until").fill("13:30")
    page.get_by_label("Garden room").check()
    page.get_by_label("Lunch", exact=True).check()
    page.get_by_label("How many people are coming?").fill("2")
    journey.submit(main.get_by_role("button", name="Book it"), "booked")
    visit = Visit.objects.get(booked_by__user__email="sue.baxter@example.org")
    assert (visit.space.name, visit.meal, visit.visitors) == ("Garden room", Visit.Meal.LUNCH, 2)

    # It is on the home page; the .ics carries the local time.
    journey.visit(f"/h/{world.home.slug}/", "home page")
    expect(main).to_contain_text("Garden room, lunch")
    journey.visit(f"/h/{world.home.slug}/visits/{visit.pk}/", "the visit")
    with page.expect_download() as download_info:
        main.get_by_role("link", name="Add to my calendar (.ics file)").click()
    with open(download_info.value.path(), "rb") as handle:
        event = Calendar.from_ical(handle.read()).walk("VEVENT")[0]
    assert event["DTSTART"].dt.hour == 12 and event["DTSTART"].dt.date() == day

    # Cancel it.
    journey.click(main.get_by_role("link", name="Cancel this booking"), "are you sure")
    journey.submit(main.get_by_role("button", name="Yes, cancel it"), "cancelled")
    expect(main).to_contain_text("Cancelled")
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CANCELLED
