"""Privacy in the browser, as a manager: Peggy's attorney asks for a copy of
what the home holds about her; the manager records the request, downloads the
PDF (her records, no other resident), and notes it was sent. Then Keeping
records: a resident who left eleven years ago is held while a complaint is
open, the hold ends, and her records are anonymised."""

import re

import pytest
from playwright.sync_api import expect

from homes.scoping import home_scope
from privacy.tests.factories import leaver_in
from privacy.tests.test_export import pdf_text
from tests.e2e.conftest import DESKTOP, PHONE


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["laptop", "phone"])
def test_a_manager_answers_a_request_and_keeps_a_record_while_a_complaint_is_open(journey, world, tmp_path):
    page = journey.page
    edna = leaver_in(world.home, years_ago=11, name="Edna Former")
    journey.sign_in(world.manager)

    journey.visit(f"/h/{world.home.slug}/privacy/requests/", "requests, none yet")
    expect(page.get_by_text("No request is waiting for a reply.")).to_be_visible()
    journey.click(page.get_by_role("link", name="Record a request"), "record a request")
    page.get_by_label("Whose data is it?").select_option(label="Margaret Baxter (Peggy)")
    page.get_by_label("How you checked who they are").fill("LPA document seen by the manager")
    journey.submit(page.get_by_role("button", name="Record the request"), "missing who asked")
    expect(page.locator("[id^=error][id*=requested_by]").first).to_contain_text("Say who asked")
    page.get_by_label("Who asked").fill("Her son Tom, who holds a health and welfare LPA")
    journey.submit(page.get_by_role("button", name="Record the request"), "recorded")
    expect(page.get_by_role("status")).to_contain_text("The reply is due by")
    expect(page.get_by_role("heading", level=1)).to_contain_text("the data of Margaret Baxter (Peggy)")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    saved = tmp_path / "export.pdf"
    download.value.save_as(saved)
    text = pdf_text(saved.read_bytes())
    assert "Margaret Baxter" in text and "Arthur Hughes" not in text
    journey.visit(page.url, "the download is logged")
    expect(page.get_by_role("region", name="Downloads of this request's data")).to_contain_text("PDF")

    page.get_by_label("How it was sent, or why it was withdrawn").fill("Handed to Tom in person")
    journey.submit(page.get_by_role("button", name="Close the request"), "sent")
    expect(page.get_by_role("status")).to_contain_text("is closed")

    journey.click(page.get_by_role("link", name="All requests for personal data"), "the list")
    journey.click(page.get_by_role("link", name="Keeping records"), "keeping records")
    due = page.get_by_role("region", name="Records due to be anonymised")
    expect(due).to_contain_text("Edna Former")
    journey.click(due.get_by_role("link", name=re.compile("Hold")), "hold Edna's records")
    journey.submit(page.get_by_role("button", name="Hold the records"), "no reason")
    expect(page.locator("[id^=error][id*=reason]").first).to_contain_text(
        "Say why these records must be kept"
    )
    page.get_by_label("Why these records must be kept").fill("Her family's complaint is open")
    journey.submit(page.get_by_role("button", name="Hold the records"), "held")
    expect(page.get_by_role("region", name="Records held")).to_contain_text("Her family's complaint is open")

    journey.click(page.get_by_role("link", name=re.compile("End the hold")), "end the hold")
    page.get_by_label("Why the hold ends").fill("Complaint closed")
    journey.submit(page.get_by_role("button", name="End the hold"), "hold ended")
    journey.click(page.get_by_role("link", name=re.compile("Anonymise now")), "anonymise now?")
    expect(page.get_by_text("This cannot be undone.")).to_be_visible()
    journey.submit(page.get_by_role("button", name="Anonymise the records"), "anonymised")
    expect(page.get_by_role("region", name="Records anonymised")).to_contain_text("A resident")
    expect(page.get_by_text("Edna Former")).to_have_count(0)
    with home_scope(world.home):
        edna.refresh_from_db()
    assert edna.full_name == f"Former resident {edna.pk}"
