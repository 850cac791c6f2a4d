"""Sharing a home's outcome figures with connector charity staff: the manager
chooses, in the history, and a change made meanwhile is never undone unseen;
a connector sees the figures of a home that shares them (never a resident's
name, never the self-evaluations) and loses them the moment it stops; the
charity's own table holds every home that works with it and shares, across
providers, and nothing else."""

from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community.tests.factories import CommunitySettingsFactory
from evaluation.tests.factories import evaluation_for
from homes.models import Home, Organisation, Role
from homes.tests.factories import HomeFactory, MembershipFactory, OrganisationFactory
from residents.tests.factories import ResidentFactory
from tests.html import field_error, main_text, text_of
from visits.tests.factories import VisitRestrictionFactory


def outcomes(home):
    return reverse("evaluation:dashboard", args=[home.slug])


def sharing(home):
    return reverse("evaluation:sharing", args=[home.slug])


def table(charity):
    return reverse("organisation:dashboard", args=[charity.slug])


def shares(home):
    return Home.objects.get(pk=home.pk).shares_outcomes


@pytest.fixture
def home_with_connector(db):
    home = HomeFactory(name="Alder Lodge")
    manager = MembershipFactory(home=home, role=Role.MANAGER)
    connector = MembershipFactory(home=home, role=Role.CONNECTOR, user__full_name="Cara Mitchell")
    resident = ResidentFactory(home=home, admitted_on=date(2025, 1, 1))
    today = timezone.localdate()
    VisitRestrictionFactory(
        resident=resident,
        starts_on=today - timedelta(days=30),
        expected_end_on=today + timedelta(days=30),
        next_review_on=today - timedelta(days=2),
    )
    return home, manager, connector, resident


def test_a_connector_sees_no_figures_until_the_manager_shares_them(home_with_connector, client_for):
    home, manager, connector, resident = home_with_connector
    as_connector = client_for(connector)
    assert as_connector.get(outcomes(home)).status_code == 403
    assert "Outcomes" not in text_of(
        as_connector.get(reverse("homes:dashboard", args=[home.slug])).content.decode()
    )

    page = client_for(manager).get(sharing(home))
    assert "Cara Mitchell" in main_text(page)  # who would see them
    response = client_for(manager).post(sharing(home), {"shares": "yes", "was": "no"})
    assert response.status_code == 302
    assert shares(home)
    entry = LogEntry.objects.get_for_object(Home.objects.get(pk=home.pk)).latest("timestamp")
    assert entry.actor_id == manager.user_id
    assert "shares_outcomes" in entry.changes_dict

    page = as_connector.get(outcomes(home))
    assert page.status_code == 200
    text = main_text(page)
    assert "Meaningful connection" in text
    assert "Visiting restrictions with reviews overdue 1" in text
    assert resident.full_name not in page.content.decode()  # no resident is named
    assert "Self-evaluations" not in text  # the evaluation area's tabs are not theirs
    assert resident.full_name in main_text(client_for(manager).get(outcomes(home)))
    for name in ("evaluation:evaluations", "evaluation:plan"):
        assert as_connector.get(reverse(name, args=[home.slug])).status_code == 403
    item = evaluation_for(home, rated=4, completed=True)
    assert as_connector.get(reverse("evaluation:pack", args=[home.slug, item.pk])).status_code == 403

    # Stopping takes effect at once.
    client_for(manager).post(sharing(home), {"shares": "no", "was": "yes"})
    assert not shares(home)
    assert as_connector.get(outcomes(home)).status_code == 403


def test_a_change_made_meanwhile_is_not_undone_unseen(home_with_connector, client_for):
    home, manager, _, _ = home_with_connector
    colleague = MembershipFactory(home=home, role=Role.MANAGER, user__full_name="Priya Shah")
    client_for(colleague).post(sharing(home), {"shares": "yes", "was": "no"})
    # The first manager's page was opened before that, showing "not shared", and they save "no".
    response = client_for(manager).post(sharing(home), {"shares": "no", "was": "no"})
    assert response.status_code == 200
    error = field_error(response, "shares")
    assert "Priya Shah changed this" in error and "the home now shares its figures" in error
    assert shares(home)  # nothing saved
    assert 'name="was" value="yes"' in response.content.decode()  # saving again is a knowing choice
    client_for(manager).post(sharing(home), {"shares": "no", "was": "yes"})
    assert not shares(home)


@pytest.mark.parametrize(
    "data", [{}, {"shares": "maybe", "was": "no"}, {"shares": "yes"}, {"shares": "yes", "was": "x"}]
)
def test_bad_answers_are_refused_and_nothing_is_saved(home_with_connector, client_for, data):
    home, manager, _, _ = home_with_connector
    response = client_for(manager).post(sharing(home), data)
    assert response.status_code == 200
    assert "Choose" in main_text(response) or "Reload the page" in main_text(response)
    assert not shares(home)


