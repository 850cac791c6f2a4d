"""Invitations and family suggestions, end to end: staff invite Peggy's family
to Sunday lunch; Linda, on her phone, replies yes for two adults; staff see
the totals; Linda suggests an addition to Peggy's story; staff approve it and
it appears in Peggy's plan saying it was Linda's. Every page is axe-checked."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from residents.models import PersonalPlan
from tests.e2e.conftest import DESKTOP, PHONE, BrowserLog
from visits.models import EventReply, FamilyContribution

STORY = "Mum was a Land Girl in Kent during the war and can still milk a cow by hand."


@pytest.fixture
def desk(browser, live_server):
    """The care worker's desktop, beside the relative's phone."""
    context = browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, locale="en-GB", timezone_id="Europe/London"
    )
    page = context.new_page()
    page.browser_log = BrowserLog(page)
    yield page
    context.close()


def next_sunday():
    today = timezone.localdate()
    return today + timedelta(days=(6 - today.weekday()) % 7 or 7)


@pytest.mark.parametrize("viewport", [PHONE])
def test_sunday_lunch_invitation_reply_and_a_family_suggestion(journey, world, desk):
    phone = journey.page
    mail.outbox.clear()

    # A care worker invites Peggy's family to Sunday lunch.
    journey.page = desk
    journey.sign_in(world.staff)
    journey.click(desk.get_by_role("link", name="Invite a family"), "invite form")
    desk.get_by_label("What is it?").fill("Sunday lunch")
    desk.get_by_label("Date").fill(next_sunday().isoformat())
    desk.get_by_label("Starts at").fill("12:30")
    desk.get_by_label("Ends at").fill("14:00")
    desk.get_by_label("Where (optional)").fill("The dining room")
    desk.get_by_role("checkbox", name=re.compile("Margaret Baxter .Peggy. — invites Linda Baxter")).check()
    journey.submit(desk.get_by_role("button", name="Send the invitation"), "invitation sent")
    expect(desk.get_by_role("status")).to_contain_text("Invitation sent to 1 person.")
    expect(desk.get_by_role("main")).to_contain_text("Waiting: 1")
    event_url = desk.url
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [world.relative.user.email]

    # Linda, on her phone, replies yes for two adults.
    journey.page = phone
    journey.sign_in(world.relative)
    invitations = phone.get_by_role("region", name="Invitations")
    expect(invitations).to_contain_text("Sunday lunch with Peggy")
    journey.click(invitations.get_by_role("link", name=re.compile("^Reply")), "reply form")
    phone.get_by_label("Yes, we will come").check()
    phone.get_by_label("How many adults?").fill("2")
    phone.get_by_label("How many children?").fill("0")
    journey.submit(phone.get_by_role("button", name="Send my reply"), "replied")
    expect(phone.get_by_role("status")).to_contain_text("The home knows to expect 2 adults.")
    expect(phone.get_by_role("region", name="Invitations")).to_contain_text("Your answer: Yes (2 adults)")
    reply = EventReply.objects.get(membership=world.relative)
    assert (reply.answer, reply.adults, reply.children) == ("yes", 2, 0)

    # The care worker sees the totals.
    journey.page = desk
    journey.visit(event_url, "replies")
    expect(desk.get_by_role("main")).to_contain_text("Yes: 2 adults")
    expect(desk.get_by_role("table", name=re.compile("Replies"))).to_contain_text("Linda Baxter")

    # Linda suggests something for Peggy's story.
    journey.page = phone
    journey.visit("/h/rowan/", "linda's home page")
    journey.click(phone.get_by_role("link", name="Add to Peggy's plan"), "suggestion form")
    phone.get_by_label("In your own words").fill(STORY)
    journey.submit(phone.get_by_role("button", name="Send to the home"), "suggestion sent")
    expect(phone.get_by_role("region", name="Your suggestions for Peggy")).to_contain_text(
        "Waiting for the home"
    )

    # The care worker approves it, and it is in Peggy's plan with Linda's name.
    journey.page = desk
    journey.visit("/h/rowan/", "staff dashboard")
    expect(desk.get_by_role("region", name="Suggestions from families")).to_contain_text(
        "1 suggestion waiting"
    )
    journey.click(desk.get_by_role("link", name="Read and answer them"), "suggestions")
    journey.click(desk.get_by_role("link", name=re.compile("^Read and answer")), "review")
    desk.get_by_label("Yes, add it to the plan").check()
    journey.submit(desk.get_by_role("button", name="Save the answer"), "peggy's plan")
    expect(desk.get_by_role("main")).to_contain_text(f"{STORY} — added by Linda Baxter (daughter)")
    plan = PersonalPlan.objects.get(resident=world.resident)
    assert plan.about_me.endswith("— added by Linda Baxter (daughter)")
    assert FamilyContribution.objects.get().status == "approved"

    # Linda sees that it was added.
    journey.page = phone
    journey.visit("/h/rowan/", "linda sees it was added")
    expect(phone.get_by_role("region", name="Help the home know them")).to_contain_text("Added to the plan")
