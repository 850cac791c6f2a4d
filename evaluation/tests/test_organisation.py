"""The organisation dashboard: every home a person may see side by side, the
homes furthest behind first; another organisation's homes (or this one's
that the person has no role in) never shown; the same queries for 3 homes or
30; the table brought up to date when the figures are refreshed."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluation.tasks import refresh_recent_figures
from evaluation.tests.factories import evaluation_for
from homes.models import Nation, Role
from homes.tests.factories import HomeFactory, MembershipFactory, OrganisationFactory
from residents.models import Resident
from residents.tests.factories import ConnectionParticipantFactory, ResidentFactory
from tests.html import main_text
from visits.tests.factories import VisitRestrictionFactory

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=timezone.get_current_timezone())


def residents(home, count):
    return [ResidentFactory(home=home, admitted_on=date(2025, 1, 1)) for _ in range(count)]


def connected_today(resident):
    when = timezone.make_aware(datetime.combine(NOW.date(), time(9)))
    ConnectionParticipantFactory(resident=resident, connection__occurred_at=when, occurred_at=when)


@pytest.fixture
def group(db):
    provider = OrganisationFactory(name="Heather Care", slug="heather-care")
    homes = {
        name: HomeFactory(organisation=provider, name=name, nation=nation)
        for name, nation in [
            ("Alder Lodge", Nation.ENGLAND),
            ("Beech View", Nation.SCOTLAND),
            ("Cedar House", Nation.ENGLAND),
        ]
    }
    admin = MembershipFactory(home=homes["Alder Lodge"], role=Role.ORG_ADMIN).user
    for home in list(homes.values())[1:]:
        MembershipFactory(home=home, role=Role.ORG_ADMIN, user=admin)
    # Alder: 1 of 4 connected; Beech: 3 of 3; Cedar: 0 of 2.
    alder, beech = residents(homes["Alder Lodge"], 4), residents(homes["Beech View"], 3)
    residents(homes["Cedar House"], 2)
    connected_today(alder[0])
    for r in beech:
        connected_today(r)
    return provider, homes, admin


def url(provider, query=""):
    return reverse("organisation:dashboard", args=[provider.slug]) + query


def home_order(page, homes):
    return sorted((name for name in homes if name in page), key=page.index)


@time_machine.travel(NOW, tick=False)
def test_every_home_side_by_side_furthest_behind_first(group, client_for):
    provider, homes, admin = group
    evaluation_for(homes["Beech View"], rated=5, completed=True)
    page = main_text(client_for(admin).get(url(provider)))
    assert home_order(page, homes) == ["Cedar House", "Alder Lodge", "Beech View"]
    assert "Cedar House 2 0%" in page
    assert "Alder Lodge 4 25%" in page
    assert "Beech View 3 100%" in page
    assert "lowest 5 Very good (every theme: 5, 5," in page  # Beech View's completed self-evaluation
    by_name = main_text(client_for(admin).get(url(provider, "?sort=name")))
    assert home_order(by_name, homes) == ["Alder Lodge", "Beech View", "Cedar House"]


@time_machine.travel(NOW, tick=False)
def test_who_has_no_regular_visitors_and_what_to_follow_up_side_by_side(group, client_for):
    provider, homes, admin = group
    beech = homes["Beech View"]
    VisitRestrictionFactory(
        resident=Resident.objects.for_home(beech).first(),
        starts_on=NOW.date() - timedelta(days=30),
        expected_end_on=NOW.date() + timedelta(days=30),
        next_review_on=NOW.date() - timedelta(days=2),
    )
    page = main_text(client_for(admin).get(url(provider, "?sort=follow_up")))
    assert home_order(page, homes) == ["Beech View", "Alder Lodge", "Cedar House"]
    # Living here since 2025 and never visited: every resident has no regular visitors.
    # Bands, visits and calls, no regular visitors, contact behind, activities, loneliness, to follow up.
    assert "100% 0 / 3 / 0 / 0 0 3 0 0 not asked 1 restriction review overdue" in page
    assert "25% 3 / 1 / 0 / 0 0 4 0 0 not asked nothing" in page
    by_visitors = main_text(client_for(admin).get(url(provider, "?sort=visitors")))
    assert home_order(by_visitors, homes) == ["Alder Lodge", "Beech View", "Cedar House"]


@time_machine.travel(NOW, tick=False)
def test_filters_by_nation_and_name(group, client_for):
    provider, homes, admin = group
    client = client_for(admin)
    scottish = main_text(client.get(url(provider, "?nation=scotland")))
    assert home_order(scottish, homes) == ["Beech View"]
    assert "Showing 1 of 3 homes" in scottish
    assert home_order(main_text(client.get(url(provider, "?q=cedar"))), homes) == ["Cedar House"]
    odd = main_text(client.get(url(provider, "?nation=mars&sort=%00&week=nonsense")))
    assert "Showing all 3 homes" in odd


@time_machine.travel(NOW, tick=False)
def test_a_manager_sees_only_their_own_home_of_the_group(group, client_for):
    provider, homes, _ = group
    manager = MembershipFactory(home=homes["Alder Lodge"], role=Role.MANAGER)
    page = main_text(client_for(manager).get(url(provider)))
    assert home_order(page, homes) == ["Alder Lodge"]


@pytest.mark.parametrize("role", [Role.FAMILY, Role.VOLUNTEER, Role.STAFF, Role.CONNECTOR])
def test_relatives_volunteers_and_care_staff_are_refused(group, client_for, role):
    provider, homes, _ = group
    member = MembershipFactory(home=homes["Alder Lodge"], role=role)
    assert client_for(member).get(url(provider)).status_code == 403


def test_another_organisations_people_get_404_and_strangers_sign_in(group, client, client_for):
    provider, _, _ = group
    outsider = MembershipFactory(home=HomeFactory(), role=Role.ORG_ADMIN)
    assert client_for(outsider).get(url(provider)).status_code == 404
    assert client.get(url(provider)).status_code == 302


@time_machine.travel(NOW, tick=False)
def test_the_same_queries_for_three_homes_or_thirty(group, client_for, settings):
    settings.KITH_FRAGMENT_CACHE = False
    provider, homes, admin = group
    evaluation_for(homes["Beech View"], rated=5, completed=True)
    client = client_for(admin)
    client.get(url(provider))  # the figures kept once
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(provider)).status_code == 200
    for n in range(27):
        home = HomeFactory(organisation=provider, name=f"Yew Court {n}")
        MembershipFactory(home=home, role=Role.ORG_ADMIN, user=admin)
        residents(home, 2)
        evaluation_for(home, rated=4, completed=True)
    client.get(url(provider))
    with CaptureQueriesContext(connection) as many:
        page = main_text(client.get(url(provider)))
    assert "Showing all 30 homes" in page
    assert len(many) == len(few) <= 15


@time_machine.travel(NOW, tick=True)  # the clock moves on between the refreshes
def test_the_table_shows_new_records_once_the_figures_are_refreshed(group, client_for):
    provider, homes, admin = group
    client = client_for(admin)
    assert "Cedar House 2 0%" in main_text(client.get(url(provider)))
    for r in Resident.objects.for_home(homes["Cedar House"]):
        connected_today(r)
    assert "Cedar House 2 0%" in main_text(client.get(url(provider)))  # kept until refreshed
    refresh_recent_figures()
    assert "Cedar House 2 100%" in main_text(client.get(url(provider)))
