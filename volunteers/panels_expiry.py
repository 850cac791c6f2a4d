"""Dashboard panel for co-ordinators: how many checks, training records and
drivers' documents have run out or run out soon, linking to "Renewals due".
Shown only when there is something to renew; three queries."""

from carehome.timeutils import today
from homes.dashboard import Panel, register_panel
from volunteers.selectors.expiry import renewal_counts


def summary(counts):
    """ "2 run out, 3 due within 30 days, 1 more within 60 days." """
    parts = []
    if counts["expired"]:
        parts.append(f"{counts['expired']} run out")
    if counts["within_30"]:
        parts.append(f"{counts['within_30']} due within 30 days")
    if counts["within_60"]:
        parts.append(f"{counts['within_60']} {'more ' if parts else ''}due within 60 days")
    return ", ".join(parts) + "."


def _context(request):
    counts = renewal_counts(request.home, on=today())
    return {**counts, "summary": summary(counts), "hidden": not counts["total"]}


register_panel(
    Panel("volunteer_renewals", "volunteers/panels/expiring.html", "volunteers.manage", _context, order=45)
)
