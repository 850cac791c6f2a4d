"""Roles and settings: the rules the services hold."""

from datetime import timedelta

import pytest
from django.utils import timezone

from carehome.errors import DomainError
from carehome.timeutils import add_months
from carehome.versions import EditConflict
from homes.models import Nation, Organisation
from homes.services import home_nation_set
from volunteers import rules
from volunteers.models import CheckLevel, Volunteer, VolunteerRole, VolunteerSettings
from volunteers.selectors.setup import role_needs
from volunteers.services.setup import (
    role_create,
    role_update,
    roles_starter_set,
    volunteer_settings_update,
)
from volunteers.tests.factories import (
    VolunteerRoleFactory,
    VolunteerSettingsFactory,
    cleared_volunteer,
    module,
)

pytestmark = pytest.mark.django_db


def role_fields(**fields):
    data = {
        "name": "  Garden   helper ",
        "description": "Helps residents in the garden.",
        "check_level": CheckLevel.ENHANCED,
        "references_needed": 1,
        "training": [module("safeguarding-adults")],
        "needs_identity": True,
        "needs_interview": True,
        "needs_induction": True,
        "meets_residents": True,
        "drives": False,
        "is_active": True,
    }
    data.update(fields)
    return data


def create(world, **fields):
    return role_create(home=world.home, actor=world.champion.user, **role_fields(**fields))


def refused(call, field, part=""):
    with pytest.raises(DomainError) as caught:
        call()
    assert caught.value.field == field, caught.value.message
    assert part in caught.value.message
    return caught.value.message


def test_a_role_is_added_with_what_it_needs(world):
    role = create(world)
    role.refresh_from_db()
    assert role.name == "Garden helper"
    assert role.references_needed == 1
    assert list(role.training.all()) == [module("safeguarding-adults")]
    assert role_needs(role, Nation.ENGLAND) == (
        "Enhanced DBS check, 1 reference, identity, interview, induction, safeguarding adults"
    )


def test_a_role_name_is_unique_in_the_home_whatever_the_capitals(world):
    create(world, name="Befriender")
    message = refused(lambda: create(world, name="  BEFRIENDER "), "name")
    assert message == "Rowan House already has a role called “BEFRIENDER”. Choose another name."
    assert VolunteerRole.objects.filter(home=world.home).count() == 1
    # Another home may use the same name.
    role_create(home=world.other_home, actor=world.outsider.user, **role_fields(name="Befriender"))


def test_renaming_a_role_to_another_roles_name_is_refused(world):
    create(world, name="Befriender")
    other = create(world, name="Activity helper")
    refused(
        lambda: role_update(
            home=world.home,
            actor=world.manager.user,
            role=other,
            version=other.version,
            **role_fields(name="befriender"),
        ),
        "name",
        "already has a role called",
    )
    other.refresh_from_db()
    assert other.name == "Activity helper"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 81}, "name"),
        ({"references_needed": 4}, "references_needed"),
        ({"references_needed": -1}, "references_needed"),
        ({"check_level": "platinum"}, "check_level"),
        ({"training": ["volunteer-management"]}, "training"),
    ],
)
def test_bad_role_details_are_refused(world, fields, field):
    if "training" in fields:
        fields = {"training": [module(slug) for slug in fields["training"]]}
    refused(lambda: create(world, **fields), field)
    assert not VolunteerRole.objects.exists()


def test_a_role_edit_over_a_newer_save_is_a_conflict_naming_the_training(world):
    role = create(world)
    opened = role.version
    role_update(
        home=world.home,
        actor=world.manager.user,
        role=role,
        version=opened,
        **role_fields(training=[module("safeguarding-adults"), module("dementia-awareness")]),
    )
    with pytest.raises(EditConflict) as caught:
        role_update(
            home=world.home, actor=world.champion.user, role=role, version=opened, **role_fields(training=[])
        )
    assert [d["label"] for d in caught.value.differences] == ["Training needed"]
    assert role.training.count() == 2


def test_asking_more_of_a_role_blocks_its_volunteers_until_they_have_it(world):
    role = VolunteerRoleFactory(home=world.home, name="Befriender")
    volunteer = cleared_volunteer(world.home, role=role)
    role_update(
        home=world.home,
        actor=world.manager.user,
        role=role,
        version=role.version,
        **role_fields(
            name="Befriender",
            check_level=CheckLevel.ENHANCED_BARRED,
            references_needed=2,
            training=[module("first-aid")],
            needs_interview=False,
        ),
    )
    loaded = rules.with_facts(type(volunteer).objects.filter(pk=volunteer.pk)).get()
    assert [b.message for b in rules.blockers(loaded)] == ["No first aid training recorded"]


def test_the_starter_roles_are_added_once_to_a_home_with_none(world):
    roles = roles_starter_set(home=world.home, actor=world.manager.user)
    assert [r.name for r in roles] == ["Befriender", "Activity helper", "Volunteer driver"]
    words = {r.name: role_needs(r, world.home.nation) for r in VolunteerRole.objects.filter(home=world.home)}
    assert words == {
        "Befriender": "Enhanced DBS with the adults' barred list, 2 references, identity, induction, "
        "safeguarding adults, dementia awareness",
        "Activity helper": "Enhanced DBS with the adults' barred list, 2 references, identity, induction, "
        "safeguarding adults",
        "Volunteer driver": "Enhanced DBS with the adults' barred list, 2 references, induction, "
        "safeguarding adults",
    }
    driver = VolunteerRole.objects.get(home=world.home, name="Volunteer driver")
    assert driver.drives and driver.meets_residents
    with pytest.raises(DomainError):
        roles_starter_set(home=world.home, actor=world.manager.user)
    assert VolunteerRole.objects.filter(home=world.home).count() == 3


