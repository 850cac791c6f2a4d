"""The consent register: recording consent to each use of photos (by the
resident or by an attorney, deputy or guardian), one live consent per use,
withdrawing it, the history, the cumulative rule for photo uses, and the
pages (happy path, bad input, other home, wrong role, queries)."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from carehome.errors import DomainError
from residents.models import Consent, ConsentGivenBy, ConsentPurpose, Resident
from residents.selectors.consent import (
    USE_FAMILY,
    USE_HOME,
    USE_PUBLIC,
    consented_residents,
    consents_held,
    missing_consent,
    photo_allowed,
    photo_uses_allowed,
    register_for,
)
from residents.services.consent import (
    GIVEN_ON_FUTURE,
    NAME_MISSING,
    POWER_MISSING,
    WITHDRAWAL_NOTE_MISSING,
    already_recorded_message,
    consent_give,
    consent_withdraw,
)
from residents.tests.factories import ResidentFactory
from tests.html import field_error, main_text

HOME, FAMILY, PUBLIC = ConsentPurpose.PHOTOS_HOME, ConsentPurpose.PHOTOS_FAMILY, ConsentPurpose.PHOTOS_PUBLIC


@pytest.fixture(autouse=True)
def _empty_register(db, request):
    """These tests start from an empty register (the shared world comes with
    consents to the uses other than photos)."""
    if "world" in request.fixturenames:
        request.getfixturevalue("world")
        Consent.objects.all().delete()


def give(world, resident=None, purposes=(HOME,), **kwargs):
    fields = {"given_by": ConsentGivenBy.RESIDENT, "given_on": timezone.localdate()} | kwargs
    return consent_give(
        home=world.home,
        actor=world.staff.user,
        resident=resident or world.resident,
        purposes=list(purposes),
        **fields,
    )


def register_url(world, resident=None):
    return reverse("residents:consent", args=[world.home.slug, (resident or world.resident).pk])


def give_url(world, resident=None):
    return reverse("residents:consent_give", args=[world.home.slug, (resident or world.resident).pk])


def withdraw_url(world, consent):
    return reverse("residents:consent_withdraw", args=[world.home.slug, consent.resident_id, consent.pk])


# --- Services -------------------------------------------------------------------------


def test_consent_given_by_the_resident_is_one_row_per_use(world):
    rows = give(world, purposes=[PUBLIC, HOME], note="  Said yes  to her key worker ")
    assert [c.purpose for c in rows] == [HOME, PUBLIC]
    for c in rows:
        assert c.is_live and c.recorded_by == world.staff.user and c.note == "Said yes to her key worker"
        assert c.given_by_name == "" and c.power == ""


def test_an_attorney_is_named_with_the_power_they_hold(world):
    (row,) = give(
        world,
        given_by=ConsentGivenBy.ATTORNEY,
        given_by_name="Peter Baxter",
        power="Health and welfare LPA registered 3 May 2021, seen by the manager",
    )
    assert row.given_by_name == "Peter Baxter" and row.power.startswith("Health and welfare LPA")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"given_by": ConsentGivenBy.DEPUTY, "power": "Court order"}, "given_by_name", NAME_MISSING),
        ({"given_by": ConsentGivenBy.GUARDIAN, "given_by_name": "Ann"}, "power", POWER_MISSING),
        ({"given_on": timezone.localdate() + timedelta(days=1)}, "given_on", GIVEN_ON_FUTURE),
    ],
)
def test_what_is_missing_is_refused_next_to_its_field(world, fields, field, message):
    with pytest.raises(DomainError) as error:
        give(world, **fields)
    assert (error.value.field, error.value.message) == (field, message)
    assert not Consent.objects.exists()


def test_a_date_long_before_admission_is_refused(world):
    early = world.resident.admitted_on - timedelta(days=400)
    with pytest.raises(DomainError) as error:
        give(world, given_on=early)
    assert error.value.field == "given_on"
    assert "a year before Peggy came to live here" in error.value.message


def test_a_second_live_consent_for_the_same_use_is_refused(world):
    give(world, purposes=[HOME])
    with pytest.raises(DomainError) as error:
        give(world, purposes=[FAMILY, HOME])
    assert error.value.message == already_recorded_message(HOME, world.resident)
    assert "already has consent recorded for “photos shown inside the home”" in error.value.message
    assert Consent.objects.count() == 1  # nothing half-saved: not the family one either


def test_the_database_refuses_two_live_consents_for_one_use(world):
    give(world, purposes=[HOME])
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(
            home=world.home,
            resident=world.resident,
            purpose=HOME,
            given_by=ConsentGivenBy.RESIDENT,
            given_on=timezone.localdate(),
        )


def test_withdrawing_stamps_the_row_and_a_new_consent_starts_a_new_row(world):
    (row,) = give(world, purposes=[FAMILY])
    withdrawn = consent_withdraw(
        home=world.home, actor=world.manager.user, consent=row, note="Her son, by phone"
    )
    assert withdrawn.withdrawn_at is not None and withdrawn.withdrawn_by == world.manager.user
    assert withdrawn.withdrawal_note == "Her son, by phone"
    with pytest.raises(DomainError):
        consent_withdraw(home=world.home, actor=world.manager.user, consent=row, note="again")
    (again,) = give(world, purposes=[FAMILY])
    register = {r["purpose"]: r for r in register_for(world.home, world.resident)}
    assert register[FAMILY]["live"] == again
    assert register[FAMILY]["history"] == [withdrawn]
    assert register[HOME]["live"] is None


def test_withdrawing_needs_a_note(world):
    (row,) = give(world)
    with pytest.raises(DomainError) as error:
        consent_withdraw(home=world.home, actor=world.manager.user, consent=row, note="  ")
    assert error.value.message == WITHDRAWAL_NOTE_MISSING


def test_another_homes_resident_or_consent_is_refused(world):
    with pytest.raises(DomainError):
        give(world, resident=world.foreign_resident)
    (row,) = consent_give(
        home=world.other_home,
        actor=world.outsider.user,
        resident=world.foreign_resident,
        purposes=[HOME],
        given_by=ConsentGivenBy.RESIDENT,
        given_on=timezone.localdate(),
    )
    with pytest.raises(DomainError):
        consent_withdraw(home=world.home, actor=world.manager.user, consent=row, note="no")
    row.refresh_from_db()
    assert row.is_live


# --- The cumulative rule ----------------------------------------------------------------


def test_uses_are_cumulative(world):
    ted = ResidentFactory(home=world.home, full_name="Ted Morgan")
    give(world, purposes=[HOME, FAMILY, PUBLIC])
    give(world, resident=ted, purposes=[FAMILY, PUBLIC])  # never agreed to photos inside the home
    ids = [world.resident.pk, ted.pk]
    held = consents_held(world.home, ids)
    assert photo_uses_allowed(held, [world.resident.pk]) == {
        USE_HOME: True,
        USE_FAMILY: True,
        USE_PUBLIC: True,
    }
    # Ted's family and public consents do not count without the home one.
    assert photo_uses_allowed(held, ids) == {USE_HOME: False, USE_FAMILY: False, USE_PUBLIC: False}
    assert missing_consent(held, ids, USE_FAMILY) == [ted.pk]
    assert consented_residents(world.home, FAMILY, ids) == {world.resident.pk, ted.pk}
    assert photo_allowed(world.home, [], USE_PUBLIC)  # a photo of nobody who lives here


def test_withdrawal_takes_effect_at_once(world):
    rows = give(world, purposes=[HOME, FAMILY])
    assert photo_allowed(world.home, [world.resident.pk], USE_FAMILY)
    consent_withdraw(home=world.home, actor=world.staff.user, consent=rows[0], note="She said no")
    assert not photo_allowed(world.home, [world.resident.pk], USE_HOME)
    assert not photo_allowed(world.home, [world.resident.pk], USE_FAMILY)  # needs the home one too


# --- Pages ------------------------------------------------------------------------------


def test_the_register_shows_each_use_and_the_rule(world, client_for):
    give(world, purposes=[HOME])
    (old,) = give(
        world, purposes=[FAMILY], given_by=ConsentGivenBy.ATTORNEY, given_by_name="Peter Baxter", power="LPA"
    )
    consent_withdraw(home=world.home, actor=world.staff.user, consent=old, note="Peter, by email")
    text = main_text(client_for(world.staff).get(register_url(world)))
    assert "Photos shown inside the home Given on" in text
    assert "Peter Baxter, their attorney LPA" in text
    assert "No consent recorded" in text
    assert "Peter, by email" in text and "Peter Baxter" in text
    assert "only if everyone in it agreed to all three" in text
    assert "has its own consent, kept with their details" in text


def test_the_register_is_linked_from_the_residents_page(world, client_for):
    page = client_for(world.staff).get(reverse("residents:detail", args=[world.home.slug, world.resident.pk]))
    assert register_url(world) in page.content.decode()


def test_recording_consent_on_the_page(world, client_for):
    client = client_for(world.staff)
    token_page = client.get(give_url(world))
    assert token_page.status_code == 200
    response = client.post(
        give_url(world),
        {
            "purposes": [HOME, FAMILY],
            "given_by": "attorney",
            "given_by_name": "Peter Baxter",
            "power": "Health and welfare LPA, seen 3 May",
            "given_on": timezone.localdate().isoformat(),
            "note": "By letter",
        },
    )
    assert response.status_code == 302 and response.url == register_url(world)
    assert Consent.objects.filter(resident=world.resident, given_by_name="Peter Baxter").count() == 2


def test_bad_input_on_the_page_saves_nothing(world, client_for):
    client = client_for(world.staff)
    response = client.post(
        give_url(world),
        {"purposes": ["photos_everywhere"], "given_by": "attorney", "given_on": "2999-01-01"},
    )
    assert response.status_code == 200
    assert field_error(response, "purposes")
    assert field_error(response, "given_on") == GIVEN_ON_FUTURE
    response = client.post(
        give_url(world),
        {"purposes": [HOME], "given_by": "attorney", "given_on": timezone.localdate().isoformat()},
    )
    assert field_error(response, "given_by_name") == NAME_MISSING
    assert field_error(response, "power") == POWER_MISSING
    assert not Consent.objects.exists()


def test_a_duplicate_on_the_page_is_a_message_by_the_uses(world, client_for):
    give(world, purposes=[HOME])
    response = client_for(world.staff).post(
        give_url(world),
        {"purposes": [HOME], "given_by": "resident", "given_on": timezone.localdate().isoformat()},
    )
    assert field_error(response, "purposes") == already_recorded_message(HOME, world.resident)
    assert Consent.objects.count() == 1


def test_withdrawing_on_the_page(world, client_for):
    (row,) = give(world, purposes=[FAMILY])
    client = client_for(world.staff)
    confirm = client.get(withdraw_url(world, row))
    assert "Withdraw consent for “photos shared with families of the home”" in main_text(confirm)
    bad = client.post(withdraw_url(world, row), {"note": ""})
    assert field_error(bad, "note") == WITHDRAWAL_NOTE_MISSING
    response = client.post(withdraw_url(world, row), {"note": "Peggy said no more photos"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.withdrawal_note == "Peggy said no more photos" and not row.is_live
    again = client.get(withdraw_url(world, row))
    assert again.status_code == 302  # already withdrawn: back to the register


def test_a_resident_who_left_gets_no_new_consent(world, client_for):
    world.resident.status = Resident.Status.LEFT
    world.resident.left_on = timezone.localdate()
    world.resident.save()
    response = client_for(world.staff).get(give_url(world))
    assert response.status_code == 302


def test_other_homes_and_wrong_roles(world, client_for):
    (row,) = consent_give(
        home=world.other_home,
        actor=world.outsider.user,
        resident=world.foreign_resident,
        purposes=[HOME],
        given_by=ConsentGivenBy.RESIDENT,
        given_on=timezone.localdate(),
    )
    manager = client_for(world.manager)
    assert manager.get(register_url(world, world.foreign_resident)).status_code == 404
    foreign = reverse("residents:consent_withdraw", args=[world.home.slug, world.resident.pk, row.pk])
    assert manager.post(foreign, {"note": "no"}).status_code == 404
    assert client_for(world.outsider).get(register_url(world)).status_code == 404
    for role in ("relative", "volunteer", "connector"):
        assert client_for(getattr(world, role)).get(register_url(world)).status_code == 403
        assert client_for(getattr(world, role)).get(give_url(world)).status_code == 403
    row.refresh_from_db()
    assert row.is_live


def test_the_register_costs_the_same_with_more_history(world, client_for, django_assert_max_num_queries):
    client = client_for(world.staff)
    client.get(register_url(world))
    give(world, purposes=[HOME])
    with django_assert_max_num_queries(12) as few:
        client.get(register_url(world))
    for _ in range(8):
        (row,) = give(world, purposes=[FAMILY], given_by="deputy", given_by_name="Ann Deputy", power="Order")
        consent_withdraw(home=world.home, actor=world.manager.user, consent=row, note="Changed her mind")
    with django_assert_max_num_queries(len(few)):
        client.get(register_url(world))


# --- News to named relatives ------------------------------------------------------------


def test_consent_to_news_names_the_relatives_and_the_register_shows_them(world, client_for):
    from residents.models import RelativeLink

    link = RelativeLink.objects.get(resident=world.resident)
    response = client_for(world.manager).post(
        give_url(world),
        {
            "purposes": [ConsentPurpose.NEWS_FAMILY, ConsentPurpose.VOLUNTEER_VISITS],
            "relatives": [link.pk],
            "given_by": ConsentGivenBy.RESIDENT,
            "given_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    news = Consent.objects.get(resident=world.resident, purpose=ConsentPurpose.NEWS_FAMILY)
    assert list(news.relatives.all()) == [link]
    visits = Consent.objects.get(resident=world.resident, purpose=ConsentPurpose.VOLUNTEER_VISITS)
    assert not visits.relatives.exists()
    page = main_text(client_for(world.manager).get(register_url(world)))
    assert "News shared with named relatives" in page and "To Linda Baxter" in page


def test_consent_to_news_without_relatives_is_refused_next_to_the_field(world, client_for):
    response = client_for(world.manager).post(
        give_url(world),
        {
            "purposes": [ConsentPurpose.NEWS_FAMILY],
            "given_by": ConsentGivenBy.RESIDENT,
            "given_on": timezone.localdate().isoformat(),
        },
    )
    assert field_error(response, "relatives") == "Choose the relatives news may be shared with."
    assert not Consent.objects.exists()


def test_a_relative_of_someone_else_cannot_be_named(world):
    from homes.models import Role
    from homes.tests.factories import MembershipFactory
    from residents.tests.factories import RelativeLinkFactory

    arthurs = RelativeLinkFactory(
        resident=world.unlinked_resident, membership=MembershipFactory(home=world.home, role=Role.FAMILY)
    )
    with pytest.raises(DomainError) as refused:
        give(world, purposes=[ConsentPurpose.NEWS_FAMILY], relatives=[arthurs.pk])
    assert refused.value.field == "relatives"
    assert not Consent.objects.exists()


# --- The dashboard: who has not been asked yet -------------------------------------------


def test_the_manager_sees_who_has_not_been_asked_about_the_other_uses(world, client_for):
    from tests.fixtures import agreed_to_uses

    dashboard = reverse("homes:dashboard", args=[world.home.slug])
    text = main_text(client_for(world.manager).get(dashboard))
    assert "Consent to ask about" in text
    assert "2 residents have nothing recorded yet" in text and "Arthur Hughes" in text
    give(world, purposes=[HOME])  # photos only: Peggy still has not been asked about the rest
    agreed_to_uses(world.unlinked_resident, purposes=[ConsentPurpose.EVALUATION_EXAMPLES])
    consent_withdraw(
        home=world.home,
        actor=world.manager.user,
        consent=Consent.objects.get(resident=world.unlinked_resident),
        note="Arthur changed his mind",
    )
    text = main_text(client_for(world.manager).get(dashboard))
    assert "1 resident has nothing recorded yet" in text
    assert "Margaret Baxter" in text and "Arthur Hughes" not in text  # asked: he said yes, then no
    assert "Consent to ask about" not in main_text(client_for(world.volunteer).get(dashboard))


# --- Changing who news goes to ------------------------------------------------------------


def test_changing_who_news_goes_to_keeps_what_was_agreed_before(world, client_for):
    from homes.models import Role
    from homes.tests.factories import MembershipFactory
    from residents.models import RelativeLink
    from residents.services.consent import REPLACED_NOTE
    from residents.tests.factories import RelativeLinkFactory

    linda = RelativeLink.objects.get(resident=world.resident)
    tom = RelativeLinkFactory(
        resident=world.resident,
        membership=MembershipFactory(home=world.home, role=Role.FAMILY, user__full_name="Tom Baxter"),
        relationship="Grandson",
    )
    (before,) = give(world, purposes=[ConsentPurpose.NEWS_FAMILY], relatives=[linda.pk])
    client = client_for(world.manager)
    assert "Change who it goes to" in main_text(client.get(register_url(world)))
    url = f"{give_url(world)}?replace={before.pk}"
    form = client.get(url)
    assert form.status_code == 200 and "Change who news goes to" in main_text(form)
    assert form.context["form"]["relatives"].value() == [linda.pk]
    fields = {
        "purposes": [ConsentPurpose.NEWS_FAMILY],
        "relatives": [linda.pk, tom.pk],
        "given_by": ConsentGivenBy.RESIDENT,
        "given_on": timezone.localdate().isoformat(),
        "note": "Asked for her grandson to see the news too",
    }
    assert client.post(url, fields).status_code == 302
    now = Consent.objects.get(resident=world.resident, purpose=ConsentPurpose.NEWS_FAMILY, withdrawn_at=None)
    assert sorted(now.relatives.values_list("pk", flat=True)) == sorted([linda.pk, tom.pk])
    before.refresh_from_db()
    assert before.withdrawn_at is not None and before.withdrawal_note == REPLACED_NOTE
    assert list(before.relatives.all()) == [linda]  # what was agreed then stays as it was
    # The same form sent again (the back button, a second tab): the consent it changes is
    # no longer live, so nothing more is recorded.
    again = client.post(url, fields, follow=True)
    assert "withdrawn meanwhile" in main_text(again)
    assert Consent.objects.filter(resident=world.resident, purpose=ConsentPurpose.NEWS_FAMILY).count() == 2


def test_only_news_can_be_changed_this_way_and_only_a_consent_of_theirs(world, client_for):
    (photos,) = give(world, purposes=[HOME])
    client = client_for(world.manager)
    assert client.get(f"{give_url(world)}?replace={photos.pk}").status_code == 404
    assert client.get(f"{give_url(world)}?replace=x1").status_code == 404
    arthurs = give(world, resident=world.unlinked_resident, purposes=[HOME])[0]
    assert client.get(f"{give_url(world)}?replace={arthurs.pk}").status_code == 404
    from residents.models import RelativeLink

    (news,) = give(world, purposes=[ConsentPurpose.NEWS_FAMILY], relatives=[RelativeLink.objects.get().pk])
    with pytest.raises(DomainError):
        give(world, purposes=[ConsentPurpose.NEWS_FAMILY, HOME], replacing=news)