@pytest.mark.parametrize("role", [Role.STAFF, Role.CHAMPION, Role.CONNECTOR, Role.FAMILY, Role.VOLUNTEER])
def test_only_the_manager_chooses(home_with_connector, client_for, role):
    home, _, _, _ = home_with_connector
    member = MembershipFactory(home=home, role=role)
    assert client_for(member).get(sharing(home)).status_code == 403
    assert client_for(member).post(sharing(home), {"shares": "yes", "was": "no"}).status_code == 403
    assert not shares(home)


@pytest.fixture
def charity_world(db):
    """Linking Lives works with four homes of two providers; Cara is a member of three of them."""
    charity = OrganisationFactory(
        name="Linking Lives", slug="linking-lives", kind=Organisation.Kind.CONNECTOR
    )
    heather, birch = OrganisationFactory(name="Heather Care"), OrganisationFactory(name="Birch Homes")
    cara = MembershipFactory(
        home=HomeFactory(organisation=heather, name="Alder Lodge", shares_outcomes=True), role=Role.CONNECTOR
    ).user
    homes = {"Alder Lodge": Home.objects.get(name="Alder Lodge")}
    for name, provider, shared, member, works_with in [
        ("Beech View", birch, True, True, True),
        ("Cedar House", birch, False, True, True),  # does not share
        ("Damson Court", birch, True, False, True),  # Cara is not a member
        ("Elm Grove", heather, True, True, False),  # does not work with the charity
    ]:
        home = homes[name] = HomeFactory(organisation=provider, name=name, shares_outcomes=shared)
        if member:
            MembershipFactory(home=home, role=Role.CONNECTOR, user=cara)
        if works_with:
            CommunitySettingsFactory(home=home).directories.add(charity)
    CommunitySettingsFactory(home=homes["Alder Lodge"]).directories.add(charity)
    for home in homes.values():
        ResidentFactory(home=home, admitted_on=date(2025, 1, 1))
    return charity, homes, cara


def test_the_charitys_table_holds_the_homes_that_share_with_it_across_providers(charity_world, client_for):
    charity, homes, cara = charity_world
    page = main_text(client_for(cara).get(table(charity)))
    assert "Homes Linking Lives works with" in page
    shown = sorted(name for name in homes if name in page)
    assert shown == ["Alder Lodge", "Beech View"]
    assert "Alder Lodge Heather Care" in page and "Beech View Birch Homes" in page
    # Its rows open each home's figures.
    assert client_for(cara).get(outcomes(homes["Beech View"])).status_code == 200
    # The home's dashboard leads back to the charity's table.
    assert "Every home Linking Lives works with, side by side" in main_text(
        client_for(cara).get(outcomes(homes["Beech View"]))
    )


def test_a_connector_sees_no_providers_table(charity_world, client_for):
    _, homes, cara = charity_world
    provider = homes["Beech View"].organisation
    assert client_for(cara).get(table(provider)).status_code == 403


def test_the_charitys_table_is_refused_to_those_outside_it(charity_world, client_for, client):
    charity, homes, _ = charity_world
    stranger = MembershipFactory(home=HomeFactory(), role=Role.CONNECTOR)
    assert client_for(stranger).get(table(charity)).status_code == 404
    # A connector at a home that works with the charity but shares nothing with its staff.
    waiting = MembershipFactory(home=homes["Cedar House"], role=Role.CONNECTOR)
    assert client_for(waiting).get(table(charity)).status_code == 403
    assert client.get(table(charity)).status_code == 302


def test_the_same_queries_for_two_homes_or_twenty(charity_world, client_for, settings):
    settings.KITH_FRAGMENT_CACHE = False
    charity, homes, cara = charity_world
    evaluation_for(homes["Beech View"], rated=4, completed=True)
    client = client_for(cara)
    client.get(table(charity))  # the figures kept once
    with CaptureQueriesContext(connection) as few:
        assert client.get(table(charity)).status_code == 200
    for n in range(18):
        home = HomeFactory(name=f"Yew Court {n}", shares_outcomes=True)
        MembershipFactory(home=home, role=Role.CONNECTOR, user=cara)
        CommunitySettingsFactory(home=home).directories.add(charity)
        ResidentFactory(home=home, admitted_on=date(2025, 1, 1))
        evaluation_for(home, rated=4, completed=True)
    client.get(table(charity))
    with CaptureQueriesContext(connection) as many:
        page = main_text(client.get(table(charity)))
    assert "Showing all 20 homes" in page
    assert len(many) == len(few) <= 15
