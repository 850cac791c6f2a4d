"""Writes for a home's community settings: whether the programme is
published, which connector charities' partner directories the home uses,
whether the local area shows a map, and where the home is (for distances).
Refuses to save over someone else's newer save."""

from django.db import transaction

from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.versions import version_bump, version_check
from community.models import CommunitySettings
from community.services.partners import clean_location
from homes.models import Organisation
from homes.services import home_location_set

DIRECTORY_CHOICE = "Choose charities from the list."


def community_settings_update(
    *,
    home,
    actor,
    publish_programme,
    map_enabled,
    directories=(),
    latitude=None,
    longitude=None,
    version=None,
):
    """Save the home's community settings (made on first save) and where the
    home is. ``EditConflict`` if someone saved them since ``version`` (0:
    before they were first saved)."""
    charities = list(directories or [])
    if any(not isinstance(o, Organisation) or o.kind != Organisation.Kind.CONNECTOR for o in charities):
        raise DomainError(DIRECTORY_CHOICE, field="directories")
    latitude, longitude = clean_location(latitude, longitude)
    cleaned = {"publish_programme": bool(publish_programme), "map_enabled": bool(map_enabled)}
    with transaction.atomic(), acting_as(actor):
        saved, created = CommunitySettings.objects.select_for_update().get_or_create(home=home)
        before = [] if created else list(saved.directories.all())
        if not created:
            version_check(
                saved,
                version,
                submitted={**cleaned, "directories": charities, "latitude": latitude, "longitude": longitude},
                saved={"directories": before, "latitude": home.latitude, "longitude": home.longitude},
                labels={
                    "directories": "Connector charities whose directory we use",
                    "latitude": "The home's latitude",
                    "longitude": "The home's longitude",
                },
            )
        for name, value in cleaned.items():
            setattr(saved, name, value)
        version_bump(saved)
        saved.save()
        if {o.pk for o in before} != {o.pk for o in charities}:
            saved.directories.set(charities)
        home_location_set(home=home, actor=actor, latitude=latitude, longitude=longitude)
    return saved
