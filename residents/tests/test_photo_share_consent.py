"""Sharing photos with family is recorded in the consent register (“Photos
shared with families of the home”), not on the resident's details. The old
tick box is gone from the admit and edit pages, which point to the register;
its column is read nowhere and stays only until a later migration removes it."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

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


def test_the_edit_page_points_to_the_consent_register(world, client_for):
    page = client_for(world.manager).get(reverse("residents:edit", args=[world.home.slug, world.resident.pk]))
    html = page.content.decode()
    assert 'name="photo_share_family"' not in html
    assert "They agree to photos of them being shared with their family" not in main_text(page)
    assert "sharing them with families (news from the home included)" in main_text(page)
    consent = reverse("residents:consent", args=[world.home.slug, world.resident.pk])
    assert f'href="{consent}"' in html


def test_the_admit_page_says_where_consent_to_share_is_recorded(world, client_for):
    page = client_for(world.manager).get(reverse("residents:admit", args=[world.home.slug]))
    assert 'name="photo_share_family"' not in page.content.decode()
    assert "record it on their Consent page once they are admitted" in main_text(page)


def test_the_services_no_longer_take_the_old_tick_box(world):
    with pytest.raises(TypeError):
        update(world, photo_share_family=True)


def test_the_old_tick_box_is_left_alone_by_an_edit(world):
    Resident.objects.filter(pk=world.resident.pk).update(
        photo_consent=True, photo_consent_note="Peggy agreed, 3 March", photo_share_family=True
    )
    world.resident.refresh_from_db()
    update(world, room="12", photo_consent=True, photo_consent_note="Peggy agreed, 3 March")
    world.resident.refresh_from_db()
    assert world.resident.room == "12" and world.resident.photo_share_family


def test_withdrawing_consent_to_keep_a_photo_clears_the_old_tick_box_too(world):
    """The database still refuses the old tick box without consent to keep a photo."""
    Resident.objects.filter(pk=world.resident.pk).update(
        photo_consent=True, photo_consent_note="Peggy agreed, 3 March", photo_share_family=True
    )
    world.resident.refresh_from_db()
    update(world, photo_consent=False)
    world.resident.refresh_from_db()
    assert not world.resident.photo_consent and not world.resident.photo_share_family


def test_the_database_refuses_sharing_without_consent(world):
    with pytest.raises(IntegrityError):
        Resident.objects.filter(pk=world.resident.pk).update(photo_share_family=True, photo_consent=False)
