"""Door codes and visiting restrictions, end to end: the manager approves Linda
as a regular visitor and changes the door code; Linda, on her phone, is told
by email (without the code) and sees the new code in her account; the manager
sees that showing in the log; the manager records a restriction for Peggy with
Linda exempt, and Linda's home page tells her calmly. Every page is
axe-checked."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from residents.tests.factories import PersonWhoMattersFactory
from tests.e2e.conftest import DESKTOP, PHONE, BrowserLog
from visits.models import DoorCode, DoorCodeView, VisitRestriction
from visits.tests.factories import DoorCodeFactory

NEW_CODE = "580317"


@pytest.fixture
def desk(browser, live_server):
    """The manager's desktop, beside the relative's phone."""
    context = browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, locale="en-GB", timezone_id="Europe/London"
    )
    page = context.new_page()
    page.browser_log = BrowserLog(page)
    yield page
    context.close()


@pytest.mark.parametrize("viewport", [PHONE])
def test_regular_visitor_sees_the_new_door_code_and_a_restriction_notice(journey, world, desk):
    phone = journey.page
    DoorCodeFactory(home=world.home, code="1966")
    PersonWhoMattersFactory(
        resident=world.resident, name="Linda Baxter", relationship="daughter", essential_care_supporter=True
    )
    mail.outbox.clear()

    # Linda on her phone: no door code yet, she is not a regular visitor.
    journey.sign_in(world.relative)
    expect(phone.get_by_role("main")).not_to_contain_text("Show the door code")
    journey.visit("/h/rowan/visits/door-code/mine/", "not approved", status=403)
    expect(phone.get_by_role("main")).to_contain_text("shown to regular visitors the home has approved")

    # The manager at the desk approves Linda and changes the code.
    journey.page = desk
    journey.sign_in(world.manager)
    journey.visit("/h/rowan/visits/regular-visitors/", "regular visitors")
    journey.submit(
        desk.get_by_role("button", name="Approve Linda Baxter as a regular visitor for Peggy"), "approved"
    )
    expect(desk.get_by_role("status")).to_contain_text("Linda Baxter is now a regular visitor")
    door_code_link = desk.get_by_role("main").get_by_role("link", name="door code", exact=True)
    journey.click(door_code_link, "door code page")
    expect(desk.locator(".door-code")).to_have_text("1966")
    desk.get_by_label("New code (optional)").fill(NEW_CODE)
    journey.submit(desk.get_by_role("button", name="Change it now"), "code changed")
    expect(desk.get_by_role("status")).to_contain_text("The door code has changed")
    expect(desk.locator(".door-code")).to_have_text(NEW_CODE)
    # Two emails to Linda (she is a regular visitor; the code changed), neither with the code.
    assert len(mail.outbox) == 2
    assert all(e.to == [world.relative.user.email] and NEW_CODE not in e.body for e in mail.outbox)

    # Linda's home page has the button (not the code); the code page shows it and logs it.
    journey.page = phone
    journey.visit("/h/rowan/", "linda's home page")
    expect(phone.get_by_role("main")).not_to_contain_text(NEW_CODE)
    journey.click(phone.get_by_role("link", name="Show the door code"), "linda sees the code")
    expect(phone.locator(".door-code")).to_have_text(NEW_CODE)
    current = DoorCode.objects.get(home=world.home, replaced_at__isnull=True)
    assert DoorCodeView.objects.filter(door_code=current, membership=world.relative).count() == 1

    # The manager sees Linda's view in the log.
    journey.page = desk
    journey.visit("/h/rowan/visits/door-code/", "the log")
    log = desk.get_by_role("table", name=re.compile("time the code was shown"))
    expect(log).to_contain_text("Linda Baxter")
    expect(log).to_contain_text(f"{NEW_CODE} (current)")

    # A restriction for Peggy, with Linda exempt.
    journey.visit("/h/rowan/visits/restrictions/", "restrictions")
    expect(desk.get_by_role("main")).to_contain_text("no home-wide limits")
    desk.get_by_label("Resident").select_option(label="Margaret Baxter (Peggy)")
    journey.submit(desk.get_by_role("button", name="Next"), "restriction form")
    expect(desk.get_by_role("main")).to_contain_text(
        "The essential care supporter in Peggy's plan: Linda Baxter"
    )
    journey.submit(desk.get_by_role("button", name="Save the restriction"), "restriction errors")
    expect(desk.locator("#id_alternatives_considered_error")).to_contain_text("less restrictive options")
    desk.get_by_label("Why visiting must be restricted for this person").fill(
        "Peggy has norovirus and is being cared for in her room on the GP's advice."
    )
    desk.get_by_label("Less restrictive options considered").fill(
        "Garden room visits; window visits; video calls."
    )
    desk.get_by_label("Who was involved in the decision").fill("Peggy, Linda, Dr Patel and the manager.")
    start = timezone.localdate()
    desk.get_by_label("Expected end date").fill((start + timedelta(days=7)).isoformat())
    desk.get_by_label("Next review").fill((start + timedelta(days=3)).isoformat())
    desk.get_by_role("checkbox", name="Linda Baxter (daughter)").check()
    journey.submit(desk.get_by_role("button", name="Save the restriction"), "restriction saved")
    expect(desk.get_by_role("status")).to_contain_text("the restriction for Peggy is recorded")
    restriction = VisitRestriction.objects.get(resident=world.resident)
    assert [link.membership_id for link in restriction.exempt_links.all()] == [world.relative.pk]

    # Linda's home page tells her, calmly, that she can still visit.
    journey.page = phone
    journey.visit("/h/rowan/", "linda sees the notice")
    notice = phone.get_by_role("region", name="Visiting Rowan House")
    expect(notice).to_contain_text(f"expected to end on {(start + timedelta(days=7)):%-d %B %Y}")
    expect(notice).to_contain_text(
        "You are listed as an essential care supporter, so you can still visit and book."
    )

    # The manager's dashboard lists it among the restrictions in force.
    journey.page = desk
    journey.visit("/h/rowan/", "manager dashboard")
    expect(desk.get_by_role("region", name="Visiting restrictions")).to_contain_text("1 restriction in force")
