"""Renewals due: the list (``renewals_due``), its page and the dashboard panel."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from carehome.timeutils import add_months
from homes.models import Role
from tests.html import main_text, text_of
from volunteers.models import Volunteer
from volunteers.selectors.expiry import renewal_counts, renewals_due
from volunteers.tests.factories import (
    DbsCheckFactory,
    DriverFactory,
    MembershipFactory,
    PvgCheckFactory,
    TrainingRecordFactory,
    VolunteerFactory,
    VolunteerSettingsFactory,
    module,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def days(n):
    return TODAY() + timedelta(days=n)


def check_until(home, until, **fields):
    return DbsCheckFactory(
        volunteer=fields.pop("volunteer", None) or VolunteerFactory(home=home, **fields),
        issued_on=until - timedelta(days=1000),
        valid_until=until,
    )


def training_until(until, **person):
    return TrainingRecordFactory(
        module=module("first-aid"), completed_on=until - timedelta(days=1000), expires_on=until, **person
    )


def rows(found):
    return [(r.person, r.what, r.expires_on) for r in found]


# --- What is listed ------------------------------------------------------------------------------


def test_checks_training_and_driver_documents_are_listed_soonest_first(world):
    VolunteerSettingsFactory(home=world.home, licence_check_months=6)
    ann = VolunteerFactory(home=world.home, full_name="Ann Archer")
    check_until(world.home, days(-5), volunteer=ann)
    training_until(days(20), volunteer=None, member=world.staff)
    driver = DriverFactory(
        volunteer=VolunteerFactory(home=world.home, full_name="Dennis Driver"),
        licence_checked_on=days(-6 * 31 + 40),
        drives_own_car=True,
        insurance_expires_on=days(3),
        vehicle_check_expires_on=days(200),
    )

    found = renewals_due(world.home, on=TODAY())

    licence_due = add_months(driver.licence_checked_on, 6)
    assert 20 < (licence_due - TODAY()).days <= 60
    assert rows(found) == [
        ("Ann Archer", "DBS check (enhanced with the adults' barred list)", days(-5)),
        ("Dennis Driver", "Business-use car insurance", days(3)),
        ("Aisha Bello", "First aid training", days(20)),
        ("Dennis Driver", "Driving licence check", licence_due),
    ]
    assert [r.group(TODAY()) for r in found] == ["expired", "within_7", "within_30", "within_60"]
    assert found[1].link(world.home.slug) == reverse(
        "volunteers:driver_edit", args=[world.home.slug, driver.pk]
    )


def test_things_further_off_or_renewed_or_of_people_who_left_are_not_listed(world):
    check_until(world.home, days(61), full_name="Far Off")
    renewed = VolunteerFactory(home=world.home, full_name="Rita Renewed")
    check_until(world.home, days(10), volunteer=renewed)
    check_until(world.home, days(1000), volunteer=renewed)
    retrained = VolunteerFactory(home=world.home, full_name="Tom Trained")
    training_until(days(10), volunteer=retrained)
    TrainingRecordFactory(
        volunteer=retrained, module=module("first-aid"), completed_on=TODAY(), expires_on=None
    )
    gone = check_until(world.home, days(10), full_name="Gone Away")
    Volunteer.objects.filter(pk=gone.volunteer_id).update(status=Volunteer.Status.LEFT, left_reason="Moved")
    left_staff = MembershipFactory(home=world.home, role=Role.STAFF, is_active=False)
    training_until(days(10), volunteer=None, member=left_staff)
    told = PvgCheckFactory(volunteer=VolunteerFactory(home=world.home), valid_until=days(10))
    told.left_notified_on = TODAY()
    told.save()
    DriverFactory(volunteer=VolunteerFactory(home=world.home), licence_checked_on=days(-400), is_active=False)
    DriverFactory(
        volunteer=VolunteerFactory(home=world.home), drives_own_car=False, insurance_expires_on=days(5)
    )
    check_until(world.other_home, days(5), full_name="Other Home")

    assert renewals_due(world.home, on=TODAY()) == []


# --- The page ------------------------------------------------------------------------------------


def url(world):
    return reverse("volunteers:expiring", args=[world.home.slug])


def section(response, key):
    found = re.search(
        rf'aria-labelledby="renewals-{key}" class="mb-4">(.*?)</section>', response.content.decode(), re.S
    )
    return text_of(found.group(1)) if found else None


def test_the_page_groups_renewals_with_a_link_to_update_each(world, client_for):
    expired = check_until(world.home, days(-3), full_name="Ann Archer")
    training_until(days(5), volunteer=None, member=world.staff)
    driver = DriverFactory(
        volunteer=VolunteerFactory(home=world.home, full_name="Dennis Driver"),
        drives_own_car=True,
        insurance_expires_on=days(25),
        vehicle_check_expires_on=days(45),
    )

    response = client_for(world.champion).get(url(world))

    assert response.status_code == 200
    assert section(response, "expired").startswith("Run out (1)")
    assert "Ann Archer Volunteer DBS check (enhanced with the adults' barred list)" in section(
        response, "expired"
    )
    assert "3 days ago" in section(response, "expired")
    assert "Aisha Bello Staff First aid training" in section(response, "within_7")
    assert "in 5 days Record the refresher" in section(response, "within_7")
    assert "Business-use car insurance" in section(response, "within_30")
    assert "Car MOT" in section(response, "within_60")
    page = response.content.decode()
    assert reverse("volunteers:check_edit", args=[world.home.slug, expired.volunteer_id, expired.pk]) in page
    assert reverse("volunteers:training_add", args=[world.home.slug]) + f"?member={world.staff.pk}" in page
    assert reverse("volunteers:driver_edit", args=[world.home.slug, driver.pk]) in page


def test_an_empty_page_says_nothing_is_due(world, client_for):
    text = main_text(client_for(world.manager).get(url(world)))
    assert "Nothing has run out, and nothing runs out in the next 60 days." in text


def test_the_page_costs_the_same_however_many_renewals(world, client_for):
    manager = client_for(world.manager)
    manager.get(url(world))

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert manager.get(url(world)).status_code == 200
        return len(captured.captured_queries)

    check_until(world.home, days(3))
    training_until(days(10), volunteer=None, member=world.staff)
    DriverFactory(
        volunteer=VolunteerFactory(home=world.home), drives_own_car=True, insurance_expires_on=days(9)
    )
    few = count()
    for n in range(8):
        check_until(world.home, days(n - 4))
        training_until(days(n + 1), volunteer=VolunteerFactory(home=world.home))
        DriverFactory(
            volunteer=VolunteerFactory(home=world.home), drives_own_car=True, vehicle_check_expires_on=days(n)
        )
    assert count() == few <= 12


@pytest.mark.parametrize(
    ("role", "status"), [("staff", 403), ("volunteer", 403), ("family", 403), ("outsider", 404)]
)
def test_only_co_ordinators_of_the_home_see_the_page(world, client_for, role, status):
    assert client_for(world.member(role)).get(url(world)).status_code == status


# --- The dashboard panel -------------------------------------------------------------------------


def dashboard(client, world):
    return client.get(reverse("homes:dashboard", args=[world.home.slug]))


def test_the_panel_counts_what_is_due_and_links_to_the_page(world, client_for):
    check_until(world.home, days(-1))
    check_until(world.home, days(-40))
    training_until(days(12), volunteer=None, member=world.staff)
    check_until(world.home, days(50))

    response = dashboard(client_for(world.manager), world)

    text = main_text(response)
    assert "Renewals due 2 run out, 1 due within 30 days, 1 more due within 60 days." in text
    assert f'href="{url(world)}"' in response.content.decode()
    assert renewal_counts(world.home, on=TODAY()) == {
        "expired": 2,
        "within_30": 1,
        "within_60": 1,
        "total": 4,
    }


def test_the_panel_is_cheap_and_only_for_co_ordinators(world, client_for, django_assert_max_num_queries):
    check_until(world.home, days(-1))
    with django_assert_max_num_queries(3):
        renewal_counts(world.home, on=TODAY())
    assert "Renewals due" not in main_text(dashboard(client_for(world.staff), world))
    assert "Renewals due" in main_text(dashboard(client_for(world.champion), world))


def test_the_panel_is_hidden_when_nothing_is_due(world, client_for):
    check_until(world.home, days(100))
    assert "Renewals due" not in main_text(dashboard(client_for(world.manager), world))
