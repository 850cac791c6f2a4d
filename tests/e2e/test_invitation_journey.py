"""Someone invited by email opens the link, sets up their account and lands
in the home; a used or expired link says so and what to do next."""

import re
from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from homes.models import Invitation, Membership, Role
from homes.services import invitation_create

NEW_PASSWORD = "Blackbird-singing-at-dawn-42"


def invite(world, *, email, full_name="Sam Newton"):
    mail.outbox.clear()
    return invitation_create(
        home=world.home, actor=world.manager.user, email=email, full_name=full_name, role="family"
    )


def link_from_email(live_server, email):
    """The link in the invitation email, pointed at the test server."""
    sent = [m for m in mail.outbox if m.to == [email]]
    assert len(sent) == 1, f"expected one email to {email}, got {len(sent)}"
    match = re.search(re.escape(settings.SITE_URL) + r"/invitations/[^/\s]+/", sent[0].body)
    assert match, f"no invitation link in the email:\n{sent[0].body}"
    return match.group(0).replace(settings.SITE_URL, live_server.url, 1)


def test_accepting_an_invitation_creates_the_account(journey, world, live_server):
    page = journey.page
    invite(world, email="sam.newton@example.org")
    link = link_from_email(live_server, "sam.newton@example.org")

    journey.visit(link, "invitation")
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Rowan House")
    expect(page.get_by_role("main")).to_contain_text("sam.newton@example.org")
    expect(page.get_by_label("Your full name")).to_have_value("Sam Newton")

    # Two different passwords: told next to the second field; no account yet.
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("Type the password again").fill(NEW_PASSWORD + "x")
    journey.submit(page.get_by_role("button", name="Create my account"), "passwords differ")
    error = page.locator("#div_id_password2 .invalid-feedback")
    expect(error).to_be_visible()
    expect(error).to_contain_text("The two passwords are different")
    again = page.get_by_label("Type the password again")
    expect(again).to_have_attribute("aria-invalid", "true")
    expect(again).to_have_accessible_description(re.compile("The two passwords are different"))
    expect(page.locator("#div_id_password1 .invalid-feedback")).to_have_count(0)
    assert not User.objects.filter(email="sam.newton@example.org").exists()

    page.get_by_label("Your full name").fill("Sam Newton-Baxter")
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("Type the password again").fill(NEW_PASSWORD)
    journey.submit(page.get_by_role("button", name="Create my account"), "account created")

    expect(page).to_have_url(journey.url("/h/rowan/"))
    expect(page.get_by_role("status")).to_contain_text("Welcome to Rowan House")
    journey.open_menu_if_collapsed()
    nav = journey.main_nav()
    expect(nav.get_by_role("link", name="Sam — your account")).to_be_visible()
    expect(nav.get_by_role("link", name="My relatives", exact=True)).to_be_visible()
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    user = User.objects.get(email="sam.newton@example.org")
    assert user.full_name == "Sam Newton-Baxter"
    assert Membership.objects.get(user=user, home=world.home).role == Role.FAMILY
    assert Invitation.objects.get(email="sam.newton@example.org").accepted_at is not None

    # The same link again.
    journey.visit(link, "invitation used", status=410)
    expect(page.get_by_role("heading", level=1)).to_have_text("This invitation has already been used")
    expect(page.get_by_role("main").get_by_role("link", name="Sign in")).to_be_visible()


def test_an_expired_invitation_says_whom_to_ask(journey, world, live_server):
    page = journey.page
    invitation = invite(world, email="late.comer@example.org", full_name="Lee Latecomer")
    link = link_from_email(live_server, "late.comer@example.org")
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=1))

    journey.visit(link, "invitation expired", status=410)
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_have_text("This invitation has expired")
    expect(main).to_contain_text("Rowan House")
    phone = main.get_by_role("link", name=world.home.phone)
    expect(phone).to_be_visible()
    expect(phone).to_have_attribute("href", "tel:" + world.home.phone.replace(" ", ""))
    expect(main.get_by_role("button", name="Create my account")).to_have_count(0)
    assert not User.objects.filter(email="late.comer@example.org").exists()
