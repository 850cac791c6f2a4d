"""The roles and settings pages."""

import re

import pytest
from django.urls import NoReverseMatch, reverse

from homes.models import Nation, Organisation
from tests.html import alert_text, field_error, main_text, text_of
from volunteers.models import CheckLevel, VolunteerRole, VolunteerSettings
from volunteers.tests.factories import (
    VolunteerFactory,
    VolunteerRoleFactory,
    VolunteerSettingsFactory,
    module,
)

pytestmark = pytest.mark.django_db


def url(name, world, *args):
    return reverse(f"volunteers:{name}", args=[world.home.slug, *args])


@pytest.fixture
def champion(world, client_for):
    return client_for(world.champion)


def role_data(**fields):
    data = {
        "name": "Befriender",
        "description": "Visits residents for a chat.",
        "check_level": CheckLevel.ENHANCED_BARRED,
        "references_needed": "2",
        "needs_identity": "on",
        "needs_induction": "on",
        "training": [],
        "meets_residents": "on",
        "is_active": "on",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_an_empty_roles_list_offers_the_starter_roles_and_adds_them(world, champion):
    page = champion.get(url("setup", world))
    assert page.status_code == 200
    text = main_text(page)
    assert (
        "No roles yet. Start with three common ones — Befriender, Activity helper, Volunteer driver" in text
    )
    assert f'action="{url("roles_starter", world)}"' in page.content.decode()
    response = champion.post(url("roles_starter", world))
    assert response.status_code == 302 and response.url == url("setup", world)
    text = main_text(champion.get(url("setup", world)))
    assert "Befriender, Activity helper and Volunteer driver were added." in text
    assert (
        "Enhanced DBS with the adults' barred list, 2 references, identity, induction, "
        "safeguarding adults, dementia awareness" in text
    )
    again = champion.post(url("roles_starter", world), follow=True)
    assert "already has roles" in main_text(again)
    assert VolunteerRole.objects.filter(home=world.home).count() == 3
    assert champion.get(url("roles_starter", world)).status_code == 405


def test_the_setup_page_lists_roles_and_summarises_the_settings(world, champion):
    role = VolunteerRoleFactory(home=world.home, name="Minibus driver", drives=True, meets_residents=False)
    role.training.add(module("midas"))
    VolunteerFactory(home=world.home, roles=[role])
    VolunteerRoleFactory(home=world.home, name="Old role", is_active=False)
    VolunteerSettingsFactory(home=world.home, dbs_recheck_months=24, welcome="Come and help!")
    response = champion.get(url("setup", world))
    rows = {
        text_of(cells).split(" ")[0]: text_of(cells)
        for cells in re.findall(r"<tr>(.*?)</tr>", response.content.decode(), re.S)[1:]
    }
    assert rows["Minibus"] == (
        "Minibus driver Enhanced DBS with the adults' barred list, 2 references, identity, induction, "
        "minibus driving (MiDAS) Drives 1 Change Minibus driver"
    )
    assert "Not in use" in rows["Old"]
    text = main_text(response)
    assert (
        "A DBS check counts for 24 months, from the certificate date or the last Update Service check" in text
    )
    assert "Come and help!" in text
    assert "England: volunteers need a DBS check" in text
    try:
        public = reverse("volunteer_with_us:apply", kwargs={"slug": world.home.slug})
    except NoReverseMatch:
        assert "The public “Volunteer with us” page Not ready yet" in text
    else:
        assert f'href="{public}"' in response.content.decode()


def test_a_role_is_added_with_its_training(world, champion):
    page = champion.get(url("role_add", world))
    content = page.content.decode()
    assert "<legend" in content and "Training needed" in content
    assert "Volunteer management" not in main_text(page)  # a course for staff
    data = role_data(training=[module("safeguarding-adults").pk, module("dementia-awareness").pk])
    response = champion.post(url("role_add", world), data)
    assert response.status_code == 302
    role = VolunteerRole.objects.get(home=world.home)
    assert {m.slug for m in role.training.all()} == {"safeguarding-adults", "dementia-awareness"}
    assert "The role “Befriender” was added." in main_text(champion.get(response.url))


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": ""}, "name", "Give the role a name"),
        ({"references_needed": "4"}, "references_needed", "Enter a number of references from 0 to 3."),
        ({"references_needed": "two"}, "references_needed", "Enter a number of references from 0 to 3."),
        ({"check_level": "gold"}, "check_level", "Choose the background check this role needs."),
        ({"training": ["99999"]}, "training", "Choose courses from the list."),
    ],
)
def test_bad_role_input_is_explained_next_to_the_field(world, champion, fields, field, message):
    response = champion.post(url("role_add", world), role_data(**fields))
    assert response.status_code == 200
    assert message in field_error(response, field)
    assert not VolunteerRole.objects.exists()


