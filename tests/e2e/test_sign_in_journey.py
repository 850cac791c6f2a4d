"""Signing in: a wrong password is explained, repeated wrong passwords pause
signing in, and the page works from the keyboard."""

from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD

WRONG = "not-the-right-passphrase"
NO_MATCH = "That email address and password do not match an account."


def try_password(journey, password, step, *, status=200):
    page = journey.page
    page.locator("#id_password").fill(password)
    return journey.submit(page.get_by_role("button", name="Sign in", exact=True), step, status=status)


def test_a_wrong_password_is_explained(journey, world):
    page = journey.page
    user = world.staff.user
    journey.visit("/login/", "sign-in page")
    page.locator("#id_username").fill(user.email)
    try_password(journey, WRONG, "wrong password")

    expect(page).to_have_url(journey.url("/login/"))
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(NO_MATCH)
    expect(page.locator("#id_username")).to_have_value(user.email)
    expect(page.locator("#id_password")).to_have_value("")
    expect(journey.main_nav().get_by_role("button", name="Sign out")).to_have_count(0)


def test_five_wrong_passwords_pause_signing_in(journey, world):
    page = journey.page
    user = world.staff.user
    journey.visit("/login/", "sign-in page")
    page.locator("#id_username").fill(user.email)
    for attempt in range(1, 5):
        try_password(journey, WRONG, f"wrong password {attempt}")
        expect(page.get_by_role("alert")).to_contain_text(NO_MATCH)

    # The fifth wrong password reaches the limit.
    try_password(journey, WRONG, "wrong password 5", status=429)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in is paused for a while")

    # A sixth attempt, even with the right password, is refused.
    journey.visit("/login/", "sign-in page after the pause")
    page.locator("#id_username").fill(user.email)
    try_password(journey, PASSWORD, "sixth attempt, right password", status=429)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in is paused for a while")
    expect(page.get_by_role("alert")).to_contain_text("too many unsuccessful attempts")
    expect(page.get_by_role("alert")).to_contain_text("paused for 15 minutes")
    expect(page.get_by_role("link", name="set a new password by email")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    # Still signed out.
    journey.visit("/h/rowan/", "still signed out")
    expect(page).to_have_url(journey.url("/login/?next=/h/rowan/"))


def test_skip_link_is_the_first_stop_for_the_keyboard(journey):
    page = journey.page
    journey.visit("/login/", "sign-in page")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).not_to_be_in_viewport()

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    expect(skip).to_be_in_viewport()
    journey.screenshot("skip link focused")

    page.keyboard.press("Enter")
    expect(page).to_have_url(journey.url("/login/#main"))
    expect(page.locator("main#main")).to_be_focused()
