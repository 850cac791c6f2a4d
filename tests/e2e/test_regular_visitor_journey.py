"""A manager approves Linda as a regular visitor; Linda is told by email that
she can now see the door code in Kith (a link, never the code), follows the
link on her phone and sees the code. Every page is axe-checked."""

from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from notifications.delivery import deliver
from notifications.models import Reminder
from tests.e2e.conftest import DESKTOP, PHONE, BrowserLog
from visits.tests.factories import DoorCodeFactory

CODE = "472913"


@pytest.fixture
def desk(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, locale="en-GB", timezone_id="Europe/London"
    )
    page = context.new_page()
    page.browser_log = BrowserLog(page)
    yield page
    context.close()


@pytest.mark.e2e
@pytest.mark.parametrize("viewport", [PHONE])
def test_approved_regular_visitor_is_told_and_then_sees_the_code(journey, world, desk, live_server):
    phone = journey.page
    DoorCodeFactory(home=world.home, code=CODE)
    mail.outbox.clear()

    # The manager approves Linda.
    journey.page = desk
    journey.sign_in(world.manager)
    journey.visit("/h/rowan/visits/regular-visitors/", "regular visitors")
    journey.submit(
        desk.get_by_role("button", name="Approve Linda Baxter as a regular visitor for Peggy"), "approved"
    )
    expect(desk.get_by_role("status")).to_contain_text("Linda Baxter is now a regular visitor")

    # The outbox delivers what is due (as the worker would).
    due = Reminder.objects.filter(kind="visits.regular_visitor_approved", status=Reminder.Status.PENDING)
    deliver(list(due.values_list("pk", flat=True)))
    (email,) = mail.outbox
    assert email.to == [world.relative.user.email]
    assert CODE not in email.subject + email.body + email.alternatives[0][0]
    (link,) = [word for word in email.body.split() if "/door-code/" in word]

    # Linda follows the link on her phone, signs in and sees the code.
    journey.page = phone
    journey.sign_in(world.relative)
    journey.visit(urlsplit(link).path, "the door code")
    expect(phone.locator(".door-code")).to_have_text(CODE)