def test_in_scotland_a_role_needs_pvg_membership(world):
    role = VolunteerRoleFactory(
        home=world.home, references_needed=0, needs_identity=False, needs_induction=False
    )
    assert role_needs(role, Nation.SCOTLAND) == "PVG scheme membership"
    role.check_level = CheckLevel.NONE
    assert role_needs(role, Nation.SCOTLAND) == "Nothing before they start"


# --- Settings -------------------------------------------------------------------------------


def settings_fields(**fields):
    data = {
        "recruiting": True,
        "welcome": "  Come and share a hobby.  \n\n",
        "dbs_recheck_months": 24,
        "licence_check_months": 12,
        "recruit_through": [],
        "nation": None,
    }
    data.update(fields)
    return data


def test_the_settings_are_saved_the_first_time_and_changed_after(world):
    saved = volunteer_settings_update(
        home=world.home, actor=world.manager.user, version=0, **settings_fields()
    )
    assert (saved.dbs_recheck_months, saved.welcome) == (24, "Come and share a hobby.")
    assert rules.settings_for(world.home).pk == saved.pk
    again = volunteer_settings_update(
        home=world.home, actor=world.manager.user, version=saved.version, **settings_fields(recruiting=False)
    )
    assert again.pk == saved.pk and not again.recruiting


def test_a_shorter_recheck_policy_applies_to_checks_already_recorded(world):
    volunteer = cleared_volunteer(world.home)
    check = volunteer.checks.get()
    check.issued_on = timezone.localdate() - timedelta(days=500)
    check.valid_until = add_months(check.issued_on, 36)
    check.save()
    loaded = rules.with_facts(Volunteer.objects.filter(pk=volunteer.pk)).get()
    assert rules.blockers(loaded) == []
    volunteer_settings_update(home=world.home, actor=world.manager.user, version=0, **settings_fields())
    check.refresh_from_db()
    assert check.valid_until == add_months(check.issued_on, 24)
    volunteer_settings_update(
        home=world.home,
        actor=world.manager.user,
        version=rules.settings_for(world.home).version,
        **settings_fields(dbs_recheck_months=12),
    )
    check.refresh_from_db()
    assert check.valid_until == add_months(check.issued_on, 12)
    loaded = rules.with_facts(Volunteer.objects.filter(pk=volunteer.pk)).get()
    assert [b.kind for b in rules.blockers(loaded)] == ["check"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"dbs_recheck_months": 0}, "dbs_recheck_months"),
        ({"dbs_recheck_months": 121}, "dbs_recheck_months"),
        ({"licence_check_months": 61}, "licence_check_months"),
        ({"welcome": "x" * 3001}, "welcome"),
        ({"nation": "narnia"}, "nation"),
    ],
)
def test_bad_settings_are_refused_and_nothing_is_saved(world, fields, field):
    refused(
        lambda: volunteer_settings_update(
            home=world.home, actor=world.manager.user, version=0, **settings_fields(**fields)
        ),
        field,
    )
    assert not VolunteerSettings.objects.filter(home=world.home).exists()
    world.home.refresh_from_db()
    assert world.home.nation == Nation.ENGLAND


def test_only_connector_charities_may_recruit_for_the_home(world):
    provider = Organisation.objects.create(name="Care Co", slug="care-co", kind=Organisation.Kind.PROVIDER)
    pals = Organisation.objects.create(
        name="Making Pals", slug="making-pals", kind=Organisation.Kind.CONNECTOR
    )
    refused(
        lambda: volunteer_settings_update(
            home=world.home,
            actor=world.manager.user,
            version=0,
            **settings_fields(recruit_through=[provider]),
        ),
        "recruit_through",
    )
    saved = volunteer_settings_update(
        home=world.home, actor=world.manager.user, version=0, **settings_fields(recruit_through=[pals])
    )
    assert list(saved.recruit_through.all()) == [pals]


def test_the_nation_is_set_with_the_settings(world):
    volunteer_settings_update(
        home=world.home, actor=world.manager.user, version=0, **settings_fields(nation=Nation.SCOTLAND)
    )
    world.home.refresh_from_db()
    assert world.home.in_scotland


def test_a_settings_edit_over_a_newer_save_is_a_conflict(world):
    existing = VolunteerSettingsFactory(home=world.home)
    volunteer_settings_update(
        home=world.home, actor=world.manager.user, version=existing.version, **settings_fields()
    )
    with pytest.raises(EditConflict) as caught:
        volunteer_settings_update(
            home=world.home,
            actor=world.champion.user,
            version=existing.version,
            **settings_fields(dbs_recheck_months=60, nation=Nation.WALES),
        )
    labels = [d["label"] for d in caught.value.differences]
    assert labels == ["Months before a DBS check is renewed", "Where the home is"]
    assert rules.settings_for(world.home).dbs_recheck_months == 24
    world.home.refresh_from_db()
    assert world.home.nation == Nation.ENGLAND


def test_home_nation_set_refuses_a_made_up_nation_and_records_who_changed_it(world):
    from auditlog.models import LogEntry

    with pytest.raises(DomainError):
        home_nation_set(home=world.home, actor=world.manager.user, nation="atlantis")
    home_nation_set(home=world.home, actor=world.manager.user, nation=Nation.WALES)
    world.home.refresh_from_db()
    assert world.home.nation == Nation.WALES
    entry = LogEntry.objects.get_for_object(world.home).order_by("-timestamp").first()
    assert entry.actor == world.manager.user
    assert "nation" in entry.changes_dict
