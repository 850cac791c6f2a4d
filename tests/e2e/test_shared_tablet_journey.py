"""A shared tablet in the browser (accounts.sessions, static/js/idle.js): left
alone, a staff session warns a minute before its end, can be kept, and then
signs out by itself; "Switch user" leaves nothing of the person who went; and
a person ends, from their laptop, the session they left open on a tablet.

The page's clock is Playwright's (``page.clock``): fifteen minutes pass in an
instant. The server's clock is real, so the server still counts the session
in use; the sign-out on screen is the page's own."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, BrowserLog, Journey


@pytest.fixture(autouse=True)
def _fifteen_minutes(settings):
    # The tests' settings keep sessions for longer (carehome.settings_test).
    settings.SESSION_IDLE_MINUTES_STAFF = 15
    settings.SESSION_LONGEST_HOURS_STAFF = 12


def warning(page):
    return page.get_by_role("alertdialog", name="Are you still there?")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["laptop", "phone"])
def test_a_tablet_left_alone_warns_then_signs_out(journey, world):
    page = journey.page
    page.clock.install()
    journey.sign_in(world.staff)
    residents = f"/h/{world.home.slug}/residents/"
    journey.visit(residents, "residents")
    expect(warning(page)).to_be_hidden()

    # Typing on a page counts as use: no warning while someone writes.
    page.clock.fast_forward("10:00")
    with page.expect_response(re.compile(r"/account/sessions/stay/$")) as told:
        page.keyboard.press("Shift")
    assert told.value.status == 204
    page.clock.fast_forward("10:00")
    expect(warning(page)).to_be_hidden()

    # Left alone: the warning, a minute before the end.
    page.clock.fast_forward("04:05")
    expect(warning(page)).to_be_visible()
    expect(warning(page)).to_contain_text("you will be signed out in")
    expect(warning(page).get_by_role("button", name="Stay signed in")).to_be_focused()
    journey.screenshot("the warning")
    journey.check_accessibility("the warning")

    with page.expect_response(re.compile(r"/account/sessions/stay/$")) as stayed:
        warning(page).get_by_role("button", name="Stay signed in").click()
    assert stayed.value.status == 204
    expect(warning(page)).to_be_hidden()

    # Left alone again: the warning, then the end.
    page.clock.fast_forward("14:10")
    expect(warning(page)).to_be_visible()
    with page.expect_navigation(url=re.compile(r"/login/")) as ended:
        page.clock.fast_forward("01:00")
    journey.after_navigation(ended.value, "signed out by itself")
    expect(page.get_by_role("status")).to_contain_text("You were signed out after 15 minutes without use")
    assert "next=%2Fh%2F" in page.url

    # The session is over on the server too: the page asks to sign in.
    journey.visit(residents, "the residents again")
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    expect(page.get_by_label("Email address")).to_be_visible()


def test_switch_user_leaves_nothing_of_the_person_who_went(journey, world):
    page = journey.page
    staff = world.staff.user
    journey.sign_in(staff)
    resident = f"/h/{world.home.slug}/residents/{world.resident.pk}/"
    journey.visit(resident, "a resident's page")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Margaret Baxter")

    journey.submit(journey.main_nav().get_by_role("button", name="Switch user"), "switched")
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_text("The next person can sign in below")).to_be_visible()
    expect(page.get_by_label("Email address")).to_have_value("")
    assert staff.full_name not in page.content()
    assert page.evaluate("() => window.localStorage.length") == 0

    # Back does not show the last person's page.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/login/"))
    assert "Margaret Baxter" not in page.content()

    journey.sign_in(world.champion)
    nav = journey.main_nav()
    expect(nav).to_contain_text(world.champion.user.get_short_name())
    expect(nav).not_to_contain_text(staff.get_short_name())


def test_a_person_ends_the_session_they_left_on_a_tablet(journey, world, browser, live_server):
    staff = world.staff.user
    tablet_context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 820, "height": 1180},
        locale="en-GB",
        timezone_id="Europe/London",
    )
    try:
        tablet_page = tablet_context.new_page()
        tablet_page.browser_log = BrowserLog(tablet_page)
        tablet = Journey(tablet_page, live_server, journey.name + "-tablet")
        tablet.sign_in(staff)

        page = journey.page
        journey.sign_in(staff)
        journey.visit("/account/", "account")
        journey.click(page.get_by_role("link", name="Where you are signed in"), "where signed in")
        sessions = page.locator(".signed-in-list > li")
        expect(sessions).to_have_count(2)
        expect(sessions.first).to_contain_text("This device")
        journey.submit(
            page.get_by_role("button", name=re.compile(r"^End this session")), "ended the tablet's"
        )
        expect(page.get_by_text("That session is ended")).to_be_visible()
        expect(sessions).to_have_count(1)

        tablet.visit(f"/h/{world.home.slug}/", "the tablet, afterwards")
        expect(tablet_page).to_have_url(re.compile(r"/login/"))
    finally:
        tablet_context.close()
