"""Messages, end to end. Linda opens the "stop reminders" link from an email on
her phone (no sign-in), stops reminders, then signs in and turns on text
messages. The manager sees a message that could not be sent on the dashboard,
opens the Messages page and clicks "Try again"; staff print and post a letter.
Every page is axe-checked, on a phone and on a desktop."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from notifications.kinds import Kind, register
from notifications.models import Channel, ContactPreference, Reminder
from notifications.services import reminders_schedule
from notifications.tests.sweep_messages import reminder_for
from tests.e2e.conftest import DESKTOP, PHONE

Status = Reminder.Status

# A non-essential reminder, so the email carries the stop link. The feature
# apps declare the real ones; this one borrows the test message's templates.
NUDGE = register(
    Kind(
        name="tests.journey_nudge",
        label="A reminder for the journey",
        model="homes.Home",
        template_dir="messages/notifications.test_message",
    )
)


def stop_link(live_server, address):
    sent = [m for m in mail.outbox if m.to == [address]]
    assert len(sent) == 1, f"expected one email to {address}, got {len(sent)}"
    match = re.search(re.escape(settings.SITE_URL) + r"/messages/stop/[^/\s]+/", sent[0].body)
    assert match, f"no stop link in the email:\n{sent[0].body}"
    assert sent[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    return match.group(0).replace(settings.SITE_URL, live_server.url, 1)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_relative_stops_reminders_then_chooses_text_messages(journey, world, live_server):
    page = journey.page
    linda = world.relative.user
    mail.outbox.clear()
    with transaction.atomic():
        reminders_schedule(
            home=world.home, kind=NUDGE.name, obj=world.home, recipients=[linda], due=timezone.now()
        )
    later = reminder_for(
        world.home, linda, kind=NUDGE.name, status=Status.PENDING, due=timezone.now() + timedelta(days=2)
    )
    link = stop_link(live_server, linda.email)

    # A link cut short when copied is refused kindly.
    journey.visit(link[:-8] + "/", "link cut short", status=400)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link is not valid")
    expect(page.get_by_role("main")).to_contain_text("cut short when copied")

    # The whole link: who it is for, and one button.
    journey.visit(link, "stop link")
    expect(page.get_by_role("heading", level=1)).to_have_text("Stop reminders?")
    expect(page.get_by_role("main")).to_contain_text(linda.email[0] + "•••@" + linda.email.split("@")[1])
    expect(page.get_by_role("main")).not_to_contain_text(linda.email)
    journey.submit(page.get_by_role("button", name="Stop reminders"), "stopped")
    expect(page.get_by_role("heading", level=1)).to_have_text("Done: reminders stopped")
    expect(page.get_by_role("region", name="What still comes")).to_be_visible()
    expect(page.get_by_role("button", name="Start them again")).to_be_visible()
    later.refresh_from_db()
    assert later.status == Status.CANCELLED
    assert ContactPreference.objects.get(user=linda).reminders_off

    # Linda signs in and chooses text messages as well; a short number is refused first.
    journey.sign_in(world.relative)
    journey.visit("/account/", "account")
    journey.click(page.get_by_role("link", name="How we contact you"), "contact choices")
    expect(page.get_by_role("main")).to_contain_text("You turned reminders off")
    page.get_by_role("checkbox", name="Text message").check()
    page.get_by_label("Mobile number").fill("0770")
    journey.submit(page.get_by_role("button", name="Save my choices"), "number too short")
    expect(page.locator("#id_phone_error")).to_contain_text("not complete or not in use")
    expect(page.get_by_label("Mobile number")).to_have_attribute("aria-invalid", "true")
    assert not ContactPreference.objects.get(user=linda).by_text

    page.get_by_label("Mobile number").fill("07700 900123")
    page.get_by_role("checkbox", name="Send me reminders and invitations").check()
    journey.submit(page.get_by_role("button", name="Save my choices"), "choices saved")
    expect(page.get_by_role("status")).to_contain_text("Saved.")
    expect(page.get_by_label("Mobile number")).to_have_value("07700 900123")
    saved = ContactPreference.objects.get(user=linda)
    assert (saved.by_email, saved.by_text, saved.phone, saved.reminders_off) == (
        True,
        True,
        "+447700900123",
        False,
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_manager_tries_a_failed_message_again_and_staff_post_a_letter(journey, world):
    page = journey.page
    linda = world.relative.user
    failed = reminder_for(
        world.home,
        linda,
        attempts=6,
        due=timezone.now() - timedelta(hours=3),
        last_error="Gave up after 6 tries. Could not reach the server: timed out.",
    )
    reminder_for(world.home, world.staff.user, status=Status.PENDING, due=timezone.now() + timedelta(days=1))
    ContactPreference.objects.create(
        user=world.champion.user,
        by_email=False,
        by_post=True,
        postal_address="3 Mill Lane\nHebden Bridge\nHX7 8AB",
    )
    letter = reminder_for(world.home, world.champion.user, channel=Channel.POST, status=Status.PENDING)
    mail.outbox.clear()

    journey.sign_in(world.manager)
    panel = page.get_by_role("region", name="Messages")
    expect(panel).to_contain_text("1 message could not be sent.")
    journey.click(panel.get_by_role("link", name="See what could not be sent"), "messages page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages")
    table = page.get_by_role("table", name=re.compile("could not be sent"))
    expect(table).to_contain_text("Linda Baxter")
    expect(table).to_contain_text("Could not reach the server")
    journey.submit(table.get_by_role("button", name=re.compile("Try again")), "tried again")
    expect(page.get_by_role("status")).to_contain_text("We'll try again now.")
    expect(page.get_by_role("main")).to_contain_text("Nothing has failed.")
    expect(page.get_by_role("table", name=re.compile("sent, newest first"))).to_contain_text("Linda Baxter")
    failed.refresh_from_db()
    assert failed.status == Status.SENT
    assert [m.to for m in mail.outbox] == [[linda.email]]

    journey.click(page.get_by_role("link", name="Quiet hours for text messages"), "quiet hours")
    page.get_by_label("Until").fill("23:00")
    journey.submit(page.get_by_role("button", name="Save quiet hours"), "quiet hours too short")
    expect(page.locator("#id_quiet_until_error")).to_contain_text("at least 6 hours")

    journey.visit("/h/rowan/messages/", "messages again")
    journey.click(page.get_by_role("link", name="Letters to post"), "letters")
    expect(page.locator(".letter")).to_have_count(1)
    expect(page.locator(".letter address")).to_contain_text("3 Mill Lane")
    expect(page.locator(".letter")).to_contain_text("messages to you by post are working")
    journey.submit(page.get_by_role("button", name=re.compile("Mark as posted")), "posted")
    expect(page.get_by_role("status")).to_contain_text("Marked as posted")
    expect(page.get_by_role("main")).to_contain_text("There are no letters to post")
    letter.refresh_from_db()
    assert letter.status == Status.SENT
