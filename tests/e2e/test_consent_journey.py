"""The consent register in the browser: a manager records, for Peggy, her
attorney's consent to news for her daughter and to volunteers' visits; staff
share news, which her daughter reads; the consent to news is withdrawn, and
the news is gone from the daughter's page on her next visit."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from residents.models import Consent
from tests.e2e.conftest import DESKTOP, PHONE, BrowserLog, Journey


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["laptop", "phone"])
def test_consent_to_news_names_a_relative_and_its_withdrawal_stops_the_news(
    journey, world, browser, live_server
):
    Consent.objects.all().delete()  # an empty register to start from
    page = journey.page
    register = f"/h/{world.home.slug}/residents/{world.resident.pk}/consent/"

    journey.sign_in(world.manager)
    journey.visit(register, "the register, empty")
    expect(page.get_by_role("heading", name="Consent", exact=True)).to_be_visible()
    journey.click(page.get_by_role("link", name="Record consent"), "record consent")

    page.get_by_label("News shared with named relatives").check()
    page.get_by_label("Visits and contact from volunteers").check()
    page.get_by_label("Their attorney", exact=False).check()
    page.get_by_label("Their name (if not the resident)").fill("Susan Whitfield")
    journey.submit(page.get_by_role("button", name="Record consent"), "missing the relatives and the power")
    expect(page.locator("#error_1_id_relatives, [id^=error][id*=relatives]").first).to_contain_text(
        "Choose the relatives news may be shared with"
    )
    page.get_by_label("Linda Baxter (daughter)").check()
    page.get_by_label("The power they hold (if not the resident)").fill(
        "Health and welfare LPA registered 3 May 2021, seen by the manager"
    )
    journey.submit(page.get_by_role("button", name="Record consent"), "recorded")
    expect(page.get_by_role("status")).to_contain_text("was recorded for Peggy")
    news_row = page.get_by_role("row", name=re.compile("News shared with named relatives"))
    expect(news_row).to_contain_text("To Linda Baxter (daughter)")
    expect(news_row).to_contain_text("Susan Whitfield")

    # Staff share news; Linda reads it.
    journey.visit(reverse("visits:update_add", args=[world.home.slug, world.resident.pk]), "share news")
    expect(page.get_by_text("Linda Baxter", exact=False).first).to_be_visible()
    page.get_by_label("The news to share").fill("Peggy sang at the singing group this morning.")
    journey.submit(page.get_by_role("button", name="Share with the family"), "news shared")

    linda_context = browser.new_context(base_url=live_server.url, viewport=page.viewport_size)
    try:
        linda_page = linda_context.new_page()
        linda_page.browser_log = BrowserLog(linda_page)
        linda = Journey(linda_page, live_server, journey.name + "-linda")
        linda.sign_in(world.relative)
        linda.visit(reverse("residents:family", args=[world.home.slug]), "Linda's page")
        expect(linda_page.get_by_text("Peggy sang at the singing group this morning.")).to_be_visible()

        # The consent to news is withdrawn: on Linda's next page, the news has gone.
        journey.visit(register, "the register")
        journey.click(
            page.get_by_role("link", name="Withdraw consent for news shared with named relatives"),
            "withdraw",
        )
        page.get_by_label("Who withdrew it, and how").fill("Susan Whitfield (attorney), by phone")
        journey.submit(page.get_by_role("button", name="Withdraw consent"), "withdrawn")
        expect(page.get_by_role("region", name="Withdrawn before")).to_contain_text(
            "Susan Whitfield (attorney)"
        )

        linda.visit(reverse("residents:family", args=[world.home.slug]), "Linda's page again")
        expect(linda_page.get_by_text("Peggy sang at the singing group this morning.")).to_have_count(0)
    finally:
        linda_context.close()
