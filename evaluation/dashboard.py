"""The home's outcomes dashboard: for a chosen week, each figure with its
12-week trend (from the kept weekly figures, ``evaluation.rollups``), and
what needs doing now (from the feature apps' own selectors), each with a link
to the people or records behind it.

A fixed number of queries whatever the home's size: two for the weekly
figures when they are kept, and a handful for the "right now" counts.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from community.selectors.partners import cold_partnerships
from evaluation import charts
from evaluation.figures import BANDS, KINDS, SCORES, VISIT_MODES, monday_of, weeks_ending
from evaluation.rollups import figures_for
from notifications.selectors import failed_count
from residents.models import Connection
from residents.selectors.worklist import worklist_for
from visits.selectors.access import overdue_restrictions
from volunteers.selectors.expiry import renewal_counts
from volunteers.selectors.rota import hours_totals

TREND_WEEKS = 12
# How far back a manager may look (a year of weeks, and the 12 before them for the trend).
CHOOSABLE_WEEKS = 52
KIND_LABELS = {
    "family": "Family",
    "friend": "Friends",
    "peer": "Other residents",
    "staff": "Staff",
    "volunteer": "Volunteers",
    "community": "The community",
    "group": "Groups and activities",
    "virtual": "Of which by phone or video",
}
MODE_LABELS = dict(Connection.Mode.choices)


def share(count, whole):
    return round(100 * count / whole) if whole else None


def choosable_weeks(today):
    """The Mondays a manager may choose, newest first."""
    this = monday_of(today)
    return [this - timedelta(weeks=n) for n in range(CHOOSABLE_WEEKS)]


def week_options(today):
    """[(value, label)] for the week chooser, newest first, worked out without the template's date filters."""
    return [
        (f"{monday:%Y-%m-%d}", f"This week ({monday:%-d %b %Y})" if n == 0 else f"Week of {monday:%-d %b %Y}")
        for n, monday in enumerate(choosable_weeks(today))
    ]


def chosen_week(raw, today):
    """The Monday asked for (``?week=2026-11-23``), or this week's."""
    weeks = choosable_weeks(today)
    try:
        asked = monday_of(date.fromisoformat(raw[:10])) if raw else weeks[0]
    except ValueError:
        asked = weeks[0]
    return asked if asked in weeks else weeks[0]


@dataclass
class Now:
    """What needs doing now, with who is furthest behind."""

    no_visits: list
    overdue: list
    quiet: int
    restrictions_overdue: list
    partners_cold: list
    renewals: dict
    hours_months: list
    reminders_failed: int


def right_now(home, *, now=None):
    now = now or timezone.now()
    work = worklist_for(home, now=now)
    totals = hours_totals(home, on=timezone.localdate(now))
    return Now(
        no_visits=work.no_visits,
        overdue=work.overdue,
        quiet=work.quiet_count,
        restrictions_overdue=overdue_restrictions(home, today=timezone.localdate(now)),
        partners_cold=cold_partnerships(home, on=timezone.localdate(now)),
        renewals=renewal_counts(home, on=timezone.localdate(now)),
        hours_months=totals["months"][:3],
        reminders_failed=failed_count(home),
    )


def _week_rows(weeks, figures):
    rows = []
    for monday, f in zip(weeks, figures, strict=True):
        visits_total = sum(f.visits.values())
        asked = f.loneliness["asked"]
        rows.append(
            {
                "week": monday,
                "label": charts.week_label(monday),
                "f": f,
                "share_7d": f.share(f.meaningful_7d),
                "share_14d": f.share(f.meaningful_14d),
                "visits_total": visits_total,
                "virtual": f.visits.get(Connection.Mode.PHONE, 0) + f.visits.get(Connection.Mode.VIDEO, 0),
                "in_person": f.visits.get(Connection.Mode.IN_PERSON, 0),
                "other_visits": visits_total
                - f.visits.get(Connection.Mode.PHONE, 0)
                - f.visits.get(Connection.Mode.VIDEO, 0)
                - f.visits.get(Connection.Mode.IN_PERSON, 0),
                "lonely_share": share(f.loneliness["often_always"], asked),
                "bands": [f.bands.get(name, 0) for name, _low, _high in BANDS],
                "s": f.standing,
                "volunteer_hours": round(f.standing["volunteer_minutes"] / 60, 1),
            }
        )
    return rows


def _kinds(figures):
    latest = figures[-1]
    rows = []
    for kind in (*KINDS, "virtual"):
        total = sum(f.by_kind.get(kind, 0) for f in figures)
        living = sum(f.living for f in figures)
        rows.append(
            {
                "kind": kind,
                "label": KIND_LABELS[kind],
                "week": latest.by_kind.get(kind, 0),
                "per_resident": latest.per_resident(latest.by_kind.get(kind, 0)),
                # Per resident a week, over the trend: every part over every resident-week.
                "average": round(total / living, 1) if living else None,
            }
        )
    return rows


def _describe_line(rows, key, what, percent=False):
    values = [r[key] for r in rows if r[key] is not None]
    if not values:
        return f"No {what} recorded in these weeks."
    unit = "%" if percent else ""
    return (
        f"{what.capitalize()}, week by week from {rows[0]['label']} to {rows[-1]['label']}: "
        f"latest {values[-1]}{unit}, lowest {min(values)}{unit}, highest {max(values)}{unit}."
    )


