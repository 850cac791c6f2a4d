"""Editing the plan one section at a time: only that section changes, bad
input is explained next to the field and saves nothing, and every change
shows in the plan's history with who made it and when."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from carehome.errors import DomainError
from homes.models import Interest
from residents.models import PersonalPlan
from residents.services.plans import plan_update
from residents.tests.factories import PersonalPlanFactory
from tests.html import field_error, history_entries, main_text, text_of


def edit_url(world, section, resident=None):
    return reverse("residents:plan_edit", args=[world.home.slug, (resident or world.resident).pk, section])


def plan_history(client, world, plan):
    """[(heading, {field: (before, after)})] from the plan's history page, newest first."""
    content_type = ContentType.objects.get_for_model(PersonalPlan)
    response = client.get(reverse("homes:history", args=[world.home.slug, content_type.pk, plan.pk]))
    assert response.status_code == 200
    return history_entries(response)


@pytest.fixture
def staff_client(world, client_for):
    return client_for(world.staff)


def test_the_first_edit_creates_the_plan_and_returns_to_that_section(world, staff_client):
    response = staff_client.get(edit_url(world, "matters"))
    assert response.status_code == 200
    assert "What makes a good day for Peggy" in main_text(response)

    response = staff_client.post(edit_url(world, "matters"), {"what_matters": "  Tea in the garden.  "})
    assert response.status_code == 302
    assert (
        response.url == reverse("residents:plan", args=[world.home.slug, world.resident.pk]) + "#plan-matters"
    )
    plan = PersonalPlan.objects.get(resident=world.resident)
    assert plan.what_matters == "Tea in the garden."
    assert plan.home == world.home
    assert plan.updated_by == world.staff.user
    page = staff_client.get(response.url)
    assert "“What matters to me” was saved." in main_text(page)
    assert "Tea in the garden." in main_text(page)


