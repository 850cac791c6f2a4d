"""Reads for self-evaluation."""

from evaluation.models import Framework


def frameworks():
    """The frameworks a home may rate itself against."""
    return Framework.objects.filter(is_active=True).order_by("name")


def framework_for(home):
    """The home's framework: its nation's (Scotland: the Care Inspectorate's;
    England: CQC's), or the first active one if its nation has none."""
    active = list(frameworks())
    return next((f for f in active if f.nation == home.nation), active[0] if active else None)
