"""Consent to share photos with family (for news from the home) is a level
above consent to keep a photo, recorded on the resident's edit page."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

from carehome.errors import DomainError
from residents.models import Resident
from residents.services.residents import resident_update
from tests.html import main_text


def update(world, **fields):
    resident = world.resident
    values = {
        "full_name": resident.full_name,
        "preferred_name": resident.preferred_name,
        "version": resident.version,
    }
    return resident_update(home=world.home, actor=world.manager.user, resident=resident, **values, **fields)


def test_sharing_needs_consent_to_keep_a_photo(world):
    with pytest.raises(DomainError) as refused:
        update(world, photo_share_family=True)
    assert refused.value.field == "photo_share_family"
    with pytest.raises(DomainError) as refused:
        update(world, photo_consent=True, photo_share_family=True)
    assert refused.value.field == "photo_consent_note"


def test_sharing_is_recorded_and_withdrawn_with_consent(world):
    update(world, photo_consent=True, photo_consent_note="Peggy agreed, 3 March", photo_share_family=True)
    world.resident.refresh_from_db()
    assert world.resident.photo_share_family
    update(world, photo_consent=False, photo_share_family=False)
    world.resident.refresh_from_db()
    assert not world.resident.photo_share_family


def test_the_database_refuses_sharing_without_consent(world):
    with pytest.raises(IntegrityError):
        Resident.objects.filter(pk=world.resident.pk).update(photo_share_family=True, photo_consent=False)


def test_the_edit_page_offers_the_choice(world, client_for):
    page = client_for(world.manager).get(reverse("residents:edit", args=[world.home.slug, world.resident.pk]))
    assert "They agree to photos of them being shared with their family" in main_text(page)
