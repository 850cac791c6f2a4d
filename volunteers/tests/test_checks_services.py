"""Background checks and references: the rules the services hold, and what
``volunteers.rules`` makes of what they save."""

from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from carehome.errors import DomainError
from carehome.timeutils import add_months
from carehome.versions import EditConflict
from homes.models import Nation
from volunteers import rules
from volunteers.models import BackgroundCheck, CheckLevel, Reference, Volunteer
from volunteers.services.checks import (
    check_create,
    check_update,
    reference_create,
    reference_update,
)
from volunteers.tests.factories import (
    DbsCheckFactory,
    PvgCheckFactory,
    ReferenceFactory,
    VolunteerFactory,
    VolunteerSettingsFactory,
    cleared_volunteer,
)

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def dbs(world, volunteer=None, **fields):
    data = {
        "home": world.home,
        "actor": world.champion.user,
        "volunteer": volunteer or VolunteerFactory(home=world.home),
        "level": CheckLevel.ENHANCED_BARRED,
        "certificate_number": "0012 3456 7890",
        "issued_on": today() - timedelta(days=30),
        "update_service": "no",
        "update_service_checked_on": None,
        "notes": "",
    }
    data.update(fields)
    return check_create(**data)


def pvg(world, volunteer=None, **fields):
    data = {
        "home": world.home,
        "actor": world.champion.user,
        "volunteer": volunteer or VolunteerFactory(home=world.home),
        "membership_number": "1234 5678 9012 3456",
        "issued_on": today() - timedelta(days=30),
        "left_notified_on": None,
        "notes": "",
    }
    data.update(fields)
    return check_create(**data)


def in_scotland(world):
    world.home.nation = Nation.SCOTLAND
    world.home.save()
    return world


def refused(call, field, message_part=""):
    with pytest.raises(DomainError) as caught:
        call()
    assert caught.value.field == field, caught.value.message
    assert message_part in caught.value.message
    return caught.value.message


def blocker_messages(volunteer):
    loaded = rules.with_facts(Volunteer.objects.filter(pk=volunteer.pk)).get()
    return [b.message for b in rules.blockers(loaded)]


# --- DBS (England and Wales) -----------------------------------------------------------------


def test_a_dbs_check_is_saved_with_the_spaces_taken_out_and_counts_for_the_homes_policy(world):
    issued = date(2025, 3, 14)
    check = dbs(world, issued_on=issued)
    check.refresh_from_db()
    assert check.scheme == BackgroundCheck.Scheme.DBS
    assert check.certificate_number == "001234567890"
    assert check.membership_number == ""
    assert check.recorded_by == world.champion.user
    assert check.valid_until == date(2028, 3, 14)  # 36 months, the default policy


def test_the_recheck_date_follows_the_homes_own_policy(world):
    VolunteerSettingsFactory(home=world.home, dbs_recheck_months=12)
    check = dbs(world, issued_on=date(2025, 1, 31))
    assert check.valid_until == date(2026, 1, 31)


def test_with_the_update_service_it_counts_from_the_last_check(world):
    issued = date(2024, 6, 1)
    checked = date(2025, 9, 10)
    check = dbs(world, issued_on=issued, update_service="yes", update_service_checked_on=checked)
    assert check.valid_until == add_months(checked, 36)


def test_an_update_service_check_date_without_the_update_service_is_refused(world):
    refused(
        lambda: dbs(world, update_service="no", update_service_checked_on=today()),
        "update_service_checked_on",
        "not on the Update Service",
    )
    assert not BackgroundCheck.objects.exists()


