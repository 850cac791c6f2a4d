"""Family accounts, end to end: a carer invites a person who matters to Peggy
and shares some news; the granddaughter opens the emailed link on her phone,
sets a password and sees Peggy and the news on her home page; the manager ends
the link with a reason, and her next visit to the page no longer shows Peggy.
Every page is checked with axe-core."""

import re

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from residents.models import RelativeLink
from residents.tests.factories import PersonWhoMattersFactory
from tests.e2e.conftest import DESKTOP, PHONE, BrowserLog

NEW_PASSWORD = "Robin-on-the-bird-table-17"
NEWS = "Peggy won the bingo this afternoon and shared her prize chocolates with everyone."


def link_from_email(live_server, email):
    sent = [m for m in mail.outbox if m.to == [email]]
    assert len(sent) == 1, f"expected one email to {email}, got {len(sent)}"
    match = re.search(re.escape(settings.SITE_URL) + r"/invitations/[^/\s]+/", sent[0].body)
    assert match, f"no invitation link in the email:\n{sent[0].body}"
    return match.group(0).replace(settings.SITE_URL, live_server.url, 1)


def desk_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="en-GB")
    page = context.new_page()
    page.browser_log = BrowserLog(page)
    return page


@pytest.mark.parametrize("viewport", [PHONE])
def test_invite_a_granddaughter_then_end_her_link(journey, world, browser, live_server):
    phone = journey.page
    PersonWhoMattersFactory(
        resident=world.resident,
        name="Sue Baxter",
        relationship="granddaughter",
        email="sue.baxter@example.org",
    )
    family_page = f"/h/rowan/visits/residents/{world.resident.pk}/family/"
    mail.outbox.clear()

    # A carer at the desk: Peggy's family page → invite Sue from the plan → share some news.
    desk = journey.page = desk_page(browser, live_server)
    journey.sign_in(world.staff)
    journey.visit(family_page, "peggy's family")
    main = desk.get_by_role("main")
    expect(main.get_by_role("region", name="Family and friends with an account")).to_contain_text(
        "Linda Baxter"
    )
    journey.click(main.get_by_role("link", name="Invite Sue Baxter"), "invite sue")
    expect(desk.get_by_label("Their email address")).to_have_value("sue.baxter@example.org")
    expect(desk.locator("#id_relationship")).to_have_value("granddaughter")
    journey.submit(desk.get_by_role("button", name="Send the invitation"), "invitation sent")
    expect(desk.get_by_role("status")).to_contain_text("Invitation sent to sue.baxter@example.org")
    expect(main.get_by_role("region", name="Invitations waiting")).to_contain_text("Sue Baxter")
    journey.click(main.get_by_role("link", name="Share an update"), "share news")
    desk.get_by_label("The news to share").fill(NEWS)
    journey.submit(desk.get_by_role("button", name="Share with the family"), "news shared")
    expect(desk.get_by_role("status")).to_contain_text(
        "Shared with the relatives Peggy's consent to news names."
    )
    expect(main.get_by_role("region", name="News shared with the family")).to_contain_text("won the bingo")

    # Sue, on her phone, opens the emailed link and sets a password.
    journey.page = phone
    journey.visit(link_from_email(live_server, "sue.baxter@example.org"), "sue's invitation")
    expect(phone.get_by_label("Your full name")).to_have_value("Sue Baxter")
    phone.get_by_label("Choose a password").fill(NEW_PASSWORD)
    phone.get_by_label("Type the password again").fill(NEW_PASSWORD)
    journey.submit(phone.get_by_role("button", name="Create my account"), "sue's home page")
    expect(phone).to_have_url(journey.url("/h/rowan/"))
    people = phone.get_by_role("region", name="Your people at Rowan House")
    expect(people).to_contain_text("Margaret Baxter (Peggy)")
    contact = phone.get_by_role("region", name="Contact Rowan House")
    expect(contact.get_by_role("link", name="01632 960999")).to_be_visible()
    link = RelativeLink.objects.get(membership__user__email="sue.baxter@example.org")
    assert (link.resident, link.relationship, link.status) == (world.resident, "granddaughter", "active")
    # Peggy's consent to news names Linda, not Sue yet: no news for Sue until it does.
    expect(phone.get_by_role("region", name="News from Rowan House")).not_to_contain_text("bingo")
    world.resident.consents.get(purpose="news_family", withdrawn_at__isnull=True).relatives.add(link)
    journey.visit("/h/rowan/", "sue's page, named in the consent")
    expect(phone.get_by_role("region", name="News from Rowan House")).to_contain_text("won the bingo")

    # The manager ends Sue's link, with the reason.
    journey.page = desk
    desk.context.clear_cookies()
    journey.sign_in(world.manager)
    journey.visit(family_page, "manager: peggy's family")
    journey.click(desk.get_by_role("main").get_by_role("link", name="End Sue Baxter's link"), "end the link")
    expect(desk.get_by_role("radio", name=re.compile("^End"))).to_be_checked()
    journey.submit(desk.get_by_role("button", name="Save the change"), "no reason given")
    expect(desk.locator("#id_reason_error")).to_contain_text("Write the reason")
    desk.get_by_label("Reason").fill("Peggy asked us to stop sharing her news with Sue.")
    journey.submit(desk.get_by_role("button", name="Save the change"), "link ended")
    expect(desk.get_by_role("status")).to_contain_text("Sue Baxter's link to Peggy has been ended.")
    accounts = desk.get_by_role("region", name="Family and friends with an account")
    expect(accounts).to_contain_text("Peggy asked us to stop sharing her news with Sue.")

    # Sue's next visit: Peggy and her news are gone.
    journey.page = phone
    journey.visit("/h/rowan/", "sue's next visit")
    expect(phone.get_by_role("region", name="Your people at Rowan House")).not_to_contain_text("Peggy")
    expect(phone.get_by_role("region", name="News from Rowan House")).not_to_contain_text("bingo")
    desk.context.close()
