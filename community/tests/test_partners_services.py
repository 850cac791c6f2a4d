"""The partner services and the rules they keep: one name per directory,
only partners of a directory the home uses, coordinates both or neither and
in range, going cold at the edges, and the ranking by residents' interests."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from carehome.errors import DomainError
from carehome.versions import EditConflict
from community.models import CommunitySettings, Partner, Partnership, Rhythm
from community.selectors import partners as selectors
from community.services import partners as services
from community.tests.factories import (
    ActivityFactory,
    OccurrenceFactory,
    PartnerContactFactory,
    PartnerFactory,
    PartnershipFactory,
    local,
)
from homes.models import Interest, Organisation, Role
from homes.tests.factories import MembershipFactory, OrganisationFactory
from residents.models import PersonalPlan, Resident
from residents.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def add_fields(world, **fields):
    data = {
        "name": "Little Acorns Nursery",
        "kind": "nursery",
        "contact": world.champion,
        "rhythm": Rhythm.FORTNIGHTLY,
        "offers": list(Interest.objects.filter(name__in=["Singing", "Crafts"])),
    }
    data.update(fields)
    return data


def test_adding_a_partner_makes_the_directory_entry_and_the_homes_partnership(world):
    partnership = services.partner_add(
        home=world.home,
        actor=world.manager.user,
        **add_fields(world, latitude="53.6158", longitude="-2.1561"),
    )
    partner = partnership.partner
    assert partner.organisation == world.home.organisation
    assert partner.latitude == Decimal("53.615800") and partner.longitude == Decimal("-2.156100")
    assert {i.name for i in partner.offers.all()} == {"Singing", "Crafts"}
    assert partnership.home == world.home and partnership.contact == world.champion
    assert partnership.rhythm == Rhythm.FORTNIGHTLY


def test_a_name_already_in_the_organisations_directory_is_refused_whatever_the_capitals(world):
    PartnerFactory(organisation=world.home.organisation, name="Little Acorns Nursery")
    with pytest.raises(DomainError) as error:
        services.partner_add(
            home=world.home, actor=world.manager.user, **add_fields(world, name="  little acorns   NURSERY ")
        )
    assert error.value.field == "name"
    assert "already has a partner called" in error.value.message
    assert Partnership.objects.filter(home=world.home).count() == 0


def test_the_same_name_in_another_organisations_directory_is_fine(world):
    PartnerFactory(organisation=world.other_home.organisation, name="Little Acorns Nursery")
    services.partner_add(home=world.home, actor=world.manager.user, **add_fields(world))
    assert Partner.objects.filter(name="Little Acorns Nursery").count() == 2


@pytest.mark.parametrize(
    ("lat", "lng", "field", "message"),
    [
        ("53.5", None, "longitude", services.LONGITUDE_MISSING),
        (None, "-2.2", "latitude", services.LATITUDE_MISSING),
        ("90.0001", "0", "latitude", services.LATITUDE_INVALID),
        ("-91", "0", "latitude", services.LATITUDE_INVALID),
        ("0", "180.5", "longitude", services.LONGITUDE_INVALID),
        ("0", "-181", "longitude", services.LONGITUDE_INVALID),
        ("NaN", "0", "latitude", services.LATITUDE_INVALID),
        ("1e309", "0", "latitude", services.LATITUDE_INVALID),
        ("north", "0", "latitude", services.LATITUDE_INVALID),
    ],
)
def test_coordinates_are_both_or_neither_and_in_range(world, lat, lng, field, message):
    with pytest.raises(DomainError) as error:
        services.partner_add(
            home=world.home, actor=world.manager.user, **add_fields(world, latitude=lat, longitude=lng)
        )
    assert (error.value.field, error.value.message) == (field, message)
    assert not Partner.objects.filter(name="Little Acorns Nursery").exists()


def test_coordinates_at_the_edges_are_accepted():
    assert services.clean_location("90", "-180") == (Decimal("90.000000"), Decimal("-180.000000"))
    assert services.clean_location("-90", "180") == (Decimal("-90.000000"), Decimal("180.000000"))
    assert services.clean_location(None, "") == (None, None)


def test_the_point_of_contact_must_be_staff_of_this_home(world):
    for contact in (world.relative, world.volunteer, world.connector, world.outsider):
        with pytest.raises(DomainError) as error:
            services.partner_add(
                home=world.home, actor=world.manager.user, **add_fields(world, contact=contact)
            )
        assert error.value.message == services.CONTACT_CHOICE
    assert not Partner.objects.exists()


def test_starting_with_a_partner_of_another_organisation_is_refused(world):
    foreign = PartnerFactory(organisation=world.other_home.organisation)
    with pytest.raises(DomainError) as error:
        services.partnership_start(
            home=world.home,
            actor=world.manager.user,
            partner=foreign,
            contact=world.champion,
            rhythm=Rhythm.MONTHLY,
        )
    assert error.value.message == services.PARTNER_NOT_IN_DIRECTORY
    assert not Partnership.objects.exists()


def test_a_connector_charitys_directory_is_usable_once_the_home_uses_it(world):
    charity = OrganisationFactory(name="Linking Lives", kind=Organisation.Kind.CONNECTOR)
    shed = PartnerFactory(organisation=charity, name="Men's Shed")
    fields = {"contact": world.champion, "rhythm": Rhythm.MONTHLY}
    with pytest.raises(DomainError):
        services.partnership_start(home=world.home, actor=world.manager.user, partner=shed, **fields)
    CommunitySettings.objects.create(home=world.home).directories.add(charity)
    partnership = services.partnership_start(
        home=world.home, actor=world.manager.user, partner=shed, **fields
    )
    assert partnership.partner == shed
    with pytest.raises(DomainError) as again:
        services.partnership_start(home=world.home, actor=world.manager.user, partner=shed, **fields)
    assert again.value.message == services.already_partners(shed)


def test_editing_changes_both_and_detects_a_conflict_on_either(world):
    partnership = services.partner_add(home=world.home, actor=world.manager.user, **add_fields(world))
    fields = {
        **add_fields(world, name="Little Acorns Day Nursery"),
        "status": Partnership.Status.ACTIVE,
        "agreement": "Fortnightly on Tuesdays.",
    }
    services.partnership_update(
        home=world.home,
        actor=world.manager.user,
        partnership=partnership,
        version=1,
        partner_version=1,
        **fields,
    )
    partnership.refresh_from_db()
    assert partnership.partner.name == "Little Acorns Day Nursery"
    assert partnership.agreement == "Fortnightly on Tuesdays."
    assert (partnership.version, partnership.partner.version) == (2, 2)
    # Opened before that save: the partnership's version is old.
    with pytest.raises(EditConflict):
        services.partnership_update(
            home=world.home,
            actor=world.staff.user,
            partnership=partnership,
            version=1,
            partner_version=2,
            **{**fields, "agreement": "Weekly."},
        )
    # The directory entry changed since (another home of the organisation edited it).
    with pytest.raises(EditConflict):
        services.partnership_update(
            home=world.home,
            actor=world.staff.user,
            partnership=partnership,
            version=2,
            partner_version=1,
            **{**fields, "name": "Acorns"},
        )
    partnership.refresh_from_db()
    assert partnership.partner.name == "Little Acorns Day Nursery"


def test_pausing_needs_a_reason(world):
    partnership = PartnershipFactory(home=world.home)
    fields = {
        "name": partnership.partner.name,
        "kind": partnership.partner.kind,
        "contact": world.champion,
        "rhythm": Rhythm.MONTHLY,
        "status": Partnership.Status.PAUSED,
    }
    with pytest.raises(DomainError) as error:
        services.partnership_update(
            home=world.home, actor=world.manager.user, partnership=partnership, **fields
        )
    assert (error.value.field, error.value.message) == ("notes", services.STATUS_NEEDS_REASON)
    services.partnership_update(
        home=world.home,
        actor=world.manager.user,
        partnership=partnership,
        notes="School closed for works.",
        **fields,
    )
    partnership.refresh_from_db()
    assert partnership.status == Partnership.Status.PAUSED


def test_a_directory_entry_of_a_connector_charity_is_not_changed_by_the_home(world):
    charity = OrganisationFactory(kind=Organisation.Kind.CONNECTOR)
    CommunitySettings.objects.create(home=world.home).directories.add(charity)
    partnership = PartnershipFactory(
        home=world.home, partner=PartnerFactory(organisation=charity, name="Shed")
    )
    services.partnership_update(
        home=world.home,
        actor=world.manager.user,
        partnership=partnership,
        name="Renamed",
        contact=world.champion,
        rhythm=Rhythm.WEEKLY,
        status=Partnership.Status.ACTIVE,
    )
    partnership.refresh_from_db()
    assert partnership.partner.name == "Shed" and partnership.rhythm == Rhythm.WEEKLY


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (lambda: TODAY() + timedelta(days=1), services.CONTACT_DATE_FUTURE),
        (lambda: date(1999, 12, 31), services.TOO_LONG_AGO),
    ],
)
def test_contact_dates_are_bounded(world, day, message):
    partnership = PartnershipFactory(home=world.home)
    with pytest.raises(DomainError) as error:
        services.partner_contact_add(
            home=world.home, actor=world.staff.user, partnership=partnership, on=day(), kind="call"
        )
    assert error.value.message == message


def test_contact_with_another_homes_partnership_is_refused(world):
    foreign = PartnershipFactory(home=world.other_home)
    with pytest.raises(DomainError):
        services.partner_contact_add(
            home=world.home, actor=world.staff.user, partnership=foreign, on=TODAY(), kind="call"
        )


# --- Going cold -------------------------------------------------------------------------------


def _last(partnership, on):
    loaded = selectors.with_last_contact(Partnership.objects.filter(pk=partnership.pk)).get()
    return selectors.cold_since(loaded, last_contact_on=loaded.last_contact_on, on=on), loaded.last_contact_on


@pytest.mark.parametrize(
    ("rhythm", "days", "cold"),
    [
        (Rhythm.WEEKLY, 10, False),  # 7 × 1.5 = 10.5
        (Rhythm.WEEKLY, 11, True),
        (Rhythm.FORTNIGHTLY, 21, False),
        (Rhythm.FORTNIGHTLY, 22, True),
        (Rhythm.MONTHLY, 46, False),  # 31 × 1.5 = 46.5
        (Rhythm.MONTHLY, 47, True),
    ],
)
def test_going_cold_after_the_rhythm_and_half_as_long_again(world, rhythm, days, cold):
    on = TODAY()
    partnership = PartnershipFactory(home=world.home, rhythm=rhythm, started_on=on - timedelta(days=400))
    PartnerContactFactory(partnership=partnership, on=on - timedelta(days=days))
    since, _ = _last(partnership, on)
    assert (since is not None) == cold
    if cold:
        assert since == on - timedelta(days=days) + timedelta(days=rhythm * 3 // 2 + 1)


def test_never_any_contact_goes_cold_counting_from_the_start(world):
    on = TODAY()
    new = PartnershipFactory(home=world.home, rhythm=Rhythm.WEEKLY, started_on=on - timedelta(days=10))
    old = PartnershipFactory(home=world.home, rhythm=Rhythm.WEEKLY, started_on=on - timedelta(days=11))
    assert _last(new, on)[0] is None
    assert _last(old, on)[0] == on


def test_an_activity_together_counts_as_contact_unless_cancelled_or_still_to_come(world):
    on = TODAY()
    partnership = PartnershipFactory(
        home=world.home, rhythm=Rhythm.WEEKLY, started_on=on - timedelta(days=300)
    )
    PartnerContactFactory(partnership=partnership, on=on - timedelta(days=40))
    activity = ActivityFactory(home=world.home, partnership=partnership)

    def dated(day, **fields):
        return OccurrenceFactory(
            activity=activity,
            starts_at=local(day, activity.starts),
            ends_at=local(day, activity.ends),
            **fields,
        )

    dated(on - timedelta(days=3), status="cancelled", cancelled_at=timezone.now())
    dated(on + timedelta(days=3))
    assert _last(partnership, on) == (on - timedelta(days=40) + timedelta(days=11), on - timedelta(days=40))
    dated(on - timedelta(days=5))
    assert _last(partnership, on) == (None, on - timedelta(days=5))


def test_paused_and_ended_partnerships_do_not_go_cold(world):
    on = TODAY()
    for status in (Partnership.Status.PAUSED, Partnership.Status.ENDED):
        partnership = PartnershipFactory(home=world.home, status=status, started_on=on - timedelta(days=400))
        assert _last(partnership, on)[0] is None


# --- Partners who match our residents' interests ----------------------------------------------


def _resident_with(home, names, status=Resident.Status.CURRENT):
    resident = ResidentFactory(home=home, status=status)
    plan, _ = PersonalPlan.objects.get_or_create(resident=resident, defaults={"home": home})
    plan.interests.set(Interest.objects.filter(name__in=names))
    return resident


def test_partners_are_ranked_by_how_many_residents_share_an_interest_they_offer(world):
    org = world.home.organisation
    anglers = PartnerFactory(organisation=org, name="Anglers", offers=Interest.objects.filter(name="Fishing"))
    choir = PartnerFactory(
        organisation=org, name="Choir", offers=Interest.objects.filter(name__in=["Singing", "Music"])
    )
    PartnerFactory(organisation=org, name="Bakery", offers=Interest.objects.filter(name="Baking"))
    PartnerFactory(organisation=world.other_home.organisation, offers=Interest.objects.filter(name="Singing"))
    _resident_with(world.home, ["Singing", "Music"])
    _resident_with(world.home, ["Singing"])
    _resident_with(world.home, ["Fishing"])
    _resident_with(world.home, ["Fishing", "Singing"], status=Resident.Status.LEFT)  # moved out: not counted
    _resident_with(world.other_home, ["Fishing"])  # another home's
    PartnershipFactory(home=world.home, partner=choir)

    page = selectors.partners_page(world.home)

    matches = [(m.partner.name, m.residents, [(i.name, n) for i, n in m.shared]) for m in page["matches"]]
    assert matches == [("Choir", 2, [("Singing", 2), ("Music", 1)]), ("Anglers", 1, [("Fishing", 1)])]
    assert page["matches"][0].partnership_id == Partnership.objects.get(partner=choir).pk
    assert page["matches"][1].partnership_id is None
    assert [p.name for p in page["not_yet"]] == ["Anglers", "Bakery"]
    assert anglers in page["not_yet"]


def test_contact_choices_are_active_staff_of_the_home(world):
    gone = MembershipFactory(home=world.home, role=Role.STAFF, is_active=False)
    chosen = set(selectors.contact_choices(world.home))
    assert {world.manager, world.champion, world.staff} <= chosen
    assert not {world.relative, world.volunteer, world.connector, world.outsider, gone} & chosen


def test_distance_in_miles_as_the_crow_flies():
    # Manchester Town Hall to Rochdale Town Hall: about 10 miles.
    miles = selectors.distance_miles(
        Decimal("53.4794"), Decimal("-2.2453"), Decimal("53.6163"), Decimal("-2.1557")
    )
    assert 10.0 < miles < 10.2
    assert selectors.distance_miles(None, 1, 2, 3) is None
    assert selectors.miles_text(miles) == f"{round(miles, 1):.1f} miles"
    assert selectors.miles_text(1.04) == "1.0 mile"
    assert selectors.miles_text(None) == "Distance not known"


def test_a_partner_can_join_a_connector_charitys_directory_the_home_uses_and_no_other(world):
    from community.models import CommunitySettings
    from community.services.partners import DIRECTORY_CHOICE, partner_add
    from homes.models import Organisation
    from homes.tests.factories import OrganisationFactory

    charity = OrganisationFactory(name="Linking Lives", kind=Organisation.Kind.CONNECTOR)
    stranger = OrganisationFactory(name="Another charity", kind=Organisation.Kind.CONNECTOR)
    CommunitySettings.objects.create(home=world.home).directories.add(charity)
    made = partner_add(
        home=world.home,
        actor=world.connector.user,
        directory=charity,
        **add_fields(world, name="Rochdale Rovers", kind="sports_club"),
    )
    assert made.partner.organisation == charity
    with pytest.raises(DomainError) as refused:
        partner_add(
            home=world.home,
            actor=world.staff.user,
            directory=stranger,
            **add_fields(world, name="Elsewhere Club", kind="other"),
        )
    assert refused.value.message == DIRECTORY_CHOICE and refused.value.field == "directory"
