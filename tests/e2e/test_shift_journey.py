"""One shift, end to end: a key worker writes part of a resident's plan, logs a
group activity for several residents with a response for each, and reads the
worklist that the log feeds. Every page is checked with axe-core."""

import re

from playwright.sync_api import expect

from residents.models import ConnectionParticipant, PersonalPlan, Response
from residents.tests.factories import ResidentFactory


def test_a_shift_plan_then_group_activity_then_worklist(journey, world):
    page = journey.page
    main = page.get_by_role("main")
    stan = ResidentFactory(home=world.home, full_name="Stanley Walker", preferred_name="Stan", room="14")
    journey.sign_in(world.staff)

    # Residents → Peggy → her personal plan → what matters to her.
    journey.click(journey.main_nav().get_by_role("link", name="Residents", exact=True), "residents")
    journey.click(main.get_by_role("link", name=re.compile("^Margaret Baxter")), "peggy")
    journey.click(main.get_by_role("link", name="Personal plan", exact=True), "peggy's plan")
    matters = main.get_by_role("region", name="What matters to me")
    journey.click(matters.get_by_role("link", name="add what matters to Peggy"), "what matters form")
    page.get_by_label("What matters to me").fill("Her garden club friends and a walk to the bird feeder.")
    journey.submit(page.get_by_role("button", name="Save"), "plan saved")
    expect(matters).to_contain_text("a walk to the bird feeder")
    assert PersonalPlan.objects.get(resident=world.resident).what_matters.startswith("Her garden club")

    # Chair exercise for three residents; Arthur declined.
    journey.click(journey.main_nav().get_by_role("link", name="Log a connection", exact=True), "log")
    for name in ["Margaret Baxter (Peggy)", "Arthur Hughes", "Stanley Walker (Stan)"]:
        page.get_by_label(re.compile("^" + re.escape(name))).check()
    journey.click(page.get_by_role("button", name="Next: what happened"), "what happened")
    page.get_by_label("Name of the activity, group or volunteer").fill("Chair exercise")
    arthur = page.get_by_role("group", name="How it went for Arthur Hughes")
    arthur.get_by_text("Declined", exact=True).click()
    journey.submit(page.get_by_role("button", name="Save the connection"), "activity saved")
    expect(page.get_by_role("status")).to_contain_text("Saved: a connection logged for 3 people.")
    responses = dict(
        ConnectionParticipant.objects.filter(connection__with_name="Chair exercise").values_list(
            "resident__full_name", "response"
        )
    )
    assert responses == {
        "Margaret Baxter": Response.ACTIVE,
        "Arthur Hughes": Response.DECLINED,
        "Stanley Walker": Response.ACTIVE,
    }

    # The worklist: a declined activity is not a meaningful connection.
    journey.click(journey.main_nav().get_by_role("link", name="Who needs connection", exact=True), "worklist")
    quiet = page.get_by_role("region", name="No meaningful connection in the last 7 days")
    expect(quiet).to_contain_text("Arthur Hughes")
    expect(quiet).not_to_contain_text("Margaret Baxter")
    expect(quiet).not_to_contain_text(stan.full_name)