def test_a_duplicate_role_name_is_explained_next_to_the_name(world, champion):
    VolunteerRoleFactory(home=world.home, name="Befriender")
    response = champion.post(url("role_add", world), role_data(name="BEFRIENDER"))
    assert (
        field_error(response, "name")
        == "Rowan House already has a role called “BEFRIENDER”. Choose another name."
    )
    assert VolunteerRole.objects.count() == 1


def test_a_role_is_changed_and_a_conflict_is_shown(world, client_for):
    role = VolunteerRoleFactory(home=world.home, name="Befriender")
    edit = url("role_edit", world, role.pk)
    page = client_for(world.champion).get(edit)
    assert 'value="Befriender"' in page.content.decode()
    opened = role.version
    response = client_for(world.champion).post(edit, role_data(references_needed="1", version=opened))
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.references_needed == 1
    late = client_for(world.manager).post(edit, role_data(references_needed="3", version=opened))
    assert late.status_code == 200
    assert "saved a change to this" in alert_text(late)
    assert "Satisfactory references needed" in main_text(late)
    role.refresh_from_db()
    assert role.references_needed == 1


def test_the_settings_are_saved_and_the_manager_sets_the_nation(world, client_for):
    manager = client_for(world.manager)
    Organisation.objects.create(name="Making Pals", slug="making-pals", kind=Organisation.Kind.CONNECTOR)
    pals = Organisation.objects.get(slug="making-pals")
    page = manager.get(url("settings_edit", world))
    content = page.content.decode()
    assert 'name="nation"' in content and "Making Pals" in content
    data = {
        "recruiting": "on",
        "welcome": "Share a hobby with us.",
        "dbs_recheck_months": "24",
        "licence_check_months": "12",
        "nation": Nation.SCOTLAND,
        "recruit_through": [pals.pk],
        "version": "0",
    }
    response = manager.post(url("settings_edit", world), data)
    assert response.status_code == 302
    saved = VolunteerSettings.objects.get(home=world.home)
    assert (saved.dbs_recheck_months, list(saved.recruit_through.all())) == (24, [pals])
    world.home.refresh_from_db()
    assert world.home.in_scotland
    assert "Scotland: volunteers need PVG scheme membership" in main_text(manager.get(url("setup", world)))


def test_a_champion_sees_the_nation_but_cannot_change_it(world, champion):
    page = champion.get(url("settings_edit", world))
    assert 'name="nation"' not in page.content.decode()
    assert "Where the home is: England. Only the home manager can change this." in main_text(page)
    response = champion.post(
        url("settings_edit", world),
        {"dbs_recheck_months": "36", "licence_check_months": "12", "nation": Nation.SCOTLAND, "version": "0"},
    )
    assert response.status_code == 302
    world.home.refresh_from_db()
    assert world.home.nation == Nation.ENGLAND


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"dbs_recheck_months": "0"}, "dbs_recheck_months", "from 1 to 120"),
        ({"dbs_recheck_months": "99999999999999999999"}, "dbs_recheck_months", "from 1 to 120"),
        ({"licence_check_months": ""}, "licence_check_months", "from 1 to 60"),
        ({"welcome": "x" * 3001}, "welcome", "under 3,000 characters"),
        ({"nation": "narnia"}, "nation", "Choose England, Wales or Scotland."),
    ],
)
def test_bad_settings_are_explained_next_to_the_field_and_nothing_is_saved(
    world, client_for, fields, field, message
):
    data = {
        "dbs_recheck_months": "36",
        "licence_check_months": "12",
        "nation": Nation.ENGLAND,
        "version": "0",
    }
    data.update(fields)
    response = client_for(world.manager).post(url("settings_edit", world), data)
    assert response.status_code == 200
    assert message in field_error(response, field)
    assert not VolunteerSettings.objects.exists()


