"""Migration 0011 carries the old “share photos with their family” tick box
over to the consent register: a live consent to “Photos shared with families
of the home” for each resident who had it ticked and has none yet (live or
withdrawn), saying in its note where it came from. Its function is run here against today's models
(``django.apps.apps``), as the migration runs it against its own."""

import importlib
from datetime import UTC, datetime

from django.apps import apps
from django.utils import timezone

from residents.models import Consent, ConsentGivenBy, ConsentPurpose, Resident
from residents.services.consent import consent_withdraw
from residents.tests.factories import ResidentFactory
from tests.fixtures import agreed_to_uses

migration = importlib.import_module("residents.migrations.0011_photo_share_family_to_consent_register")
FAMILY = ConsentPurpose.PHOTOS_FAMILY


def tick(resident, note="Peggy agreed, 3 March", created_at=None):
    changes = {"photo_consent": True, "photo_consent_note": note, "photo_share_family": True}
    if created_at:
        changes["created_at"] = created_at
    Resident.objects.filter(pk=resident.pk).update(**changes)


def family_consents(resident):
    return list(Consent.objects.filter(resident=resident, purpose=FAMILY).order_by("pk"))


def test_a_ticked_resident_gets_a_live_consent_saying_where_it_came_from(world):
    created = datetime(2025, 6, 30, 23, 30, tzinfo=UTC)  # 1 July in London
    tick(world.resident, created_at=created)
    migration.carry_over(apps, None)
    [consent] = family_consents(world.resident)
    assert consent.is_live
    assert consent.home_id == world.home.pk
    assert consent.given_by == ConsentGivenBy.RESIDENT and consent.given_by_name == ""
    assert consent.given_on == timezone.localtime(created).date()
    assert consent.recorded_by is None
    assert consent.note == (
        "Carried over from the “share photos with their family” tick box; noted then: “Peggy agreed, 3 March”"
    )


def test_without_a_note_it_says_only_where_it_came_from(world):
    tick(world.resident, note="")
    migration.carry_over(apps, None)
    [consent] = family_consents(world.resident)
    assert consent.note == "Carried over from the “share photos with their family” tick box."


def test_nobody_else_gets_one_and_a_live_consent_is_not_doubled(world):
    already = ResidentFactory(home=world.home, full_name="Ted Okafor")
    tick(already)
    [recorded] = agreed_to_uses(already, purposes=[FAMILY])
    tick(world.resident)
    foreign = ResidentFactory(home=world.other_home)
    tick(foreign)
    migration.carry_over(apps, None)
    assert family_consents(already) == [recorded]
    assert len(family_consents(world.resident)) == 1
    assert family_consents(world.unlinked_resident) == []  # never ticked
    [theirs] = family_consents(foreign)
    assert theirs.home_id == world.other_home.pk
    migration.carry_over(apps, None)  # run twice, nothing more
    assert Consent.objects.filter(purpose=FAMILY).count() == 3


def test_a_consent_withdrawn_in_the_register_is_not_brought_back(world):
    """The withdrawal is the newer word than the tick box."""
    tick(world.resident)
    [old] = agreed_to_uses(world.resident, purposes=[FAMILY])
    consent_withdraw(home=world.home, actor=world.manager.user, consent=old, note="Peggy, by phone")
    migration.carry_over(apps, None)
    assert [c.is_live for c in family_consents(world.resident)] == [False]


def test_the_note_is_cut_to_fit(world):
    assert len(migration.note_for("x" * 200)) <= 300
    assert len(migration.note_for("x" * 400)) == 300
