"""The week's poster prints: a member of staff opens it, it passes the
accessibility check on screen, and printed (print media, and a real A4 PDF)
it is large print with no navigation, on one or two pages. A resident's week
prints the same way; the public programme and the foyer screen are checked
as a visitor who is not signed in sees them."""

import re
from datetime import time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from community.models import Attendee, Occurrence
from community.tests.calendars_data import dated, next_monday
from community.tests.factories import AttendeeFactory, CommunitySettingsFactory, OutingFactory, PlaceFactory
from tests.e2e.conftest import PHONE, SCREENSHOTS

WEEK = [
    # (day, time, title, extra fields)
    (0, time(10, 30), "Coffee morning", {}),
    (0, time(14, 0), "Chair exercises", {}),
    (1, time(10, 0), "Gardening club", {"nature": True}),
    (1, time(14, 30), "Singing for the brain", {}),
    (2, time(10, 0), "Little Acorns nursery visit", {"intergenerational": True}),
    (2, time(15, 0), "Film afternoon: Brief Encounter", {}),
    (3, time(11, 0), "Hand massage and nails", {}),
    (3, time(14, 0), "Reminiscence: the seaside", {}),
    (4, time(10, 30), "Baking: scones", {}),
    (4, time(14, 0), "Bingo", {}),
    (5, time(14, 0), "Rowan Community Choir", {}),
    (6, time(10, 30), "Church service", {}),
    (6, time(15, 0), "Afternoon tea with families", {}),
]


@pytest.fixture
def week(world):
    monday = next_monday()
    for day, at, title, extra in WEEK:
        dated(world.home, monday + timedelta(days=day), at, title=title, space=world.space, **extra)
    lake = PlaceFactory(home=world.home, name="Hollingworth Lake")
    outing = OutingFactory(home=world.home, title="Fishing trip", place=lake, nature=True)
    trip = dated(
        world.home, monday + timedelta(days=3), time(9, 30), minutes=270, activity=outing, status="planned"
    )
    AttendeeFactory(occurrence=trip, resident=world.resident, answer=Attendee.Answer.COMING)
    dated(
        world.home,
        monday + timedelta(days=4),
        time(19, 0),
        title="Quiz night",
        status=Occurrence.Status.CANCELLED,
    )
    return monday


def _printed(page):
    """Switch to print media; the sizes that matter and whether anything but the sheet shows."""
    page.emulate_media(media="print")
    return page.evaluate(
        """() => {
        const px = (el) => el ? parseFloat(getComputedStyle(el).fontSize) : 0;
        const shown = (sel) => [...document.querySelectorAll(sel)].some(el => el.offsetParent !== null);
        // The smallest text on the sheet: every element with words of its own.
        const sizes = [...document.querySelectorAll('.sheet, .sheet *')]
          .filter(el => el.offsetParent !== null
            && [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
          .map(px);
        return {
          title: px(document.querySelector('.sheet-what')),
          smallest: Math.min(...sizes),
          nav: shown('.site-header') || shown('nav') || shown('.site-footer') || shown('.sheet-tools'),
          buttons: shown('button'),
        };
    }"""
    )


def _pdf_pages(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.pdf"
    page.pdf(path=str(path), format="A4", print_background=True, prefer_css_page_size=True)
    return len(re.findall(rb"/Type\s*/Page(?!s)", path.read_bytes()))


def test_the_weeks_poster_prints_in_large_type(journey, world, week):
    page = journey.page
    journey.sign_in(world.staff)
    journey.visit(f"/h/rowan/community/programme/poster/?week={week.isoformat()}", "the poster on screen")
    expect(page.get_by_role("heading", level=1)).to_contain_text("This week")
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("Fishing trip")
    expect(main).to_contain_text("To be confirmed")
    expect(main).to_contain_text("Young and old together")
    expect(main).not_to_contain_text("Quiz night")

    printed = _printed(page)
    assert printed["title"] >= 24, printed  # activity titles: 24pt printed (32px)
    assert printed["smallest"] >= 24, printed  # every word 18pt (24px) and up
    assert not printed["nav"] and not printed["buttons"], printed
    page.screenshot(path=str(SCREENSHOTS / "community-poster-print.png"), full_page=True)
    assert 1 <= _pdf_pages(page, "community-poster") <= 2


def test_a_residents_week_prints_too(journey, world, week):
    page = journey.page
    journey.sign_in(world.staff)
    journey.visit("/h/rowan/community/my-week/", "choose a resident")
    page.get_by_label("Who is it for?").select_option(label="Margaret Baxter (Peggy)")
    page.get_by_label("Which week?").select_option(value=week.isoformat())
    journey.submit(page.get_by_role("button", name="Show their week"), "Peggy's week")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your week, Peggy")
    expect(page.get_by_role("heading", name="Also on this week")).to_be_visible()
    printed = _printed(page)
    assert printed["title"] >= 24 and printed["smallest"] >= 24 and not printed["nav"], printed
    page.screenshot(path=str(SCREENSHOTS / "community-my-week-print.png"), full_page=True)
    assert _pdf_pages(page, "community-my-week") <= 2


def test_a_visitor_reads_the_public_programme_and_the_foyer_screen(journey, world, week):
    CommunitySettingsFactory(home=world.home, publish_programme=True)
    page = journey.page
    page.set_viewport_size(PHONE)
    page.clock.install()
    journey.visit("/programme/rowan/", "the public programme")
    expect(page.get_by_role("heading", level=1)).to_have_text("What's on")
    expect(page.locator("main")).not_to_contain_text("Peggy")
    journey.click(page.get_by_role("link", name="show today and tomorrow on a screen"), "the foyer screen")
    expect(page.get_by_role("heading", level=2).first).to_contain_text("Today")
    # Five minutes on, the screen shows what was added since, by itself.
    tomorrow = timezone.localdate() + timedelta(days=1)
    dated(world.home, tomorrow, time(11, 0), title="Pop-up ice cream van")
    page.clock.run_for("05:01")
    expect(page.locator("main")).to_contain_text("Pop-up ice cream van")
    journey.assert_no_browser_errors("the foyer screen after five minutes")
