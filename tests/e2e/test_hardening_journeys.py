"""The safety nets a busy home relies on, walked in a browser on a phone and
on a PC: a wrong connection-log entry corrected and then struck out; two
people editing the same part of a plan at once; a form that can no longer be
saved after signing in again elsewhere; and a photo that is far too large."""

import re
import struct
import zlib
from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import expect

from residents.models import Connection, PersonalPlan
from residents.tests.factories import PersonalPlanFactory
from tests.e2e.conftest import DESKTOP, PHONE, TIMEOUT_MS, BrowserLog, Journey

VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])

TOO_LARGE = (
    "This picture is too large: 13,000 × 13,000 pixels. Please use one under 40 megapixels, "
    "for example by taking it on a phone camera's normal setting."
)


def fits_the_screen(walk):
    """Every page the journey reaches must also fit the window: no sideways scrolling."""
    checked = walk.after_navigation

    def after_navigation(response, step, *, status=200):
        result = checked(response, step, status=status)
        assert_fits(walk, step)
        return result

    walk.after_navigation = after_navigation
    return walk


def assert_fits(walk, step):
    widths = walk.page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]",
    )
    assert widths[0] <= widths[1], f"{step}: the page is {widths[0]}px wide in a {widths[1]}px window"


@pytest.fixture
def walk(journey):
    return fits_the_screen(journey)


@pytest.fixture
def second_walk(request, browser, live_server, viewport):
    """``second_walk(suffix)``: another person's browser (a context of its own,
    so a session of its own), checked page by page like the first."""
    opened = []

    def make(suffix):
        phone = viewport["width"] < 576
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport,
            is_mobile=phone,
            has_touch=phone,
            locale="en-GB",
            timezone_id="Europe/London",
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.browser_log = BrowserLog(page)
        name = re.sub(r"[^a-z0-9]+", "-", request.node.name.removeprefix("test_").lower()).strip("-")
        walk = fits_the_screen(Journey(page, live_server, f"{name}-{suffix}"))
        opened.append((context, walk))
        return walk

    yield make
    for context, walk in opened:
        if not getattr(request.node, "e2e_call_failed", False):
            walk.assert_no_browser_errors("end of journey")
        context.close()


def bomb_png(width=13_000, height=13_000):
    """A PNG of a few dozen bytes whose header declares ``width`` × ``height`` pixels."""
    out = BytesIO()
    Image.new("L", (1, 1)).save(out, format="PNG")
    data = bytearray(out.getvalue())
    assert data[12:16] == b"IHDR"  # after the 8-byte signature and the chunk's length
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


# --- a. Correcting and striking out a connection-log entry --------------------