def test_a_certificate_dated_after_the_update_service_check_is_refused(world):
    refused(
        lambda: dbs(
            world,
            issued_on=today() - timedelta(days=10),
            update_service="yes",
            update_service_checked_on=today() - timedelta(days=20),
        ),
        "update_service_checked_on",
        "cannot be before the certificate date",
    )


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("12345678901", "That is 11 digits long: the certificate number has 12."),
        ("1234 5678 9012 3", "That is 13 digits long: the certificate number has 12."),
        ("١٢٣٤٥٦٧٨٩٠١٢", "Use only the digits 0 to 9"),
        ("1234-5678-9012", "Use only the digits 0 to 9"),
        ("", "Enter the 12-digit certificate number"),
    ],
)
def test_a_certificate_number_needs_exactly_twelve_digits(world, number, message):
    refused(lambda: dbs(world, certificate_number=number), "certificate_number", message)
    assert not BackgroundCheck.objects.exists()


@pytest.mark.parametrize(
    ("issued_on", "message"),
    [
        (lambda: today() + timedelta(days=1), "in the future"),
        (lambda: date(1999, 12, 31), "from 2000"),
        (lambda: None, "Enter the date printed on the certificate"),
    ],
)
def test_a_certificate_date_in_the_future_or_before_2000_is_refused(world, issued_on, message):
    refused(lambda: dbs(world, issued_on=issued_on()), "issued_on", message)


def test_a_dbs_check_needs_a_level_and_none_is_not_a_level(world):
    refused(lambda: dbs(world, level=CheckLevel.NONE), "level")
    refused(lambda: dbs(world, level="gold"), "level")


def test_the_same_certificate_is_recorded_once_for_a_volunteer(world):
    volunteer = VolunteerFactory(home=world.home)
    dbs(world, volunteer=volunteer)
    refused(lambda: dbs(world, volunteer=volunteer), "certificate_number", "already recorded")
    assert BackgroundCheck.objects.count() == 1


def test_a_volunteer_of_another_home_is_refused(world):
    stranger = VolunteerFactory(home=world.other_home)
    with pytest.raises(DomainError):
        dbs(world, volunteer=stranger)
    assert not BackgroundCheck.objects.exists()


def test_a_form_sent_twice_saves_one_check(world):
    volunteer = VolunteerFactory(home=world.home)
    token = "6f1c2a8e-3d4b-4c5d-9e6f-7a8b9c0d1e2f"
    dbs(world, volunteer=volunteer, form_token=token)
    with pytest.raises(DomainError):
        dbs(world, volunteer=volunteer, form_token=token)
    assert BackgroundCheck.objects.count() == 1


def test_the_change_history_records_who_recorded_the_check(world):
    check = dbs(world)
    assert {e.actor for e in LogEntry.objects.get_for_object(check)} == {world.champion.user}


# --- PVG (Scotland) --------------------------------------------------------------------------


def test_in_scotland_the_check_is_pvg_membership_ending_five_years_on(world):
    in_scotland(world)
    check = pvg(world, issued_on=date(2024, 2, 29))
    check.refresh_from_db()
    assert check.scheme == BackgroundCheck.Scheme.PVG
    assert check.membership_number == "1234567890123456"
    assert check.level == ""
    assert check.certificate_number == ""
    assert check.valid_until == date(2029, 2, 28)


def test_in_scotland_dbs_fields_are_not_asked_for_and_the_membership_number_is_needed(world):
    in_scotland(world)
    # A DBS certificate number sent to a Scottish home is ignored: PVG fields are needed.
    refused(lambda: pvg(world, membership_number="", certificate_number="001234567890"), "membership_number")
    refused(lambda: pvg(world, membership_number="123456789012"), "membership_number", "12 digits long")


def test_in_england_pvg_fields_are_not_enough(world):
    refused(
        lambda: check_create(
            home=world.home,
            actor=world.champion.user,
            volunteer=VolunteerFactory(home=world.home),
            membership_number="1234567890123456",
            issued_on=today(),
        ),
        "level",
    )


def test_disclosure_scotland_told_before_the_statement_or_in_the_future_is_refused(world):
    in_scotland(world)
    issued = today() - timedelta(days=30)
    refused(
        lambda: pvg(world, issued_on=issued, left_notified_on=issued - timedelta(days=1)),
        "left_notified_on",
        "cannot be before the statement date",
    )
    refused(
        lambda: pvg(world, issued_on=issued, left_notified_on=today() + timedelta(days=1)),
        "left_notified_on",
        "in the future",
    )


