"""Dashboard panels for staff who plan: outings in the next 14 days that are
not confirmed yet, each with what is missing (``community.rules``' words);
and, for those who approve outings, risk assessments waiting for approval.
Hidden when there is nothing to show."""

from community.selectors.outings import PANEL_DAYS, assessments_to_approve, outings_not_confirmed
from homes.dashboard import Panel, register_panel


def _outings(request):
    dates = outings_not_confirmed(request.home)
    return {"dates": dates, "days": PANEL_DAYS, "hidden": not dates}


def _approvals(request):
    waiting = assessments_to_approve(request.home)
    return {"waiting": waiting, "hidden": not waiting}


register_panel(
    Panel("community_outings", "community/outings/panel_outings.html", "community.plan", _outings, order=46)
)
register_panel(
    Panel(
        "community_risk_approvals",
        "community/outings/panel_approvals.html",
        "outings.approve",
        _approvals,
        order=47,
    )
)
