"""A home manager signs in, invites someone, gets a bad invitation form
explained, adds a space and reads its history."""

import re

from django.core import mail
from playwright.sync_api import expect

from homes.models import Invitation, Space


def test_manager_invites_someone_and_adds_a_space(journey, world):
    page = journey.page
    manager = world.manager.user

    journey.sign_in(manager)
    expect(page).to_have_url(journey.url("/h/rowan/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Rowan House")

    nav = journey.main_nav()
    for label in ["Home", "Residents", "People", "Spaces"]:
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Home", exact=True)).to_have_attribute("aria-current", "page")

    # People → invite someone.
    journey.click(nav.get_by_role("link", name="People", exact=True), "people")
    expect(page).to_have_url(journey.url("/h/rowan/people/"))
    nav = journey.main_nav()  # a new page: the menu is closed again below 1400 px
    expect(nav.get_by_role("link", name="People", exact=True)).to_have_attribute("aria-current", "page")
    journey.click(page.get_by_role("link", name="Invite someone"), "invite form")

    page.get_by_label("Their name").fill("Sam Newton")
    page.get_by_label("Their email address").fill("sam.newton@example.org")
    page.get_by_label("Their role at this home").select_option(label="Family or friend")
    page.get_by_label("A personal note (optional)").fill("Hello Sam, this is how we share news.")
    journey.submit(page.get_by_role("button", name="Send the invitation"), "invitation sent")

    expect(page).to_have_url(journey.url("/h/rowan/people/"))
    expect(page.get_by_role("status")).to_contain_text("Invitation sent to sam.newton@example.org")
    waiting = page.get_by_role("region", name="Invitations waiting")
    row = waiting.get_by_role("row").filter(has_text="sam.newton@example.org")
    expect(row).to_contain_text("Sam Newton")
    expect(row).to_contain_text("Family or friend")
    assert Invitation.objects.filter(home=world.home).count() == 1
    assert [m.to for m in mail.outbox] == [["sam.newton@example.org"]]

    # A malformed email and an empty name are explained next to the fields,
    # and nothing is created.
    journey.click(page.get_by_role("link", name="Invite someone"), "invite form again")
    page.get_by_label("Their name").fill("")
    page.get_by_label("Their email address").fill("not-an-email")
    journey.submit(page.get_by_role("button", name="Send the invitation"), "invite form with errors")

    expect(page).to_have_url(journey.url("/h/rowan/people/invite/"))
    name_error = page.locator("#div_id_full_name .invalid-feedback")
    email_error = page.locator("#div_id_email .invalid-feedback")
    expect(name_error).to_have_text(re.compile(r"\S"))
    expect(name_error).to_be_visible()
    expect(email_error).to_contain_text("email address")
    expect(email_error).to_be_visible()
    name_field = page.get_by_label("Their name")
    email_field = page.get_by_label("Their email address")
    expect(name_field).to_have_attribute("aria-invalid", "true")
    expect(email_field).to_have_attribute("aria-invalid", "true")
    # The messages are read out with the fields, not just placed near them.
    expect(name_field).to_have_accessible_description(re.compile(re.escape(name_error.inner_text().strip())))
    expect(email_field).to_have_accessible_description(
        re.compile(re.escape(email_error.inner_text().strip()))
    )
    expect(email_field).to_have_value("not-an-email")
    # kith.js moves focus to the first field that needs fixing.
    expect(name_field).to_be_focused()
    assert Invitation.objects.filter(home=world.home).count() == 1
    assert len(mail.outbox) == 1

    # Spaces → add a space → its history.
    journey.click(journey.main_nav().get_by_role("link", name="Spaces", exact=True), "spaces")
    expect(page).to_have_url(journey.url("/h/rowan/spaces/"))
    journey.click(page.get_by_role("link", name="Add a space"), "add a space")
    page.get_by_label("Name").fill("Quiet lounge")
    page.get_by_label("Kind").select_option(label="Lounge")
    page.get_by_label("Capacity (people)").fill("4")
    page.get_by_label("Description").fill("Two armchairs by the window, away from the television.")
    journey.submit(page.get_by_role("button", name="Save"), "space saved")

    expect(page).to_have_url(journey.url("/h/rowan/spaces/"))
    expect(page.get_by_role("status")).to_contain_text("Quiet lounge")
    row = page.get_by_role("row").filter(has_text="Quiet lounge")
    expect(row).to_contain_text("4 people")
    assert Space.objects.filter(home=world.home, name="Quiet lounge", capacity=4).exists()

    journey.click(row.get_by_role("link", name="History of Quiet lounge"), "space history")
    expect(page.get_by_role("heading", level=1)).to_have_text("History: Quiet lounge")
    expect(page.get_by_role("main")).to_contain_text(f"Created by {manager.full_name}")
