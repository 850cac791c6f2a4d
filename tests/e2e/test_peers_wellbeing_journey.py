"""A member of staff records how lonely a resident has been feeling, sees the
trend and the kind banner, records a friendship from a suggestion, and marks a
friend who may need support as supported — every page axe-checked."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from homes.models import Interest
from residents.models import Friendship, LonelinessMeasure, Resident, SupportFlag
from residents.tests.factories import (
    LonelinessMeasureFactory,
    PersonalPlanFactory,
    ResidentFactory,
    SupportFlagFactory,
)
from tests.e2e.conftest import DESKTOP, PHONE


def plan(resident, *likes, **fields):
    p = PersonalPlanFactory(resident=resident, **fields)
    p.interests.set([Interest.objects.get_or_create(name=n)[0] for n in likes])


@pytest.fixture
def setting(world):
    today = timezone.localdate()
    peggy = world.resident
    plan(peggy, "Gardening", "Music", places="Grew up in Leith", former_occupation="Nurse")
    plan(world.unlinked_resident, "Gardening", former_occupation="District nurse")
    jean = ResidentFactory(home=world.home, full_name="Jean Park", room="14")
    plan(jean, "Music", places="Born in Leith, near the docks")
    walter = ResidentFactory(
        home=world.home,
        full_name="Walter Reid",
        status=Resident.Status.DIED,
        left_on=today - timedelta(days=2),
    )
    SupportFlagFactory(
        resident=peggy,
        about=walter,
        reason="Their friend Walter has died.",
        raised_on=today - timedelta(days=2),
    )
    for days, items in [(120, (1, 2, 1)), (60, (2, 2, 1))]:
        LonelinessMeasureFactory(
            resident=peggy,
            recorded_on=today - timedelta(days=days),
            lack_companionship=items[0],
            left_out=items[1],
            isolated=items[2],
            recorded_by=world.champion.user,
        )
    return world


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_staff_record_wellbeing_and_friendships(journey, setting, viewport):
    world = setting
    page = journey.page
    main = page.get_by_role("main")
    peggy = world.resident
    base = f"/h/rowan/residents/{peggy.pk}"

    journey.sign_in(world.staff)
    journey.visit(f"{base}/wellbeing/", "wellbeing page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Margaret Baxter (Peggy)")
    tabs = page.get_by_role("navigation", name="About Peggy")
    expect(tabs.get_by_role("link", name="Wellbeing")).to_have_attribute("aria-current", "page")
    expect(main).to_contain_text("Latest score 5 out of 9")
    expect(main).not_to_contain_text("often feels lonely")
    expect(page.get_by_role("img", name="Loneliness scores for Peggy over time")).to_be_visible()
    main.get_by_text("What the score means").click()
    expect(main).to_contain_text("the higher the score, the more often someone feels lonely")
    expect(main).to_contain_text("At Rowan House a score of 7 or more shows as “often lonely”")
    journey.screenshot("the scale explained")
    journey.check_accessibility("the scale explained")

    # The form explains what is missing and saves nothing.
    journey.click(main.get_by_role("link", name="Record answers"), "record answers form")
    journey.submit(main.get_by_role("button", name="Save the answers"), "answers missing")
    companionship = page.get_by_role("group", name=re.compile("lack companionship"))
    expect(companionship).to_contain_text("Choose an answer to this question.")
    expect(page.get_by_role("group", name=re.compile("feel lonely"))).to_contain_text(
        "Choose an answer, or “Preferred not to say”."
    )
    assert LonelinessMeasure.objects.count() == 2

    companionship.get_by_label("Often", exact=True).check()
    page.get_by_role("group", name=re.compile("left out")).get_by_label("Often", exact=True).check()
    page.get_by_role("group", name=re.compile("isolated")).get_by_label(
        "Some of the time", exact=True
    ).check()
    page.get_by_role("group", name=re.compile("feel lonely")).get_by_label("Some of the time").check()
    page.get_by_label("Staff helped to answer").check()
    page.get_by_label("Note (optional)").fill("Quiet since Walter died.")
    journey.submit(main.get_by_role("button", name="Save the answers"), "answers saved")

    expect(page).to_have_url(journey.url(f"{base}/wellbeing/"))
    expect(page.get_by_role("status")).to_contain_text("Peggy's answers were saved.")
    banner = main.get_by_role("region", name="The last answers suggest Peggy often feels lonely")
    expect(banner).to_be_visible()
    expect(main).to_contain_text("Latest score 8 out of 9")
    expect(main).to_contain_text("up from 5 last time")
    chart = page.get_by_role("img", name="Loneliness scores for Peggy over time")
    expect(chart).to_have_accessible_description(re.compile(r"3 sets of answers .* 8 out of 9"))
    expect(chart.locator("circle")).to_have_count(3)
    expect(chart).to_contain_text("Often lonely (7+)")
    if viewport is PHONE:  # one card per set of answers
        rows = main.get_by_role("region", name="Every set of answers").get_by_role("listitem")
        expect(rows).to_have_count(3)
        newest = rows.first
    else:
        rows = main.get_by_role("region", name="Table of answers").get_by_role("row")
        expect(rows).to_have_count(4)
        newest = rows.nth(1)
    expect(newest).to_contain_text("8 out of 9")
    expect(newest).to_contain_text("Aisha Bello")
    expect(newest).to_contain_text("Quiet since Walter died.")

    # From the banner to her friends.
    journey.click(banner.get_by_role("link", name=re.compile("friends and people")), "friends page")
    expect(tabs.get_by_role("link", name="Friends")).to_have_attribute("aria-current", "page")
    suggestions = main.get_by_role("region", name="Might enjoy each other's company")
    arthur = suggestions.get_by_role("listitem").filter(has_text="Arthur Hughes").first
    expect(arthur).to_contain_text("Both enjoy gardening")
    expect(arthur).to_contain_text("Both were nurses")
    jean = suggestions.get_by_role("listitem").filter(has_text="Jean Park").first
    expect(jean).to_contain_text("Both from Leith")
    journey.submit(
        arthur.get_by_role("button", name="Record as friends with Arthur Hughes"), "friendship recorded"
    )
    expect(page.get_by_role("status")).to_contain_text("Peggy and Arthur are now recorded as friends.")
    friends = main.get_by_role("region", name="Peggy's friends")
    expect(friends.get_by_role("row").filter(has_text="Arthur Hughes")).to_be_visible()
    expect(suggestions).not_to_contain_text("Arthur Hughes")
    assert Friendship.objects.filter(ended_on__isnull=True).count() == 1

    # Walter died: Peggy may need support. A note is required.
    support = main.get_by_role("region", name="May need extra support")
    expect(support).to_contain_text("Their friend Walter has died.")
    journey.submit(support.get_by_role("button", name=re.compile("Mark as supported")), "note missing")
    expect(page.locator("#div_id_note .invalid-feedback")).to_have_text(
        "Write a short note about the support given."
    )
    page.get_by_label("How they were supported").fill("Sat with her after lunch; looked at photos of Walter.")
    journey.submit(main.get_by_role("button", name="Mark as supported"), "marked as supported")
    expect(page.get_by_role("status")).to_contain_text("Thank you. Peggy is marked as supported.")
    expect(main).not_to_contain_text("May need extra support")
    flag = SupportFlag.objects.get()
    assert flag.resolved_by == world.staff.user and flag.resolved_on == timezone.localdate()

    # Ending the friendship asks first, then keeps it in the record.
    page.once("dialog", lambda dialog: dialog.accept())
    journey.submit(
        friends.get_by_role("button", name="End friendship with Arthur Hughes"), "friendship ended"
    )
    expect(page.get_by_role("status")).to_contain_text("is recorded as ended")
    expect(main.get_by_role("region", name="Earlier")).to_contain_text("Friends with Arthur Hughes")
    assert Friendship.objects.get().ended_on == timezone.localdate()


def test_staff_choose_a_buddy_for_a_new_resident(journey, setting):
    world = setting
    page = journey.page
    main = page.get_by_role("main")
    nora = ResidentFactory(
        home=world.home,
        full_name="Nora Quinn",
        room="21",
        admitted_on=timezone.localdate() - timedelta(days=6),
    )
    plan(nora, "Gardening", places="Leith")

    journey.sign_in(world.champion)
    journey.visit(f"/h/rowan/residents/{nora.pk}/friends/", "new resident's friends")
    prompt = main.get_by_role("region", name="Choose a buddy to help Nora settle in")
    expect(prompt).to_contain_text("People who share something with Nora are at the top of the list.")
    buddy = prompt.get_by_label("Buddy")
    expect(buddy.locator("optgroup").first).to_have_attribute("label", "Might get on well")
    buddy.select_option(label=f"Margaret Baxter (Peggy) (room {world.resident.room})")
    prompt.get_by_label("Notes (optional)").fill("Both love the garden; Peggy will show her round.")
    journey.submit(prompt.get_by_role("button", name="Choose as buddy"), "buddy chosen")

    expect(page.get_by_role("status")).to_contain_text("Peggy is now Nora's buddy, to help them settle in.")
    expect(main).not_to_contain_text("Choose a buddy")
    row = (
        main.get_by_role("region", name="Nora's friends")
        .get_by_role("row")
        .filter(has_text="Margaret Baxter")
    )
    expect(row).to_contain_text("Buddy")
    expect(row).to_contain_text("Peggy will show her round.")
    assert Friendship.objects.get().kind == Friendship.Kind.BUDDY

    # Any other friendship can be recorded from the list of everyone living here.
    journey.click(main.get_by_role("link", name="Record a friendship"), "friendship form")
    journey.submit(main.get_by_role("button", name="Record as friends"), "friendship form with no choice")
    expect(page.locator("#div_id_other .invalid-feedback")).to_have_text("Choose who they are friends with.")
    page.get_by_label("Friends with").select_option(label="Jean Park (room 14)")
    page.get_by_label("Notes (optional)").fill("Both from Leith; they chat about the docks.")
    journey.submit(main.get_by_role("button", name="Record as friends"), "second friendship recorded")
    expect(page.get_by_role("status")).to_contain_text("Nora and Jean are now recorded as friends.")
    expect(main.get_by_role("region", name="Nora's friends").get_by_role("row")).to_have_count(3)