def _describe_standing(rows, key, what):
    values = [r["s"][key] for r in rows]
    return (
        f"{what.capitalize()}, week by week from {rows[0]['label']} to {rows[-1]['label']}: "
        + ", ".join(str(v) for v in values)
        + "."
    )


def home_dashboard(home, week, *, now=None):
    """Everything the dashboard page shows for the 12 weeks up to ``week`` (a Monday)."""
    weeks = weeks_ending(week, TREND_WEEKS)
    stored = figures_for([home.id], weeks)[home.id]
    figures = [stored[w].figures for w in weeks]
    computed_at = min(stored[w].computed_at for w in weeks)
    rows = _week_rows(weeks, figures)
    latest = rows[-1]
    band_names = [name for name, _low, _high in BANDS]
    lonely = figures[-1].loneliness
    charts_ = {
        "meaningful": charts.line_chart(
            "chart-meaningful",
            "Residents with a meaningful connection",
            weeks,
            [
                charts.Series("In the last 7 days", [r["share_7d"] for r in rows]),
                charts.Series("In the last 14 days", [r["share_14d"] for r in rows]),
            ],
            percent=True,
            desc=_describe_line(rows, "share_7d", "residents with a meaningful connection in 7 days", True),
        ),
        "bands": charts.bars_chart(
            "chart-bands",
            "Residents by meaningful connections in the week",
            weeks,
            band_names,
            [dict(zip(band_names, r["bands"], strict=True)) for r in rows],
            desc=(
                f"Each week's residents split by how many meaningful connections they had. "
                f"In the week of {latest['label']}: "
                + "; ".join(f"{n} {name}" for name, n in zip(band_names, latest["bands"], strict=True))
                + "."
            ),
        ),
        "visits": charts.line_chart(
            "chart-visits",
            "Visits and calls a week",
            weeks,
            [
                charts.Series("In person", [r["in_person"] for r in rows]),
                charts.Series("Phone or video", [r["virtual"] for r in rows]),
                charts.Series("Letters and outings", [r["other_visits"] for r in rows]),
            ],
            desc=_describe_line(rows, "visits_total", "visits and calls a week"),
        ),
        "activities": charts.line_chart(
            "chart-activities",
            "Activities and outings held",
            weeks,
            [
                charts.Series("Held", [f.activities["held"] for f in figures]),
                charts.Series("Intergenerational", [f.activities["intergenerational"] for f in figures]),
                charts.Series("In nature", [f.activities["nature"] for f in figures]),
            ],
            desc=(
                f"Activities and outings held each week from {rows[0]['label']} to {rows[-1]['label']}: "
                + ", ".join(str(f.activities["held"]) for f in figures)
                + "."
            ),
        ),
        "waiting": charts.line_chart(
            "chart-waiting",
            "Residents and people who matter left waiting",
            weeks,
            [
                charts.Series(
                    "Residents with no regular visitors", [f.standing["no_regular_visitors"] for f in figures]
                ),
                charts.Series(
                    "People whose contact is behind the wish", [f.standing["contact_behind"] for f in figures]
                ),
            ],
            desc=_describe_standing(
                rows, "no_regular_visitors", "residents with no regular visitors at the week's end"
            ),
        ),
        "follow_up": charts.line_chart(
            "chart-follow-up",
            "Reviews, partners and reminders to follow up",
            weeks,
            [
                charts.Series(
                    "Restriction reviews overdue", [f.standing["restrictions_overdue"] for f in figures]
                ),
                charts.Series("Partners going cold", [f.standing["partners_cold"] for f in figures]),
                charts.Series("Reminders that failed", [f.standing["reminders_failed"] for f in figures]),
            ],
            desc=_describe_standing(rows, "partners_cold", "community partners going cold at the week's end"),
        ),
        "volunteering": charts.line_chart(
            "chart-volunteering",
            "Volunteer hours confirmed",
            weeks,
            [charts.Series("Hours", [r["volunteer_hours"] for r in rows])],
            desc=_describe_line(rows, "volunteer_hours", "volunteer hours confirmed a week"),
        ),
        "loneliness": charts.line_chart(
            "chart-loneliness",
            "Residents who often or always feel lonely",
            weeks,
            [charts.Series("Often or always lonely", [r["lonely_share"] for r in rows])],
            percent=True,
            desc=_describe_line(
                rows, "lonely_share", "share of residents asked who often or always feel lonely", True
            ),
        ),
    }
    return {
        "week": week,
        "weeks": weeks,
        "rows": rows,
        "latest": latest,
        "figures": figures[-1],
        "computed_at": computed_at,
        "charts": charts_,
        "kinds": _kinds(figures),
        "band_names": band_names,
        "modes": [(mode, MODE_LABELS[mode]) for mode in VISIT_MODES],
        "scores": [(score, lonely["scores"].get(score, 0)) for score in SCORES],
        "lonely": lonely,
        "lonely_share": share(lonely["often_always"], lonely["asked"]),
        "asked_share": share(lonely["asked"], figures[-1].living),
    }