@VIEWPORTS
def test_a_carer_corrects_then_strikes_out_a_connection(walk, world, viewport):
    page = walk.page
    main = page.get_by_role("main")
    peggy = world.resident
    timeline = f"/h/rowan/residents/{peggy.pk}/timeline/"

    walk.sign_in(world.staff)
    walk.visit(timeline, "an empty timeline")
    expect(main).to_contain_text("No connections recorded for Peggy yet.")

    # Log a one-to-one chat with Peggy.
    walk.click(main.get_by_role("link", name="Log a connection for Peggy"), "log a connection")
    expect(main).to_contain_text("Who took part Margaret Baxter (Peggy)")
    page.get_by_text("A member of staff", exact=True).click()
    page.get_by_text("In person", exact=True).click()
    page.get_by_label("Anything else to remember (optional)").fill("Talked about her garden in Leeds.")
    walk.submit(page.get_by_role("button", name="Save the connection"), "connection saved")
    expect(page.get_by_role("status")).to_contain_text("Saved: a connection logged for Peggy.")
    logged = Connection.objects.get(note="Talked about her garden in Leeds.")

    # The worklist counts it: Peggy is not among the quiet ones.
    walk.visit("/h/rowan/residents/worklist/", "worklist with the entry")
    quiet = page.get_by_role("region", name=re.compile("^No meaningful connection"))
    quiet_count = page.get_by_role("navigation", name="Parts of this list").get_by_role(
        "link", name=re.compile("no meaningful connection lately")
    )
    expect(quiet).not_to_contain_text("Margaret Baxter")
    expect(quiet_count).to_have_text("1 no meaningful connection lately")  # Arthur only

    # Open it from the timeline and correct the note.
    walk.visit(timeline, "timeline with the entry")
    entry = page.locator(".timeline-entry").first
    expect(entry).to_contain_text("Talked about her garden in Leeds.")
    walk.click(entry.get_by_role("link", name=re.compile("^Details")), "the entry")
    expect(main).to_contain_text("Talked about her garden in Leeds.")
    walk.visit(timeline, "back to the timeline")
    walk.click(
        page.locator(".timeline-entry").first.get_by_role("link", name=re.compile("^Correct")), "correct it"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Correct this entry")
    note = page.get_by_label("Anything else to remember (optional)")
    expect(note).to_have_value("Talked about her garden in Leeds.")
    note.fill("Talked about her garden in Harrogate.")
    walk.submit(page.get_by_role("button", name="Save the correction"), "corrected")
    expect(page.get_by_role("status")).to_contain_text("The entry was corrected.")
    entry = page.locator(".timeline-entry").first
    expect(entry).to_contain_text("Talked about her garden in Harrogate.")
    logged.refresh_from_db()
    assert logged.note == "Talked about her garden in Harrogate."

    # Strike it out: a reason is needed first, explained next to the field.
    walk.click(entry.get_by_role("link", name=re.compile("^Strike out")), "strike it out")
    expect(page.get_by_role("heading", level=1)).to_have_text("Strike out this entry")
    walk.submit(page.get_by_role("button", name="Strike out the entry"), "no reason given")
    reason = page.get_by_label("Why is this entry wrong?")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_reason_error")).to_be_visible()
    logged.refresh_from_db()
    assert logged.struck_out_at is None
    reason.fill("Logged for the wrong resident")
    walk.submit(page.get_by_role("button", name="Strike out the entry"), "struck out")
    expect(page.get_by_role("status")).to_contain_text("The entry was struck out.")

    # The timeline keeps it, struck through, with the reason.
    entry = page.locator(".timeline-entry").first
    expect(entry).to_have_class(re.compile(r"\btimeline-struck-out\b"))
    expect(entry).to_contain_text(f"Struck out by {world.staff.user.full_name}")
    expect(entry).to_contain_text("It does not count. Reason: Logged for the wrong resident")
    expect(entry.locator("del")).to_contain_text("Talked about her garden in Harrogate.")
    for struck in [entry.locator("del"), entry.locator("del .response-badge")]:
        assert "line-through" in struck.evaluate("el => getComputedStyle(el).textDecorationLine")
    expect(entry.get_by_role("link", name=re.compile("^Strike out"))).to_have_count(0)
    logged.refresh_from_db()
    assert logged.struck_out_reason == "Logged for the wrong resident"

    # The worklist no longer counts it: Peggy is quiet again.
    walk.visit("/h/rowan/residents/worklist/", "worklist without the entry")
    expect(quiet).to_contain_text("Margaret Baxter (Peggy)")
    expect(quiet_count).to_have_text("2 no meaningful connection lately")

    # Striking it out again is refused in plain words, with a way back.
    walk.visit(f"{timeline}{logged.pk}/strike-out/", "already struck out", status=403)
    expect(page.get_by_role("heading", level=1)).to_have_text("This entry cannot be changed")
    walk.click(main.get_by_role("link", name="Back to Peggy's connections"), "back from the refusal")
    expect(page.get_by_role("heading", level=2, name="Connections, newest first")).to_be_visible()


# --- b. Two people edit the same part of a plan ------------------------------


@VIEWPORTS
def test_two_people_edit_the_same_plan_section(walk, second_walk, world, viewport):
    peggy = world.resident
    peggy.key_worker = world.staff.user
    peggy.save()
    PersonalPlanFactory(resident=peggy, what_matters="A cup of tea in her own mug.")
    section = f"/h/rowan/residents/{peggy.pk}/plan/edit/matters/"

    # Ruth (the manager) and Aisha (Peggy's key worker) both open "What matters to me".
    manager = walk
    manager.sign_in(world.manager)
    manager.visit(section, "manager opens the section")
    staff = second_walk("staff")
    staff.sign_in(world.staff)
    staff.visit(section, "staff opens the section")

    # Ruth saves first.
    manager.page.get_by_label("What matters to me").fill("Tea in the garden at three o'clock.")
    manager.submit(manager.page.get_by_role("button", name="Save"), "manager saved")
    expect(manager.page.get_by_role("status")).to_contain_text("“What matters to me” was saved.")

    # Aisha saves hers and is told, before anything of Ruth's is lost.
    page = staff.page
    field = page.get_by_label("What matters to me")
    field.fill("Music on Sunday mornings, Vera Lynn especially.")
    staff.submit(page.get_by_role("button", name="Save"), "staff sees the conflict")
    box = page.get_by_role("region", name=re.compile("^Saved by Ruth Adeyemi"))
    expect(box).to_be_visible()
    expect(box.get_by_role("heading")).to_have_text(
        re.compile(r"^Saved by Ruth Adeyemi at \d\d:\d\d on \d+ \w+ \d{4}$")
    )
    expect(box.get_by_role("columnheader")).to_have_text(["Saved now", "Yours"])
    difference = box.get_by_role("rowgroup").filter(has_text="What matters to me")
    expect(difference.get_by_role("cell")).to_have_text(
        ["Tea in the garden at three o'clock.", "Music on Sunday mornings, Vera Lynn especially."]
    )
    expect(page.get_by_role("alert")).to_contain_text("Ruth Adeyemi saved a change to this")
    expect(field).to_have_value("Music on Sunday mornings, Vera Lynn especially.")
    plan = PersonalPlan.objects.get(resident=peggy)
    assert plan.what_matters == "Tea in the garden at three o'clock."

    # Save again: hers is saved, knowingly.
    staff.submit(page.get_by_role("button", name="Save"), "staff saved again")
    expect(page.get_by_role("status")).to_contain_text("“What matters to me” was saved.")
    expect(page.get_by_role("main")).to_contain_text("Music on Sunday mornings, Vera Lynn especially.")
    plan.refresh_from_db()
    assert plan.what_matters == "Music on Sunday mornings, Vera Lynn especially."


# --- c. A form that can no longer be saved ------------------------------------


@VIEWPORTS
def test_a_stale_form_gets_kiths_own_page(walk, world, viewport):
    page = walk.page
    peggy = world.resident
    peggy.key_worker = world.staff.user
    peggy.save()
    section = f"/h/rowan/residents/{peggy.pk}/plan/edit/goals/"

    walk.sign_in(world.staff)
    walk.visit(section, "the form")
    page.get_by_role("textbox").first.fill("Walk to the post box with Aisha.")

    # In another tab of the same browser: sign out and back in.
    other = Journey(page.context.new_page(), walk.live_server, f"{walk.name}-other-tab")
    other.page.browser_log = BrowserLog(other.page)
    fits_the_screen(other)
    other.visit("/", "other tab")
    other.open_menu_if_collapsed()
    other.submit(other.page.get_by_role("button", name="Sign out"), "signed out in the other tab")
    other.sign_in(world.staff)

    # Back in the first tab the form can no longer be saved.
    walk.submit(page.get_by_role("button", name="Save"), "stale form", status=403)
    expect(page.get_by_role("heading", level=1)).to_have_text("Nothing was saved")
    expect(page.get_by_role("main")).to_contain_text("signed in again in another tab")
    expect(page.get_by_text("CSRF verification failed")).to_have_count(0)
    expect(page.locator(".site-header")).to_be_visible()
    assert not PersonalPlan.objects.filter(resident=peggy, goals__contains="post box").exists()

    # The link goes back to the form, which now saves.
    walk.click(page.get_by_role("link", name="Go back to the page"), "back to the form")
    assert page.url.endswith(section)
    page.get_by_role("textbox").first.fill("Walk to the post box with Aisha.")
    walk.submit(page.get_by_role("button", name="Save"), "saved after all")
    expect(page.get_by_role("status")).to_contain_text("was saved")
    other.assert_no_browser_errors("end of the other tab")


def test_a_form_without_its_cookie_gets_kiths_own_page(walk, world):
    page = walk.page
    walk.sign_in(world.manager)
    edit = f"/h/rowan/residents/{world.resident.pk}/edit/"
    walk.visit(edit, "the form")
    page.context.clear_cookies(name="csrftoken")
    walk.submit(page.get_by_role("button", name="Save the changes"), "no cookie", status=403)
    expect(page.get_by_role("heading", level=1)).to_have_text("Nothing was saved")
    walk.click(page.get_by_role("link", name="Go back to the page"), "back to the form")
    assert page.url.endswith(edit)


# --- d. A photo that is far too large -----------------------------------------


@VIEWPORTS
def test_a_decompression_bomb_photo_is_refused_next_to_the_field(walk, world, viewport, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    page = walk.page
    peggy = world.resident
    walk.sign_in(world.manager)
    walk.visit(f"/h/rowan/residents/{peggy.pk}/edit/", "edit details")
    bomb = bomb_png()
    assert len(bomb) < 1000
    page.get_by_label("Choose a photo").set_input_files(
        {"name": "holiday.png", "mimeType": "image/png", "buffer": bomb}
    )
    page.get_by_role("checkbox", name=re.compile("agree", re.I)).first.check()
    walk.submit(page.get_by_role("button", name="Save the changes"), "photo refused")
    error = page.locator("#id_photo_error")
    expect(error).to_be_visible()
    expect(error).to_contain_text(TOO_LARGE)
    photo = page.locator("#id_photo")
    expect(photo).to_have_attribute("aria-invalid", "true")
    expect(photo).to_have_accessible_description(re.compile("This picture is too large"))
    peggy.refresh_from_db()
    assert not peggy.photo
    assert not list(tmp_path.rglob("*.jpg"))
