from residents.models import HomeConnectionSettings


def connection_settings_for(home):
    """The home's worklist and loneliness settings (defaults until a manager
    changes them). One query, and no write: the row is made where the home
    is (``homes.setup``); a home without one reads the defaults, unsaved."""
    return HomeConnectionSettings.objects.filter(home=home).first() or HomeConnectionSettings(home=home)


# The one reader of the home's "no visit in N days" (the worklist, its panel,
# the key worker's nudge and the managers' weekly summary all ask here).
DEFAULT_NO_VISITOR_DAYS = HomeConnectionSettings._meta.get_field("no_visitor_days").default


def no_visitor_days(home):
    """How many days without a visit the home counts as "no visit" (its
    setting, or the default)."""
    return connection_settings_for(home).no_visitor_days


def no_visitor_days_by_home(home=None):
    """{home_id: days} for every home with its own setting (or just ``home``);
    homes not listed use ``DEFAULT_NO_VISITOR_DAYS``."""
    saved = HomeConnectionSettings.objects.all()
    if home is not None:
        saved = saved.filter(home=home)
    return dict(saved.values_list("home_id", "no_visitor_days"))


DEFAULT_LONELINESS_EVERY_DAYS = HomeConnectionSettings._meta.get_field("loneliness_every_days").default


def loneliness_every_days_by_home(home=None):
    """{home_id: days between loneliness checks} for every home with its own
    setting (or just ``home``); others use ``DEFAULT_LONELINESS_EVERY_DAYS``."""
    saved = HomeConnectionSettings.objects.all()
    if home is not None:
        saved = saved.filter(home=home)
    return dict(saved.values_list("home_id", "loneliness_every_days"))
