from residents.models import SupportFlag


def open_support_flags(home):
    """Residents who may need extra support now (e.g. a friend left or died)."""
    return (
        SupportFlag.objects.for_home(home)
        .filter(resolved_on__isnull=True)
        .select_related("resident", "about")
        .order_by("-raised_on", "-id")
    )