def test_once_disclosure_scotland_is_told_they_left_the_volunteer_is_blocked(world):
    in_scotland(world)
    volunteer = cleared_volunteer(world.home)
    assert blocker_messages(volunteer) == []
    check = volunteer.checks.get()
    check_update(
        home=world.home,
        actor=world.manager.user,
        check=check,
        version=check.version,
        membership_number=check.membership_number,
        issued_on=check.issued_on,
        left_notified_on=today(),
        notes="",
    )
    assert blocker_messages(volunteer) == ["PVG membership ended: Disclosure Scotland was told they left"]


# --- Editing, and what the gate makes of it --------------------------------------------------


def update(world, check, **fields):
    data = {
        "level": check.level,
        "certificate_number": check.certificate_number,
        "issued_on": check.issued_on,
        "update_service": check.update_service,
        "update_service_checked_on": check.update_service_checked_on,
        "notes": check.notes,
        "version": check.version,
    }
    data.update(fields)
    return check_update(home=world.home, actor=world.manager.user, check=check, **data)


def test_a_cleared_volunteer_whose_check_is_edited_to_an_old_date_is_blocked_and_told_why(world):
    volunteer = cleared_volunteer(world.home)
    assert blocker_messages(volunteer) == []
    check = volunteer.checks.get()
    old = today() - timedelta(days=4 * 365)
    saved = update(world, check, issued_on=old)
    assert saved.valid_until == add_months(old, 36)
    assert saved.valid_until < today()
    found = blocker_messages(volunteer)
    assert len(found) == 1
    assert found[0].startswith("DBS check was due for renewal on ")


def test_a_new_update_service_check_brings_an_old_certificate_back_into_date(world):
    volunteer = cleared_volunteer(world.home)
    check = volunteer.checks.get()
    old = today() - timedelta(days=4 * 365)
    update(world, check, issued_on=old)
    check.refresh_from_db()
    update(world, check, update_service="yes", update_service_checked_on=today())
    check.refresh_from_db()
    assert check.valid_until == add_months(today(), 36)
    assert blocker_messages(volunteer) == []


def test_a_check_at_a_lower_level_than_the_role_needs_blocks(world):
    volunteer = cleared_volunteer(world.home)
    update(world, volunteer.checks.get(), level=CheckLevel.STANDARD)
    assert blocker_messages(volunteer) == ["No enhanced DBS check with the adults' barred list recorded"]


def test_an_edit_over_someone_elses_newer_save_is_a_conflict_and_saves_nothing(world):
    check = DbsCheckFactory(volunteer=VolunteerFactory(home=world.home), notes="first")
    opened = check.version
    update(world, check, notes="Seen the original")
    check.refresh_from_db()
    with pytest.raises(EditConflict) as caught:
        update(world, check, notes="Mine", version=opened)
    assert [d["field"] for d in caught.value.differences] == ["notes"]
    check.refresh_from_db()
    assert check.notes == "Seen the original"


def test_editing_keeps_the_scheme_it_was_recorded_under(world):
    check = PvgCheckFactory(volunteer=VolunteerFactory(home=world.home))
    saved = check_update(
        home=world.home,
        actor=world.manager.user,
        check=check,
        membership_number="9999 8888 7777 6666",
        issued_on=check.issued_on,
        left_notified_on=None,
        notes="",
        version=check.version,
    )
    assert saved.scheme == BackgroundCheck.Scheme.PVG
    assert saved.membership_number == "9999888877776666"


def test_a_check_of_another_home_cannot_be_edited(world):
    foreign = DbsCheckFactory(volunteer=VolunteerFactory(home=world.other_home))
    with pytest.raises(DomainError):
        update(world, foreign, notes="sneaky")
    foreign.refresh_from_db()
    assert foreign.notes == ""


