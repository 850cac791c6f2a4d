from residents.models import HomeConnectionSettings


def connection_settings_for(home):
    """The home's worklist and loneliness settings (defaults until a manager
    changes them). One query."""
    settings, _ = HomeConnectionSettings.objects.get_or_create(home=home)
    return settings