def test_two_people_saving_the_settings_at_once_are_told(world, client_for):
    existing = VolunteerSettingsFactory(home=world.home)
    data = {"licence_check_months": "12", "nation": Nation.ENGLAND, "version": str(existing.version)}
    first = client_for(world.manager).post(url("settings_edit", world), {**data, "dbs_recheck_months": "24"})
    assert first.status_code == 302
    second = client_for(world.manager).post(url("settings_edit", world), {**data, "dbs_recheck_months": "48"})
    assert "saved a change to this" in alert_text(second)
    existing.refresh_from_db()
    assert existing.dbs_recheck_months == 24


def setup_pages(world):
    role = VolunteerRoleFactory(home=world.home)
    return [
        url("setup", world),
        url("role_add", world),
        url("role_edit", world, role.pk),
        url("settings_edit", world),
        url("roles_starter", world),
    ]


@pytest.mark.parametrize("role", ["staff", "volunteer", "family"])
def test_staff_volunteers_and_families_get_403(world, client_for, role):
    client = client_for(world.member(role))
    for page in setup_pages(world):
        assert client.get(page).status_code in (403, 405), page
        assert client.post(page, role_data(name="Sneaky")).status_code == 403, page
    assert not VolunteerRole.objects.filter(name="Sneaky").exists()


def test_another_homes_manager_gets_404_and_another_homes_role_is_404(world, client_for):
    client = client_for(world.outsider)
    for page in setup_pages(world):
        assert client.get(page).status_code == 404, page
        assert client.post(page, role_data(name="Sneaky")).status_code == 404, page
    foreign = VolunteerRoleFactory(home=world.other_home, name="Foreign")
    manager = client_for(world.manager)
    assert manager.get(url("role_edit", world, foreign.pk)).status_code == 404
    assert manager.post(url("role_edit", world, foreign.pk), role_data(name="Sneaky")).status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "Foreign"


def test_the_setup_pages_cost_the_same_for_3_or_30_roles(world, champion, django_assert_max_num_queries):
    def grow(n):
        for i in range(n):
            role = VolunteerRoleFactory(home=world.home, name=f"Role {len(VolunteerRole.objects.all())}-{i}")
            role.training.add(module("first-aid"), module("safeguarding-adults"))
            VolunteerFactory(home=world.home, roles=[role])

    def counts():
        found = []
        role = VolunteerRole.objects.filter(home=world.home).first()
        for page in (
            url("setup", world),
            url("role_edit", world, role.pk),
            url("role_add", world),
            url("settings_edit", world),
        ):
            with django_assert_max_num_queries(25) as captured:
                assert champion.get(page).status_code == 200
            found.append(len(captured.captured_queries))
        return found

    grow(3)
    few = counts()
    grow(27)
    assert counts() == few


def test_a_course_a_role_already_asks_for_stays_on_the_list_when_it_is_changed(world, champion):
    role = VolunteerRoleFactory(home=world.home, name="Helper", needs_induction=False)
    role.training.add(module("induction"))
    page = champion.get(url("role_edit", world, role.pk))
    assert f'value="{module("induction").pk}" ' in page.content.decode()
    response = champion.post(
        url("role_edit", world, role.pk),
        role_data(
            name="Helper", needs_induction=None, training=[module("induction").pk], version=role.version
        ),
    )
    assert response.status_code == 302
    assert [m.slug for m in role.training.all()] == ["induction"]