# --- References -----------------------------------------------------------------------------


def reference(world, volunteer=None, **fields):
    data = {
        "home": world.home,
        "actor": world.champion.user,
        "volunteer": volunteer or VolunteerFactory(home=world.home),
        "name": "  Jane   Smith ",
        "relationship": "former employer",
        "email": "jane@example.org",
        "phone": "",
        "requested_on": today() - timedelta(days=10),
        "received_on": None,
        "satisfactory": None,
        "notes": "",
    }
    data.update(fields)
    return reference_create(**data)


def test_a_reference_asked_for_is_saved(world):
    saved = reference(world)
    saved.refresh_from_db()
    assert saved.name == "Jane Smith"
    assert saved.received_on is None and saved.satisfactory is None


def test_a_reference_needs_an_email_or_a_phone(world):
    refused(lambda: reference(world, email="", phone=""), "email", "email address or a phone number")
    assert reference(world, email="", phone="01632 960123").phone == "01632 960123"


def test_a_bad_phone_or_email_is_refused(world):
    refused(lambda: reference(world, phone="call me"), "phone")
    refused(lambda: reference(world, email="not-an-email"), "email")


def test_a_reference_received_before_it_was_asked_for_is_refused(world):
    refused(
        lambda: reference(
            world,
            requested_on=today() - timedelta(days=5),
            received_on=today() - timedelta(days=6),
            satisfactory=True,
        ),
        "received_on",
        "cannot arrive before it was asked for",
    )
    assert not Reference.objects.exists()


def test_a_reference_received_in_the_future_is_refused(world):
    refused(
        lambda: reference(world, received_on=today() + timedelta(days=1), satisfactory=True), "received_on"
    )


def test_a_received_reference_must_say_whether_it_is_satisfactory_and_the_other_way_round(world):
    refused(lambda: reference(world, received_on=today(), satisfactory=None), "satisfactory")
    refused(lambda: reference(world, received_on=None, satisfactory=True), "received_on")


def test_recording_the_second_good_reference_clears_that_blocker(world):
    volunteer = cleared_volunteer(world.home)
    second = volunteer.references.order_by("id").last()
    second.received_on = None
    second.satisfactory = None
    second.save()
    assert any(m.startswith("Waiting for the second reference") for m in blocker_messages(volunteer))
    reference_update(
        home=world.home,
        actor=world.manager.user,
        reference=second,
        version=second.version,
        name=second.name,
        relationship=second.relationship,
        email=second.email,
        phone="",
        requested_on=second.requested_on,
        received_on=today(),
        satisfactory=True,
        notes="",
    )
    assert blocker_messages(volunteer) == []


def test_an_unsatisfactory_reference_is_named_as_the_blocker(world):
    volunteer = cleared_volunteer(world.home)
    second = volunteer.references.order_by("id").last()
    reference_update(
        home=world.home,
        actor=world.manager.user,
        reference=second,
        version=second.version,
        name=second.name,
        relationship=second.relationship,
        email=second.email,
        phone="",
        requested_on=second.requested_on,
        received_on=second.received_on,
        satisfactory=False,
        notes="",
    )
    assert blocker_messages(volunteer) == ["A reference was not satisfactory: ask for a second one"]


def test_a_reference_edit_over_a_newer_save_is_a_conflict(world):
    ref = ReferenceFactory(volunteer=VolunteerFactory(home=world.home), notes="")
    fields = {
        "name": ref.name,
        "relationship": ref.relationship,
        "email": ref.email,
        "phone": "",
        "requested_on": ref.requested_on,
        "received_on": None,
        "satisfactory": None,
    }
    reference_update(home=world.home, actor=world.manager.user, reference=ref, version=1, notes="A", **fields)
    with pytest.raises(EditConflict):
        reference_update(
            home=world.home, actor=world.champion.user, reference=ref, version=1, notes="B", **fields
        )
    ref.refresh_from_db()
    assert ref.notes == "A"
