"""Reads for a home's community settings."""

from community.models import CommunitySettings
from homes.models import Organisation


def settings_for(home):
    """The home's community settings, or the defaults (not saved) if it has none yet."""
    return CommunitySettings.objects.for_home(home).first() or CommunitySettings(home=home, version=0)


def connector_charities():
    """Connector charities whose partner directory a home may use."""
    return Organisation.objects.filter(kind=Organisation.Kind.CONNECTOR).order_by("name")


def directories_of(saved):
    return list(saved.directories.order_by("name")) if saved.pk else []
