"""A key worker writes a resident's personal plan for connection on a tablet
or a PC: a few sections, someone who matters, a review, a change after the
review, and a printout fit for the resident's file."""

import importlib
import re

import pytest
from playwright.sync_api import expect

from homes.models import Interest
from residents.models import PersonalPlan, PersonWhoMatters, PlanReview
from tests.e2e.conftest import DESKTOP, SCREENSHOTS

TABLET = {"width": 1024, "height": 768}


@pytest.fixture
def interests(transactional_db):
    """The shared interest list. It comes from a data migration, which a
    browser test's flush of the database removes for the tests after it."""
    taxonomy = importlib.import_module("homes.migrations.0003_interest_taxonomy").INTERESTS
    Interest.objects.bulk_create(
        [Interest(name=name, category=category) for category, names in taxonomy.items() for name in names],
        ignore_conflicts=True,
    )


@pytest.mark.parametrize("viewport", [TABLET, DESKTOP], ids=["tablet", "desktop"])
def test_key_worker_writes_reviews_and_prints_a_plan(journey, world, interests, viewport):
    page = journey.page
    main = page.get_by_role("main")
    resident = world.resident
    resident.key_worker = world.staff.user
    resident.save()
    plan_path = f"/h/rowan/residents/{resident.pk}/plan/"

    journey.sign_in(world.staff)
    journey.visit(plan_path, "an empty plan")
    expect(page.get_by_role("heading", level=1)).to_have_text("Margaret Baxter (Peggy)")
    matters = main.get_by_role("region", name="What matters to me")
    expect(matters).to_contain_text("Not written yet — add what matters to Peggy")
    expect(main.get_by_role("button", name="Print this plan")).to_be_visible()
    expect(main.get_by_role("link", name="Change history")).to_have_count(0)  # managers only

    # What matters, in Peggy's words.
    journey.click(matters.get_by_role("link", name="add what matters to Peggy"), "what matters form")
    page.get_by_label("What matters to me").fill(
        "Seeing my daughter Susan every Sunday. A proper cup of tea in my own mug. The birds on the feeder."
    )
    journey.submit(page.get_by_role("button", name="Save"), "what matters saved")
    expect(page.get_by_role("status")).to_contain_text("“What matters to me” was saved.")
    expect(matters).to_contain_text("A proper cup of tea in my own mug.")

    # How Peggy likes to communicate.
    communication = main.get_by_role("region", name="How I like to communicate")
    journey.click(communication.get_by_role("link", name="Edit"), "communication form")
    page.get_by_label("Hearing").fill("Hearing aid in the left ear; check the battery each morning.")
    page.get_by_label("Language").fill("English")
    page.get_by_label("Best time of day").fill("Mornings, after breakfast")
    page.get_by_label("What helps").fill("Sit on her left and say her name first.")
    journey.submit(page.get_by_role("button", name="Save"), "communication saved")
    expect(communication).to_contain_text("Hearing aid in the left ear")

    # Interests, ticked from the shared list.
    interests = main.get_by_role("region", name="Interests, places and faith")
    journey.click(interests.get_by_role("link", name="Edit"), "interests form")
    outdoors = page.get_by_role("group", name="Nature and the outdoors")
    outdoors.get_by_label("Gardening").check()
    outdoors.get_by_label("Birdwatching").check()
    page.get_by_role("group", name="Home, food and making").get_by_label("Baking").check()
    page.get_by_label("Former occupation").fill("Seamstress")
    journey.submit(page.get_by_role("button", name="Save"), "interests saved")
    expect(interests.get_by_role("listitem")).to_have_text(["Baking", "Birdwatching", "Gardening"])

    # Technology: video calls help some people and distress others.
    technology = main.get_by_role("region", name="Technology")
    journey.click(technology.get_by_role("link", name="Edit"), "technology form")
    page.get_by_role("group", name="Video calls").get_by_label("Welcome with support").check()
    page.get_by_role("group", name="Phone calls").get_by_label("Welcome", exact=True).check()
    page.get_by_label("Support needed with technology").fill("Hold the tablet and start the call for her.")
    journey.submit(page.get_by_role("button", name="Save"), "technology saved")
    expect(technology).to_contain_text("Welcome with support")

    # Someone who matters: a mistake first, explained next to the field.
    people = main.get_by_role("region", name="People who matter")
    journey.click(people.get_by_role("link", name="Add someone", exact=True), "add someone who matters")
    page.get_by_label("Their name").fill("Susan Baxter")
    page.get_by_label("Who they are to Peggy").fill("daughter")
    page.get_by_label("How often Peggy would like to be in touch").select_option(label="Every week")
    page.get_by_label("Phone number (optional)").fill("01632 960123")
    journey.submit(page.get_by_role("button", name="Add this person"), "no way to keep in touch")
    ways_error = page.locator("#id_ways_error")
    expect(ways_error).to_contain_text("Choose how they like to keep in touch")
    expect(ways_error).to_be_visible()
    assert not PersonWhoMatters.objects.exists()
    page.get_by_role("group", name="Ways to keep in touch").get_by_label("Visits").check()
    page.get_by_role("group", name="Ways to keep in touch").get_by_label("Phone calls").check()
    page.get_by_label("Essential care supporter (nominated visitor)").check()
    journey.submit(page.get_by_role("button", name="Add this person"), "someone who matters added")
    susan = people.get_by_role("article", name="Susan Baxter")
    expect(susan).to_contain_text("Essential care supporter")
    expect(susan).to_contain_text("Visits, phone calls")
    expect(susan).to_contain_text("Every week")

    # The review, with Peggy, her key worker and Susan.
    review = main.get_by_role("region", name="Plan review")
    expect(review).to_contain_text("has not been reviewed yet")
    journey.click(review.get_by_role("link", name="Record a review"), "record a review")
    page.get_by_label("Susan Baxter (daughter)").check()
    page.get_by_label("What was agreed").fill("Susan to bring the bird book on Sunday. Try the garden club.")
    journey.submit(page.get_by_role("button", name="Record the review"), "review recorded")
    expect(page.get_by_role("status")).to_contain_text("was recorded")
    expect(review).to_contain_text("Susan Baxter")
    expect(review).to_contain_text("Susan to bring the bird book")
    changes = main.get_by_role("region", name="What has changed since the last review")
    expect(changes).to_contain_text("Nothing has changed since the review")
    assert PlanReview.objects.count() == 1

    # A change after the review shows up, before → now.
    journey.click(communication.get_by_role("link", name="Edit"), "communication again")
    page.get_by_label("Language").fill("English; a little Welsh from her mother")
    journey.submit(page.get_by_role("button", name="Save"), "changed after the review")
    expect(changes).to_contain_text("How I like to communicate")
    expect(changes).to_contain_text(re.compile(r"Before\s+English\s+Now\s+English; a little Welsh"))
    plan = PersonalPlan.objects.get(resident=resident)
    assert plan.language == "English; a little Welsh from her mother"
    assert plan.updated_by == world.staff.user

    # Printing: the button is there; the printout has no navigation or buttons.
    print_button = main.get_by_role("button", name="Print this plan")
    expect(print_button).to_be_visible()
    expect(print_button).to_have_attribute("data-print", "")
    page.evaluate("() => { window.print = () => { window.__printed = true; }; }")
    print_button.click()
    assert page.evaluate("() => window.__printed === true")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(print_button).to_be_hidden()
    expect(page.get_by_role("link", name="Record a review")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("Personal plan for connection · Rowan House")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / f"{journey.name}-print.png"), full_page=True)
    page.emulate_media(media="screen")
    journey.assert_no_browser_errors("print preview")
