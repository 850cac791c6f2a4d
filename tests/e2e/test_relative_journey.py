"""A relative signs in on a computer or on their phone: they see their own
relative and nothing else, and pages outside their role are explained kindly."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_relative_sees_only_their_relative(journey, world, viewport):
    page = journey.page
    main = page.get_by_role("main")

    journey.sign_in(world.relative)
    expect(page).to_have_url(journey.url("/h/rowan/"))
    expect(main).to_contain_text("Margaret Baxter")
    expect(page.locator("body")).not_to_contain_text("Arthur Hughes")

    journey.open_menu_if_collapsed()
    nav = journey.main_nav()
    expect(nav.get_by_role("link", name="Home", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="My relatives", exact=True)).to_be_visible()
    for hidden in ["Residents", "People", "Spaces"]:
        expect(nav.get_by_role("link", name=hidden, exact=True)).to_have_count(0)
        expect(nav).not_to_contain_text(hidden)

    journey.click(nav.get_by_role("link", name="My relatives", exact=True), "my relatives")
    expect(page).to_have_url(journey.url("/h/rowan/residents/family/"))
    expect(main.get_by_role("heading", name="Margaret Baxter")).to_be_visible()
    expect(main).to_contain_text("daughter")
    expect(page.locator("body")).not_to_contain_text("Arthur Hughes")
    journey.open_menu_if_collapsed()
    expect(nav.get_by_role("link", name="My relatives", exact=True)).to_have_attribute("aria-current", "page")

    # Typing a staff page's address: the friendly 403 page, no names.
    journey.visit("/h/rowan/residents/", "residents is not for relatives", status=403)
    expect(page.get_by_role("heading", level=1)).to_have_text("This page is not available to you")
    expect(page.locator("body")).not_to_contain_text("Arthur Hughes")
    expect(page.locator("body")).not_to_contain_text("Margaret Baxter")

    # Another home: the friendly 404 page, as if it did not exist.
    journey.visit("/h/birch/", "another home is not found", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("We could not find that page")
    expect(page.locator("body")).not_to_contain_text("Birch Court")
    expect(page.locator("body")).not_to_contain_text("Doris Foreign")
