"""The partners pages: the list (going cold, filters, matches, the directory),
adding a partner, starting with a directory partner, a partner's page,
recording contact and changing the details; who may use them; and their cost."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community.models import Partner, PartnerContact, Partnership, Rhythm
from community.services import partners as services
from community.tests.factories import (
    ActivityFactory,
    OccurrenceFactory,
    PartnerContactFactory,
    PartnerFactory,
    PartnershipFactory,
    local,
)
from homes.models import Interest
from tests.html import field_error, main_text

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def url(name, world, *args):
    return reverse(f"community:{name}", args=[world.home.slug, *args])


@pytest.fixture
def staff(world, client_for):
    return client_for(world.staff)


def token(client, page):
    return re.search(r'name="form_token" value="([^"]+)"', client.get(page).content.decode()).group(1)


def add_data(world, **fields):
    data = {
        "name": "Little Acorns Nursery",
        "kind": "nursery",
        "about": "A small day nursery.",
        "postcode": "KA1 4RH",
        "latitude": "53.6158",
        "longitude": "-2.1561",
        "contact_name": "Jade Holt",
        "email": "jade@example.org",
        "website": "littleacorns.example.org",
        "offers": [Interest.objects.get(name="Singing").pk],
        "contact": world.champion.pk,
        "rhythm": Rhythm.FORTNIGHTLY,
        "started_on": (TODAY() - timedelta(days=30)).isoformat(),
        "agreement": "Every other Tuesday.",
    }
    data.update(fields)
    return data


# --- The list ---------------------------------------------------------------------------------


def test_the_list_shows_partnerships_going_cold_and_the_directory(world, staff):
    warm = PartnershipFactory(home=world.home, partner__name="Rowan Singers", rhythm=Rhythm.WEEKLY)
    PartnerContactFactory(partnership=warm, on=TODAY() - timedelta(days=2))
    cold = PartnershipFactory(home=world.home, partner__name="Kirkby Library", rhythm=Rhythm.MONTHLY)
    PartnerContactFactory(partnership=cold, on=TODAY() - timedelta(days=60))
    PartnerFactory(organisation=world.home.organisation, name="Millside Museum")
    PartnershipFactory(home=world.other_home, partner__name="Foreign Friends")

    response = staff.get(url("partners", world))

    text = main_text(response)
    assert "Who we work with (2) 1 going cold" in text
    assert re.search(r"Kirkby Library School Active Going cold .* Every month", text)
    assert "Rowan Singers" in text and "Millside Museum" in text
    assert "Foreign Friends" not in text
    assert "In the directory, not working with us yet (1)" in text


def test_the_list_filters_by_kind_and_interest_and_ignores_nonsense(world, staff):
    singing = Interest.objects.get(name="Singing")
    PartnershipFactory(
        home=world.home, partner__name="Rowan Singers", partner__kind="other", partner__offers=[singing]
    )
    PartnershipFactory(home=world.home, partner__name="St Mary's", partner__kind="school")
    by_kind = main_text(staff.get(url("partners", world), {"kind": "school"}))
    assert "St Mary's" in by_kind and "Rowan Singers" not in by_kind
    by_interest = main_text(staff.get(url("partners", world), {"interest": singing.pk}))
    assert "Rowan Singers" in by_interest and "St Mary's" not in by_interest
    nonsense = staff.get(url("partners", world), {"kind": "<script>", "interest": "١٢"})
    assert nonsense.status_code == 200 and "St Mary's" in main_text(nonsense)


def test_the_list_costs_the_same_with_10_or_500_partners(world, client_for):
    client = client_for(world.staff)
    client.get(url("partners", world))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("partners", world)).status_code == 200
        return len(ctx.captured_queries)

    _many(world, 10)
    few = count()
    _many(world, 490)
    assert count() == few
    assert few <= 25


def _many(world, n):
    """``n`` partners with offers, half worked with, each with a contact and an activity."""
    org = world.home.organisation
    start = Partner.objects.count()
    partners = Partner.objects.bulk_create(
        [Partner(organisation=org, name=f"Partner {start + i}", kind="school") for i in range(n)]
    )
    singing = Interest.objects.get(name="Singing")
    Partner.offers.through.objects.bulk_create(
        [Partner.offers.through(partner_id=p.pk, interest_id=singing.pk) for p in partners]
    )
    partnerships = Partnership.objects.bulk_create(
        [Partnership(home=world.home, partner=p, contact=world.champion) for p in partners[: n // 2]]
    )
    PartnerContact.objects.bulk_create(
        [PartnerContact(home=world.home, partnership=p, on=TODAY(), kind="call") for p in partnerships]
    )


# --- Adding a partner -------------------------------------------------------------------------


def test_staff_add_a_partner(world, staff):
    page = url("partner_add", world)
    response = staff.post(page, {**add_data(world), "form_token": token(staff, page)})
    partnership = Partnership.objects.get(home=world.home)
    assert response.status_code == 302 and response.url == url("partner", world, partnership.pk)
    assert partnership.partner.website == "https://littleacorns.example.org"
    assert partnership.contact == world.champion
    shown = main_text(staff.get(response.url))
    assert "Little Acorns Nursery was added." in shown
    assert "Every other Tuesday." in shown and "Singing" in shown


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "  "}, "name", services.NAME_MISSING),
        ({"kind": "zoo"}, "kind", services.KIND_CHOICE),
        ({"latitude": "95"}, "latitude", services.LATITUDE_INVALID),
        ({"longitude": ""}, "longitude", services.LONGITUDE_MISSING),
        ({"latitude": "north"}, "latitude", services.LATITUDE_INVALID),
        ({"email": "jade at nursery"}, "email", services.EMAIL_INVALID),
        ({"contact": "999999"}, "contact", services.CONTACT_CHOICE),
        ({"rhythm": "3"}, "rhythm", services.RHYTHM_CHOICE),
        ({"offers": ["999999"]}, "offers", services.INTEREST_CHOICE),
        ({"started_on": (TODAY() + timedelta(days=2)).isoformat()}, "started_on", services.STARTED_FUTURE),
    ],
)
def test_bad_input_saves_nothing_and_says_why_by_the_field(world, staff, fields, field, message):
    page = url("partner_add", world)
    response = staff.post(page, {**add_data(world, **fields), "form_token": token(staff, page)})
    assert response.status_code == 200
    shown = field_error(response, field) or main_text(response)
    assert message in shown
    assert not Partner.objects.exists() and not Partnership.objects.exists()


def test_a_duplicate_name_is_told_by_the_name(world, staff):
    PartnerFactory(organisation=world.home.organisation, name="Little Acorns Nursery")
    page = url("partner_add", world)
    response = staff.post(page, {**add_data(world), "form_token": token(staff, page)})
    assert "already has a partner called “Little Acorns Nursery”" in field_error(response, "name")
    assert not Partnership.objects.exists()


def test_the_contact_of_another_home_is_not_offered_nor_accepted(world, staff):
    page = url("partner_add", world)
    assert world.outsider.user.full_name not in staff.get(page).content.decode()
    response = staff.post(
        page, {**add_data(world, contact=world.outsider.pk), "form_token": token(staff, page)}
    )
    assert field_error(response, "contact") == services.CONTACT_CHOICE


# --- Starting with a directory partner --------------------------------------------------------


def test_start_working_with_a_directory_partner(world, staff):
    partner = PartnerFactory(organisation=world.home.organisation, name="Millside Museum")
    page = url("partnership_add", world, partner.pk)
    assert "Start working with Millside Museum" in main_text(staff.get(page))
    response = staff.post(
        page,
        {
            "partner": partner.pk,
            "contact": world.staff.pk,
            "rhythm": Rhythm.TERMLY,
            "form_token": token(staff, page),
        },
    )
    partnership = Partnership.objects.get(home=world.home, partner=partner)
    assert response.url == url("partner", world, partnership.pk)
    assert partnership.contact == world.staff


def test_a_partner_of_another_organisation_is_404_and_a_forged_one_is_refused(world, staff):
    foreign = PartnerFactory(organisation=world.other_home.organisation)
    assert staff.get(url("partnership_add", world, foreign.pk)).status_code == 404
    assert staff.post(url("partnership_add", world, foreign.pk)).status_code == 404
    ours = PartnerFactory(organisation=world.home.organisation)
    page = url("partnership_add", world, ours.pk)
    response = staff.post(
        page,
        {
            "partner": foreign.pk,
            "contact": world.staff.pk,
            "rhythm": Rhythm.MONTHLY,
            "form_token": token(staff, page),
        },
    )
    assert response.status_code == 200
    assert services.PARTNER_NOT_IN_DIRECTORY in main_text(response)
    assert not Partnership.objects.exists()


# --- A partner's page, recording contact, changing it -----------------------------------------


def test_the_partner_page_shows_history_newest_first_and_activities_together(world, staff):
    partnership = PartnershipFactory(home=world.home, partner__name="Rowan Singers")
    PartnerContactFactory(partnership=partnership, on=TODAY() - timedelta(days=20), note="First chat")
    PartnerContactFactory(partnership=partnership, on=TODAY() - timedelta(days=2), note="Planned carols")
    activity = ActivityFactory(home=world.home, partnership=partnership, title="Carol singing")
    day = TODAY() + timedelta(days=5)
    OccurrenceFactory(
        activity=activity, starts_at=local(day, activity.starts), ends_at=local(day, activity.ends)
    )
    text = main_text(staff.get(url("partner", world, partnership.pk)))
    assert text.index("Planned carols") < text.index("First chat")
    assert "Carol singing" in text.split("Coming up")[1]


def test_recording_contact(world, staff):
    partnership = PartnershipFactory(home=world.home)
    page = url("partner_contact_add", world, partnership.pk)
    day = TODAY() - timedelta(days=1)
    response = staff.post(
        page, {"on": day.isoformat(), "kind": "call", "note": "Booked May", "form_token": token(staff, page)}
    )
    assert response.url == url("partner", world, partnership.pk)
    assert PartnerContact.objects.get(partnership=partnership).on == day
    future = staff.post(
        page,
        {"on": (TODAY() + timedelta(days=1)).isoformat(), "kind": "call", "form_token": token(staff, page)},
    )
    assert field_error(future, "on") == services.CONTACT_DATE_FUTURE
    assert PartnerContact.objects.filter(partnership=partnership).count() == 1


def test_changing_a_partner_and_a_conflict(world, client_for):
    partnership = PartnershipFactory(home=world.home, partner__name="Anglers", partner__kind="sports_club")
    page = url("partner_edit", world, partnership.pk)
    staff, champion = client_for(world.staff), client_for(world.champion)
    staff.get(page)
    data = {
        "name": "Hollingworth Anglers",
        "kind": "sports_club",
        "contact": world.champion.pk,
        "rhythm": Rhythm.MONTHLY,
        "status": "active",
        "version": 1,
        "partner_version": 1,
    }
    assert champion.post(page, data).status_code == 302
    partnership.refresh_from_db()
    assert partnership.partner.name == "Hollingworth Anglers"
    late = staff.post(page, {**data, "name": "Anglers club", "agreement": "Monthly trips"})
    assert late.status_code == 200
    assert "after you opened it" in main_text(late)
    partnership.refresh_from_db()
    assert partnership.partner.name == "Hollingworth Anglers" and partnership.agreement == ""


# --- Who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["family", "volunteer"])
@pytest.mark.parametrize("name", ["partners", "partner_add", "local_area", "place_add"])
def test_family_and_volunteers_get_403(world, client_for, role, name):
    assert client_for(world.member(role)).get(url(name, world)).status_code == 403


def test_connector_charity_staff_see_and_change_partners_but_not_residents(world, client_for):
    connector = client_for(world.connector)
    partnership = PartnershipFactory(home=world.home)
    assert connector.get(url("partners", world)).status_code == 200
    assert connector.get(url("partner", world, partnership.pk)).status_code == 200
    assert connector.get(url("partner_add", world)).status_code == 200
    assert connector.get(url("local_area", world)).status_code == 200
    assert connector.get(url("settings", world)).status_code == 403
    assert connector.get(reverse("community:programme", args=[world.home.slug])).status_code == 200
    assert connector.get(reverse("residents:list", args=[world.home.slug])).status_code == 403
    dashboard = connector.get(reverse("homes:dashboard", args=[world.home.slug]))
    assert dashboard.status_code == 200
    assert b"Margaret Baxter" not in dashboard.content and b"Peggy" not in dashboard.content
    assert b"Arthur Hughes" not in dashboard.content


def test_another_homes_partnership_is_404(world, staff):
    foreign = PartnershipFactory(home=world.other_home)
    for name in ("partner", "partner_edit", "partner_contact_add"):
        assert staff.get(url(name, world, foreign.pk)).status_code == 404
        assert staff.post(url(name, world, foreign.pk)).status_code == 404


def test_another_homes_user_gets_404(world, client_for):
    assert client_for(world.outsider).get(url("partners", world)).status_code == 404


def test_the_cold_panel_on_the_dashboard(world, client_for, django_assert_max_num_queries):
    cold = PartnershipFactory(home=world.home, partner__name="Kirkby Library", rhythm=Rhythm.WEEKLY)
    PartnerContactFactory(partnership=cold, on=TODAY() - timedelta(days=30))
    for who in (world.staff, world.connector):
        text = main_text(client_for(who).get(reverse("homes:dashboard", args=[world.home.slug])))
        assert "Partners going cold" in text and "Kirkby Library" in text
    assert "Partners going cold" not in main_text(
        client_for(world.relative).get(reverse("homes:dashboard", args=[world.home.slug]))
    )
