"""From a residents' idea to a fishing trip on their timelines: the
connection champion adds the angling club as a partner, plans an outing from
the co-production idea "Go fishing like we used to", writes the risk
assessment; the manager approves it; the champion books a minibus driver,
confirms the date (after seeing why it could not be confirmed before),
invites two residents and one family; on the day the champion records how it
went, each resident's timeline shows the outing and the idea is "done"; the
week's poster prints on A4. A second journey: a relative reads the home's
news and their own page, and a photo of their resident without consent for
sharing with families never shows. axe-core checks every page on the way."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from community.models import Activity, Occurrence, Partnership
from community.tests.factories import (
    ConsentFactory,
    StoryFactory,
    StoryPhotoFactory,
    consent_all,
    minibus_driver,
)
from homes.models import Interest
from residents.models import ConsentPurpose, Idea
from residents.tests.factories import (
    CoproductionSessionFactory,
    IdeaFactory,
    PersonalPlanFactory,
    ResidentFactory,
)
from tests.e2e.conftest import SCREENSHOTS

TITLE = "Fishing at Hollingworth Lake"


def _earlier_today():
    """A start earlier today, so the outing has begun (on today's date)."""
    now = timezone.localtime()
    earlier = now - timedelta(hours=2)
    if earlier.date() != now.date():
        earlier = now.replace(hour=0, minute=0)
    return earlier.replace(minute=(earlier.minute // 5) * 5, second=0, microsecond=0)


def _field(where, label):
    """The field labelled ``label`` (crispy marks a required one with "*")."""
    return where.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def _sign_in_as(journey, who):
    journey.page.context.clear_cookies()
    journey.sign_in(who)


def test_staff_plan_an_outing_from_an_idea_and_it_reaches_the_timelines(journey, world):
    page = journey.page
    home = world.home
    fishing = Interest.objects.get(name="Fishing")
    champion = world.champion
    champion.user.full_name = "Dev Sharma"
    champion.user.save(update_fields=["full_name"])
    peggy = world.resident  # her daughter Linda has a family account
    albert = ResidentFactory(home=home, full_name="Albert Thompson")
    for resident in (peggy, albert):
        PersonalPlanFactory(resident=resident, what_matters="Being by the water.").interests.add(fishing)
    session = CoproductionSessionFactory(home=home, title="What shall we do this summer?")
    idea = IdeaFactory(session=session, text="Go fishing like we used to", status=Idea.Status.NEW)
    idea.interests.add(fishing)
    driver = minibus_driver(home, full_name="Gordon Pike")
    tomorrow = timezone.localdate() + timedelta(days=1)

    # --- The champion adds the angling club as a partner ---------------------------------------
    journey.sign_in(champion)
    journey.visit("/h/rowan/community/partners/", "partners")
    journey.click(page.get_by_role("link", name="Add a partner"), "add a partner")
    _field(page, "Name").fill("Hollingworth Anglers")
    _field(page, "What kind of partner").select_option(label="Sports club")
    _field(page, "What they do (optional)").fill("An angling club with an accessible platform.")
    _field(page, "Contact person (optional)").fill("Keith Barlow")
    _field(page, "Phone (optional)").fill("01706 555 0101")
    offers = page.get_by_role("group", name="What they offer (optional)")
    offers.get_by_role("checkbox", name="Fishing", exact=True).check()
    _field(page, "What they offer, in words (optional)").fill("Rods, bait and patient anglers")
    _field(page, "Our point of contact").select_option(label="Dev Sharma (Connection champion)")
    journey.submit(page.get_by_role("button", name="Add the partner"), "partner added")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hollingworth Anglers")
    partnership = Partnership.objects.get(home=home, partner__name="Hollingworth Anglers")
    assert list(partnership.partner.offers.all()) == [fishing]

    # --- An outing planned from the residents' idea -------------------------------------------
    journey.visit("/h/rowan/community/programme/", "the programme")
    ideas = page.get_by_role("region", name="Ideas from residents waiting to be planned")
    expect(ideas).to_contain_text("Go fishing like we used to")
    journey.click(
        ideas.get_by_role("link", name=re.compile(r"^Plan it\s*: Go fishing like we used to$")),
        "plan the idea",
    )
    expect(_field(page, "Co-produced from a residents' idea (optional)")).to_have_value(str(idea.pk))
    _field(page, "Name of the activity").fill(TITLE)
    page.get_by_role("radio", name="An outing").check()
    _field(page, "What happens (optional)").fill("A morning by the lake with the Anglers.")
    _field(page, "Partner").select_option(label="Hollingworth Anglers")
    _field(page, "Accessibility (optional)").fill("Accessible platform; toilets at the visitor centre")
    _field(page, "Places for residents").fill("6")
    _field(page, "Date (the first date, if it repeats)").fill(tomorrow.isoformat())
    _field(page, "Starts (for an outing: departs)").fill("10:00")
    _field(page, "Ends (for an outing: returns)").fill("14:00")
    _field(page, "Nature and the outdoors").check()
    expect(page.get_by_role("checkbox", name="Fishing", exact=True)).to_be_checked()  # from the idea
    page.get_by_role("checkbox", name="Dev Sharma (connection champion)").check()
    _field(page, "Transport").select_option(label="The home's minibus, with a driver from the bank")
    _field(page, "What to take").fill("Blankets, sun hats, medication, a flask of tea")
    _field(page, "Who to call on the day").fill("Dev Sharma")
    _field(page, "Their phone").fill("07700 900456")
    journey.submit(page.get_by_role("button", name="Add to the programme"), "outing planned")
    main = page.get_by_role("main")
    expect(main).to_contain_text("is on the programme as planned")
    expect(main).to_contain_text("“Go fishing like we used to” (planned)")
    activity = Activity.objects.get(home=home, title=TITLE)
    assert activity.is_outing and activity.needs_minibus and activity.idea_id == idea.pk
    assert Idea.objects.get(pk=idea.pk).status == Idea.Status.PLANNED

    journey.click(
        page.get_by_role("region", name="Dates to come").get_by_role("link").first, "the outing's date"
    )
    occurrence = Occurrence.objects.get(activity=activity)
    date_path = f"/h/rowan/community/dates/{occurrence.pk}/"
    panel = page.get_by_role("region", name="Getting the outing ready")
    # It cannot be confirmed yet, and the page says why.
    expect(panel).to_contain_text("It cannot be confirmed yet")
    expect(panel).to_contain_text("No risk assessment has been written for this outing")
    expect(panel).to_contain_text("No driver is booked for the minibus")
    expect(panel.get_by_role("button", name="Confirm the outing")).to_have_count(0)

    # --- The risk assessment, written by the champion -----------------------------------------
    journey.click(panel.get_by_role("link", name="Write it (risk assessment)"), "write the risk assessment")
    _field(page, "The outing and who is going").fill(
        "Two residents, two staff and a volunteer driver; minibus to the lake."
    )
    _field(page, "If something goes wrong").fill("Ring 999, then the home. First aid kit in the minibus.")
    first = page.get_by_role("group", name="A new hazard").first
    _field(first, "Hazard").fill("Uneven ground by the water")
    _field(first, "Who could be harmed").fill("Residents who walk with a frame")
    _field(first, "What we do about it").fill("Use the accessible platform; one staff member each.")
    _field(first, "Risk with these measures").select_option(label="Low")
    journey.submit(page.get_by_role("button", name="Save the risk assessment"), "risk assessment saved")
    expect(page.get_by_role("main")).to_contain_text("The risk assessment was saved.")
    expect(page.get_by_role("region", name="Approval")).to_contain_text("Waiting for approval")

    # --- The manager approves it --------------------------------------------------------------
    _sign_in_as(journey, world.manager)
    journey.visit(f"/h/rowan/community/activities/{activity.pk}/risk/", "the risk assessment, for approval")
    journey.click(page.get_by_role("link", name="Read and approve it"), "approve the risk assessment")
    expect(page.get_by_role("main")).to_contain_text("Uneven ground by the water")
    journey.submit(page.get_by_role("button", name="Approve it"), "risk assessment approved")
    expect(page.get_by_role("main")).to_contain_text(f"The risk assessment for “{TITLE}” is approved.")
    expect(page.get_by_role("region", name="Approval")).to_contain_text("Approved by Ruth Adeyemi")

    # --- The champion books a driver and confirms the date ------------------------------------
    _sign_in_as(journey, champion)
    journey.visit(date_path, "the outing's date, approved")
    panel = page.get_by_role("region", name="Getting the outing ready")
    expect(panel).to_contain_text("No driver is booked for the minibus")
    expect(panel).not_to_contain_text("risk assessment has not been approved")
    journey.click(panel.get_by_role("link", name="Book a driver"), "book a driver")
    page.get_by_role("radio", name=re.compile("Gordon Pike")).check()
    journey.submit(page.get_by_role("button", name="Book the driver"), "driver booked")
    expect(page.get_by_role("main")).to_contain_text("Gordon Pike is booked to drive.")
    panel = page.get_by_role("region", name="Getting the outing ready")
    expect(panel).not_to_contain_text("It cannot be confirmed yet")
    journey.submit(panel.get_by_role("button", name="Confirm the outing"), "outing confirmed")
    expect(page.get_by_role("main")).to_contain_text(f"“{TITLE}” is confirmed.")
    occurrence.refresh_from_db()
    assert occurrence.status == Occurrence.Status.CONFIRMED and occurrence.driver_id == driver.pk

    # --- Residents and their families are invited ---------------------------------------------
    panel = page.get_by_role("region", name="Getting the outing ready")
    journey.click(panel.get_by_role("link", name="Invite residents"), "invite residents")
    for resident in (peggy, albert):
        page.get_by_role("checkbox", name=re.compile(re.escape(resident.display_name))).check()
    journey.submit(page.get_by_role("button", name="Invite them"), "residents invited")
    expect(page.get_by_role("main")).to_contain_text("2 residents invited.")
    invited = page.get_by_role("region", name="Invited (2)")
    expect(invited).to_contain_text("Margaret Baxter (Peggy)")
    expect(invited).to_contain_text("Albert Thompson")
    journey.submit(
        invited.get_by_role("button", name="Would like to come (Albert)"), "Albert would like to come"
    )
    expect(page.get_by_role("main")).to_contain_text("Noted: Albert would like to come.")

    journey.click(page.get_by_role("link", name="Invite their families"), "invite families")
    expect(page.get_by_role("table")).to_contain_text("Linda Baxter")
    page.get_by_role("checkbox", name="Margaret Baxter (Peggy)").check()
    _field(page, "A message for the families (optional)").fill("Bring a coat: it can be windy by the water.")
    journey.submit(page.get_by_role("button", name="Send the invitations"), "families invited")
    expect(page.get_by_role("main")).to_contain_text("1 family invited.")
    assert occurrence.family_events.count() == 1

    # --- The day has come: the outing has set off ----------------------------------------------
    # A factory-level step: the live server's clock is not mocked, so the date
    # moves to earlier today instead of the test waiting for tomorrow.
    starts = _earlier_today()
    Occurrence.objects.filter(pk=occurrence.pk).update(starts_at=starts, ends_at=starts + timedelta(hours=4))

    journey.visit(date_path, "the outing's date, on the day")
    journey.click(page.get_by_role("link", name="Record how it went"), "record how it went")
    _field(page, "How it went for Peggy").select_option(label="Joined in actively")
    _field(page, "Note about Peggy (optional)").fill("Caught a roach and told everyone about her dad's boat.")
    _field(page, "How it went for Albert").select_option(label="Joined in passively")
    journey.submit(page.get_by_role("button", name="Save how it went"), "attendance recorded")
    expect(page.get_by_role("main")).to_contain_text("Attendance was recorded.")
    occurrence.refresh_from_db()
    assert occurrence.connection_id is not None

    # --- Each resident's timeline shows the outing; the idea is done --------------------------
    for resident, response in ((peggy, "Joined in actively"), (albert, "Joined in passively")):
        journey.visit(f"/h/rowan/residents/{resident.pk}/timeline/", f"{resident.short_name}'s timeline")
        entry = page.locator(".timeline-entry").filter(has_text=TITLE)
        expect(entry).to_have_count(1)
        expect(entry).to_contain_text("Outing")
        expect(entry).to_contain_text(response)
    assert Idea.objects.get(pk=idea.pk).status == Idea.Status.DONE
    journey.visit(f"/h/rowan/residents/coproduction/{session.pk}/", "the co-production session")
    the_idea = page.locator(".idea").filter(has_text="Go fishing like we used to")
    expect(the_idea).to_contain_text("Done")
    journey.visit(f"/h/rowan/community/activities/{activity.pk}/", "the outing, afterwards")
    expect(page.get_by_role("main")).to_contain_text("“Go fishing like we used to” (done)")

    # --- The week's poster, printed -----------------------------------------------------------
    journey.visit("/h/rowan/community/programme/poster/", "the week's poster")
    poster = page.get_by_role("article")
    expect(poster).to_contain_text(TITLE)
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(poster.get_by_text(TITLE)).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "community-poster-print.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000
    # One A4 page (595 x 842 points) for the noticeboard.
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
    width, height = (float(n) for n in re.search(rb"/MediaBox\s*\[0 0 ([\d.]+) ([\d.]+)\]", pdf).groups())
    assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2
    (SCREENSHOTS / "community-poster-print.pdf").write_bytes(pdf)
    page.emulate_media(media="screen")


def test_a_relative_never_sees_a_photo_without_family_consent(journey, world):
    page = journey.page
    home = world.home
    peggy, arthur = world.resident, world.unlinked_resident
    story = StoryFactory(home=home, title="A morning at the lake", text="Everyone came back smiling.")
    # Peggy agreed to photos inside the home only, not to sharing them with families.
    ConsentFactory(resident=peggy, purpose=ConsentPurpose.PHOTOS_HOME)
    hidden = StoryPhotoFactory(story=story, residents=[peggy], description="Peggy holding up her catch")
    consent_all(arthur)
    shown = StoryPhotoFactory(story=story, residents=[arthur], description="Arthur on the platform")
    hidden_src = f"/h/rowan/community/photos/{hidden.pk}/image/"

    def no_hidden_photo():
        expect(page.locator(f'img[src="{hidden_src}"]')).to_have_count(0)
        expect(page.get_by_role("img", name="Peggy holding up her catch")).to_have_count(0)

    journey.sign_in(world.relative)
    no_hidden_photo()
    journey.click(journey.main_nav().get_by_role("link", name="News from the home"), "news from the home")
    expect(page.get_by_role("heading", name="A morning at the lake")).to_be_visible()
    expect(page.get_by_role("img", name="Arthur on the platform")).to_have_count(1)
    no_hidden_photo()

    journey.visit("/h/rowan/residents/family/", "the relative's page")
    expect(page.get_by_role("main")).to_contain_text("Peggy")
    no_hidden_photo()

    # Its address answers 404 to the relative, as if it did not exist.
    journey.visit(hidden_src, "the hidden photo's address", status=404)
    response = page.request.get(f"/h/rowan/community/photos/{shown.pk}/image/")
    assert response.status == 200 and response.headers["content-type"].startswith("image/")