def test_each_section_writes_only_its_own_fields(world, staff_client):
    plan = PersonalPlanFactory(resident=world.resident, what_matters="Tea.", goals="Bowls again.")
    response = staff_client.post(
        edit_url(world, "communication"),
        {
            "hearing": "Hearing aid, left ear",
            "sight": "",
            "speech": "",
            "language": "Welsh and English",
            "best_time_of_day": "Mornings",
            "communication_helps": "Sit on her left",
            "communication_avoid": "Shouting",
            # Fields of other sections are ignored.
            "what_matters": "Hacked",
            "goals": "Hacked",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.hearing, plan.language, plan.best_time_of_day) == (
        "Hearing aid, left ear",
        "Welsh and English",
        "Mornings",
    )
    assert (plan.what_matters, plan.goals) == ("Tea.", "Bowls again.")


def test_the_edit_form_starts_from_what_the_plan_says(world, staff_client):
    plan = PersonalPlanFactory(resident=world.resident, video_calls=PersonalPlan.VideoCalls.NOT_FOR_ME)
    plan.interests.set(Interest.objects.filter(name="Gardening"))
    technology = staff_client.get(edit_url(world, "technology")).content.decode()
    assert re.search(r'<input[^>]*value="not_for_me"[^>]*checked', technology)
    interests = staff_client.get(edit_url(world, "interests")).content.decode()
    gardening = Interest.objects.get(name="Gardening")
    assert re.search(rf'<input[^>]*value="{gardening.pk}"[^>]*checked', interests)


def test_interests_are_grouped_by_category_in_fieldsets(world, staff_client):
    page = staff_client.get(edit_url(world, "interests")).content.decode()
    legends = [text_of(x) for x in re.findall(r"<legend[^>]*>(.*?)</legend>", page, re.S)]
    assert legends[0] == "Interests"
    assert "Nature and the outdoors" in legends and "Animals" in legends
    outdoors = re.search(r"<legend>Nature and the outdoors</legend>(.*?)</fieldset>", page, re.S).group(1)
    assert "Gardening" in outdoors and "Birdwatching" in outdoors and "Football" not in outdoors


def test_interests_are_saved_and_shown_as_tags(world, staff_client):
    chosen = Interest.objects.filter(name__in=["Gardening", "Baking"])
    response = staff_client.post(
        edit_url(world, "interests"),
        {"interests": [i.pk for i in chosen], "former_occupation": "Baker", "places": "Cardiff"},
    )
    assert response.status_code == 302
    plan = PersonalPlan.objects.get(resident=world.resident)
    assert sorted(i.name for i in plan.interests.all()) == ["Baking", "Gardening"]
    assert plan.former_occupation == "Baker"
    text = main_text(staff_client.get(response.url))
    assert "Interests Baking Gardening" in text


def test_saving_without_changes_says_so(world, staff_client):
    PersonalPlanFactory(resident=world.resident, goals="Bowls", anxious_going_out="")
    response = staff_client.post(
        edit_url(world, "goals"), {"goals": "Bowls", "anxious_going_out": ""}, follow=True
    )
    assert "Nothing in “Goals for connection” had changed." in main_text(response)


@pytest.mark.parametrize(
    ("section", "data", "field", "message"),
    [
        ("interests", {"interests": ["999999"]}, "interests", "not on the list"),
        ("interests", {"interests": ["gardening"]}, "interests", "Choose interests from the list."),
        ("matters", {"what_matters": "x" * 4001}, "what_matters", "keep it to 4000 characters (it has 4001)"),
        ("communication", {"language": "x" * 121}, "language", "keep it to 120 characters (it has 121)"),
        (
            "technology",
            {"video_calls": "sometimes", "phone_calls": "welcome"},
            "video_calls",
            "Choose one of the options for video calls.",
        ),
        (
            "technology",
            {"phone_calls": "welcome"},
            "video_calls",
            "Choose one of the options for video calls.",
        ),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_saves_nothing(  # noqa: PLR0917
    world, staff_client, section, data, field, message
):
    plan = PersonalPlanFactory(resident=world.resident, what_matters="Before", language="English")
    response = staff_client.post(edit_url(world, section), data)
    assert response.status_code == 200
    assert message in field_error(response, field)
    plan.refresh_from_db()
    assert (plan.what_matters, plan.language, plan.video_calls) == ("Before", "English", "unknown")
    assert not plan.interests.exists()


def test_bad_input_on_a_plan_not_yet_written_creates_nothing(world, staff_client):
    response = staff_client.post(edit_url(world, "interests"), {"interests": ["999999"]})
    assert response.status_code == 200
    assert not PersonalPlan.objects.filter(resident=world.resident).exists()


def test_an_unknown_section_is_404(world, staff_client):
    assert staff_client.get(edit_url(world, "secrets")).status_code == 404


@pytest.mark.parametrize("section", ["matters", "story", "communication", "technology", "interests", "goals"])
def test_every_section_page_opens_for_staff_and_refuses_a_relative(world, client_for, section):
    assert client_for(world.staff).get(edit_url(world, section)).status_code == 200
    assert client_for(world.champion).get(edit_url(world, section)).status_code == 200
    assert client_for(world.relative).get(edit_url(world, section)).status_code == 403
    assert client_for(world.relative).post(edit_url(world, section), {"what_matters": "x"}).status_code == 403
    assert client_for(world.outsider).get(edit_url(world, section)).status_code == 404
    assert not PersonalPlan.objects.filter(resident=world.resident).exists()


def test_another_homes_resident_is_404_on_edit(world, client_for):
    url = edit_url(world, "matters", resident=world.foreign_resident)
    assert client_for(world.manager).get(url).status_code == 404
    assert client_for(world.manager).post(url, {"what_matters": "x"}).status_code == 404
    assert not PersonalPlan.objects.exists()


def test_every_change_to_the_plan_is_in_its_history_with_who_and_when(world, client_for):
    staff = client_for(world.staff)
    staff.post(edit_url(world, "matters"), {"what_matters": "Tea in the garden."})
    gardening = Interest.objects.get(name="Gardening")
    staff.post(edit_url(world, "interests"), {"interests": [gardening.pk], "former_occupation": "Nurse"})
    client_for(world.manager).post(
        edit_url(world, "technology"), {"video_calls": "with_support", "phone_calls": "welcome"}
    )
    plan = PersonalPlan.objects.get(resident=world.resident)
    entries = plan_history(client_for(world.manager), world, plan)
    headings = [heading for heading, _ in entries]
    changes = {}
    for heading, rows in entries:
        for name, values in rows.items():
            changes.setdefault(name, []).append((heading, values))
    assert headings[-1].startswith("Created by Aisha Bello on ")
    assert changes["What matters to me"][-1][1] == ("—", "Tea in the garden.")
    assert changes["Former occupation"][0][0].startswith("Updated by Aisha Bello on ")
    assert changes["Former occupation"][0][1] == ("—", "Nurse")
    video = changes["Video calls"][0]
    assert video[0].startswith("Updated by Ruth Adeyemi on ")
    assert video[1] == ("Not asked yet", "Welcome with support")
    # Ticking an interest is an entry of its own, by the person who ticked it.
    interests = changes["Interests"]
    assert len(interests) == 1 and interests[0][0].startswith("Updated by Aisha Bello on ")
    # Staff cannot read the history; managers can.
    content_type = ContentType.objects.get_for_model(PersonalPlan)
    url = reverse("homes:history", args=[world.home.slug, content_type.pk, plan.pk])
    assert client_for(world.staff).get(url).status_code == 403


def test_the_history_names_the_interests_added_and_removed(world, client_for):
    staff = client_for(world.staff)
    baking, gardening = Interest.objects.filter(name__in=["Gardening", "Baking"]).order_by("name")
    staff.post(edit_url(world, "interests"), {"interests": [gardening.pk]})
    staff.post(edit_url(world, "interests"), {"interests": [baking.pk]})
    plan = PersonalPlan.objects.get(resident=world.resident)
    shown = " ".join(
        " ".join(values)
        for _, rows in plan_history(client_for(world.manager), world, plan)
        for values in rows.values()
    )
    assert "Added: Gardening" in shown and "Added: Baking" in shown and "Removed: Gardening" in shown
    assert "Removed: Baking" not in shown


# --- The service, called directly ---------------------------------------------


def test_plan_update_refuses_a_resident_of_another_home(world):
    with pytest.raises(DomainError):
        plan_update(
            home=world.home,
            actor=world.staff.user,
            resident=world.foreign_resident,
            section="matters",
            data={"what_matters": "x"},
        )
    assert not PersonalPlan.objects.exists()


@pytest.mark.parametrize(
    ("section", "data", "field"),
    [
        ("technology", {"video_calls": "maybe"}, "video_calls"),
        ("interests", {"interests": [999999]}, "interests"),
        ("story", {"about_me": "x" * 5000}, "about_me"),
        ("nonsense", {}, None),
    ],
)
def test_plan_update_rejects_bad_data_with_a_readable_message(world, section, data, field):
    PersonalPlanFactory(resident=world.resident, what_matters="Before")
    with pytest.raises(DomainError) as raised:
        plan_update(
            home=world.home, actor=world.staff.user, resident=world.resident, section=section, data=data
        )
    assert raised.value.field == field
    assert raised.value.message[0].isupper()
    plan = PersonalPlan.objects.get(resident=world.resident)
    assert (plan.video_calls, plan.about_me, plan.interests.count()) == ("unknown", "", 0)


def test_plan_update_keeps_other_sections_and_reports_no_change(world):
    plan = PersonalPlanFactory(resident=world.resident, what_matters="Tea", goals="Bowls")
    _, changed = plan_update(
        home=world.home,
        actor=world.staff.user,
        resident=world.resident,
        section="goals",
        data={"goals": "Bowls"},
    )
    assert changed is False
    _, changed = plan_update(
        home=world.home,
        actor=world.staff.user,
        resident=world.resident,
        section="goals",
        data={"goals": "Bowls and darts"},
    )
    assert changed is True
    plan.refresh_from_db()
    assert (plan.what_matters, plan.goals) == ("Tea", "Bowls and darts")
