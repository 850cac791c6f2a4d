"""Two-step verification in the browser: a manager sets it up from the
reminder, signs out, signs in with the app's code, and on another day with a
recovery code; no home page opens in between. The authenticator app is
played by django-otp's own TOTP, fed the key the page shows."""

import re
from base64 import b32decode
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE


def app_code(secret):
    """What an authenticator app shows now for the key typed from the page."""
    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{TOTP(key).token():06d}"


def sign_out(journey):
    journey.submit(journey.main_nav().get_by_role("button", name="Sign out"), "signed out")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["laptop", "phone"])
def test_a_manager_sets_it_up_then_signs_in_with_the_app_and_with_a_recovery_code(journey, world):
    page = journey.page
    manager = world.manager.user
    journey.sign_in(manager)
    reminder = page.locator(".two-step-reminder")
    expect(reminder).to_be_visible()
    journey.click(reminder.get_by_role("link", name="set it up"), "set-up page")

    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    secret = page.locator(".secret-key").inner_text()
    page.get_by_label("Code").fill("000000")
    journey.submit(page.get_by_role("button", name="Turn on two-step verification"), "a wrong code")
    expect(page.locator("#error_1_id_code, .invalid-feedback").first).to_contain_text(
        "That code is not right"
    )

    page.get_by_label("Code").fill(app_code(secret))
    journey.submit(page.get_by_role("button", name="Turn on two-step verification"), "recovery codes")
    expect(page.get_by_role("heading", level=1)).to_have_text("Save your recovery codes")
    codes = page.get_by_role("list", name="Recovery codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    journey.click(page.get_by_role("link", name="I have saved them"), "back to work")
    expect(page.locator(".two-step-reminder")).to_have_count(0)
    sign_out(journey)

    # The next sign-in asks for the code before any page of the home.
    with time_machine.travel(timezone.now() + timedelta(seconds=40), tick=True):
        journey.sign_in(manager)
        expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
        journey.visit(f"/h/{world.home.slug}/residents/", "a home page before the code")
        expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
        page.get_by_label("Code").fill(app_code(secret))
        journey.submit(page.get_by_role("button", name="Continue"), "after the code")
        expect(page).to_have_url(re.compile(rf"/h/{world.home.slug}/residents/$"))
        sign_out(journey)

    # A lost phone: a recovery code, once.
    journey.sign_in(manager)
    page.get_by_label("Code").fill(codes[0])
    journey.submit(page.get_by_role("button", name="Continue"), "with a recovery code")
    expect(
        page.get_by_role("alert").or_(page.get_by_role("status")).filter(has_text="9 left").first
    ).to_be_visible()
    journey.visit("/account/two-step/", "two-step settings")
    expect(page.get_by_text("You have 9 recovery codes left")).to_be_visible()
