"""The manager's self-evaluation: start one for the quarter, see the evidence
Kith pulled from the records, rate each quality statement with the reasons,
add evidence and an improvement action, complete it, see it beside last
quarter's, and download the evidence pack; the PDF opens and shows the
ratings (its first page is drawn as a PNG to look at)."""

from datetime import date

import pypdfium2 as pdfium
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from community.tests.factories import CommunitySettingsFactory
from evaluation.models import Evaluation, ImprovementAction
from evaluation.tests.factories import evaluation_for
from homes.models import Organisation
from homes.tests.factories import OrganisationFactory
from tests.e2e.conftest import DESKTOP, PHONE, SCREENSHOTS


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["laptop", "phone"])
def test_manager_completes_a_self_evaluation_and_downloads_the_pack(journey, world, viewport):
    page = journey.page
    main = page.get_by_role("main")
    last = evaluation_for(world.home, start=date(2026, 4, 1), end=date(2026, 6, 30), rated=2, completed=True)

    journey.sign_in(world.manager)
    journey.click(journey.main_nav().get_by_role("link", name="Outcomes"), "the outcomes dashboard")
    expect(main.get_by_role("heading", name="Meaningful connection")).to_be_visible()
    journey.click(main.get_by_role("link", name="Self-evaluations"), "the self-evaluations")
    expect(main).to_contain_text(str(last))
    journey.click(main.get_by_role("link", name="Start a self-evaluation"), "the start form")
    page.get_by_label("First day of the period").fill("2026-07-01")
    page.get_by_label("Last day of the period").fill("2026-09-30")
    page.get_by_label("Name (optional)").fill("Summer 2026 review")
    journey.submit(page.get_by_role("button", name="Start"), "the new self-evaluation")
    expect(page.get_by_role("heading", level=1)).to_have_text("Summer 2026 review")
    independence = main.get_by_role("article", name="Independence, choice and control")
    expect(independence).to_contain_text("From the records")
    expect(independence).to_contain_text("visits and calls a week from people who matter")

    # A rating without reasons is refused next to the field.
    journey.click(independence.get_by_role("link", name="Rate this theme"), "rating form")
    page.get_by_label("3 – Good standard").check()
    journey.submit(page.get_by_role("button", name="Save the rating"), "rating refused")
    expect(page.locator("#id_rationale")).to_have_attribute("aria-invalid", "true")
    expect(main).to_contain_text("Say in a sentence or two why you gave this rating.")
    page.get_by_label("Why this rating").fill("Families book online; most residents see someone weekly.")
    journey.submit(page.get_by_role("button", name="Save the rating"), "rating saved")
    expect(page.get_by_role("status")).to_contain_text("Independence, choice and control is saved.")

    # Evidence the records do not show.
    journey.click(independence.get_by_role("link", name="Add evidence"), "evidence form")
    page.get_by_label("Kind of evidence").select_option(label="Feedback from partners")
    page.locator("#id_text").fill("The library's outreach worker: residents lead the reading group.")
    journey.submit(page.get_by_role("button", name="Add the evidence"), "evidence added")
    expect(independence).to_contain_text("residents lead the reading group")

    # Every other statement, rated.
    made = Evaluation.objects.for_home(world.home).get(title="Summer 2026 review")
    while main.get_by_role("link", name="Rate this theme").count():
        journey.click(main.get_by_role("link", name="Rate this theme").first, "rating form")
        page.get_by_label("2 – Some shortfalls").check()
        page.get_by_label("Why this rating").fill("Some residents are left out of group activities.")
        journey.submit(page.get_by_role("button", name="Save the rating"), "rating saved")

    # An improvement action for a statement.
    journey.click(independence.get_by_role("link", name="Add an action"), "action form")
    page.get_by_label("What we will do").fill("Offer every resident a video call slot each week.")
    page.get_by_label("Who will lead it").select_option(label="Ruth Adeyemi")
    page.get_by_label("Due by").fill("2027-01-31")
    journey.submit(page.get_by_role("button", name="Add the action"), "action added")
    expect(independence).to_contain_text("Offer every resident a video call slot each week.")
    assert ImprovementAction.objects.for_home(world.home).get().evaluation_id == made.pk

    journey.click(main.get_by_role("link", name="Complete this self-evaluation"), "complete form")
    page.get_by_label("What we do well, and what we will improve").fill("Visiting is strong; peers next.")
    journey.submit(page.get_by_role("button", name="Complete and keep it"), "completed")
    expect(main).to_contain_text("Completed on")
    expect(independence).to_contain_text("This time: 3 Good standard")
    expect(independence).to_contain_text("Last time: 2 Some shortfalls (up 1)")

    with page.expect_download() as download:
        main.get_by_role("button", name="Download the PDF").click()
    path = download.value.path()
    document = pdfium.PdfDocument(str(path))
    first = document[0].get_textpage().get_text_range()
    assert "Summer 2026 review" in first
    assert "Independence, choice and control 3 Good standard 2 Some shortfalls" in " ".join(first.split())
    name = f"evaluation-pack-{'phone' if viewport == PHONE else 'laptop'}-page-1.png"
    document[0].render(scale=1.4).to_pil().save(SCREENSHOTS / name)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["laptop", "phone"])
def test_manager_shares_the_figures_and_the_connector_sees_them_without_names(journey, world, viewport):
    page = journey.page
    main = page.get_by_role("main")
    charity = OrganisationFactory(name="Linking Lives", kind=Organisation.Kind.CONNECTOR)
    CommunitySettingsFactory(home=world.home).directories.add(charity)

    journey.sign_in(world.manager)
    journey.visit(reverse("evaluation:dashboard", args=[world.home.slug]), "the outcomes dashboard")
    expect(main).to_contain_text("Connector charity staff do not see these figures.")
    journey.click(main.get_by_role("link", name="Sharing with connector charities"), "the sharing page")
    expect(main).to_contain_text(world.connector.user.full_name)
    page.get_by_label("See the outcome figures and the latest ratings (never residents' names)").check()
    journey.submit(page.get_by_role("button", name="Save"), "shared")
    expect(page.get_by_role("status")).to_contain_text("Connector charity staff now see the outcome figures.")
    page.context.clear_cookies()

    journey.sign_in(world.connector)
    journey.click(journey.main_nav().get_by_role("link", name="Outcomes"), "the connector's outcomes")
    expect(main.get_by_role("heading", name="Meaningful connection")).to_be_visible()
    expect(main.get_by_role("link", name="Self-evaluations")).to_have_count(0)
    expect(main).not_to_contain_text(world.resident.full_name)
    journey.click(
        main.get_by_role("link", name="Every home Linking Lives works with, side by side"), "the table"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Homes Linking Lives works with")
    journey.click(main.get_by_role("link", name=world.home.name), "back to the home's figures")
    expect(main.get_by_role("heading", name="Meaningful connection")).to_be_visible()
