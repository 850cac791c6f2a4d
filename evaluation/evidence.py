"""Evidence pulled from the records for a self-evaluation's period: each
measure a framework's theme cites, said in a sentence from the kept weekly
figures of the weeks in the period (``evaluation.rollups``).

Two queries when the weeks are kept, whatever the period or the home's size.
"""

from dataclasses import dataclass
from datetime import timedelta

from evaluation.figures import BANDS, KINDS, monday_of
from evaluation.measures import MEASURES
from evaluation.rollups import figures_for
from residents.models import Connection

KIND_WORDS = {
    "family": "family",
    "friend": "friends",
    "peer": "other residents",
    "staff": "staff",
    "volunteer": "volunteers",
    "community": "the community",
    "group": "groups",
}


@dataclass(frozen=True)
class Line:
    measure: str
    label: str
    text: str


def period_weeks(start, end):
    """The Mondays of the weeks that start within the period (at least the one holding its start)."""
    first, weeks = monday_of(start), []
    monday = first if first >= start else first + timedelta(weeks=1)
    while monday <= end:
        weeks.append(monday)
        monday += timedelta(weeks=1)
    return weeks or [first]


def _pct(count, whole):
    return f"{round(100 * count / whole)}%" if whole else "none"


def _avg(values):
    values = list(values)
    return round(sum(values) / len(values), 1) if values else 0


def _lines(figures):
    """{measure key: sentence} over the weeks' figures (oldest first)."""
    n = len(figures)
    last = figures[-1]
    first_label = f"{figures[0].week:%-d %b %Y}"
    last_label = f"{last.week:%-d %b %Y}"
    span = f"over {n} week{'s' if n != 1 else ''} from {first_label}"
    shares_7 = [f.meaningful_7d / f.living for f in figures if f.living]
    shares_14 = [f.meaningful_14d / f.living for f in figures if f.living]
    found = {}
    if shares_7:
        found["meaningful_7d"] = (
            f"On average {round(100 * _avg(shares_7))}% of residents had a meaningful connection each week "
            f"({span}; lowest {round(100 * min(shares_7))}%, highest {round(100 * max(shares_7))}%)."
        )
    if shares_14:
        found["meaningful_14d"] = (
            f"On average {round(100 * _avg(shares_14))}% of residents had a meaningful connection "
            f"within 14 days; in the week of {last_label}, {_pct(last.meaningful_14d, last.living)}."
        )
    none_avg = _avg(f.bands.get(BANDS[0][0], 0) for f in figures)
    found["connection_bands"] = (
        f"In the week of {last_label}: "
        + ", ".join(f"{last.bands.get(name, 0)} with {name}" for name, _l, _h in BANDS)
        + f" meaningful connections. On average {none_avg} residents a week had none."
    )
    living = sum(f.living for f in figures)
    if living:
        parts = [
            f"{KIND_WORDS[k]} {round(sum(f.by_kind.get(k, 0) for f in figures) / living, 1)}" for k in KINDS
        ]
        found["connections_by_kind"] = (
            "Connections per resident a week, by who with: " + ", ".join(parts) + "."
        )
    visits = [sum(f.visits.values()) for f in figures]
    in_person = sum(f.visits.get(Connection.Mode.IN_PERSON, 0) for f in figures)
    virtual = sum(f.visits.get(m, 0) for f in figures for m in (Connection.Mode.PHONE, Connection.Mode.VIDEO))
    found["visits_per_week"] = (
        f"{_avg(visits)} visits and calls a week from people who matter ({sum(visits)} {span}: "
        f"{in_person} in person, {virtual} by phone or video)."
    )
    found["technology"] = f"{virtual} phone and video calls with people who matter {span}."
    held = sum(f.activities["held"] for f in figures)
    found["activities"] = (
        f"{held} activities and outings held {span}; {sum(f.activities['places_taken'] for f in figures)} "
        f"places taken; on average {_avg(f.activities['residents_taking_part'] for f in figures)} "
        "residents took part each week."
    )
    found["intergenerational_nature"] = (
        f"{sum(f.activities['intergenerational'] for f in figures)} intergenerational and "
        f"{sum(f.activities['nature'] for f in figures)} nature activities {span}."
    )
    lonely = last.loneliness
    if lonely["asked"]:
        found["loneliness"] = (
            f"Of {lonely['asked']} residents who answered the loneliness questions in the half year to "
            f"{last_label}, {lonely['often_always']} ({_pct(lonely['often_always'], lonely['asked'])}) "
            "said they feel lonely often or always."
        )
    else:
        found["loneliness"] = (
            "No resident answered the loneliness questions in the half year to the period's end."
        )
    found.update(_standing_lines(figures, span, last_label))
    return found


def _range(values):
    low, high = min(values), max(values)
    return f"{low}" if low == high else f"between {low} and {high}"


def _standing_lines(figures, span, last_label):
    """Sentences from how things stood at each week's end (``evaluation.standing``)."""
    stood = [f.standing for f in figures]
    last = stood[-1]

    def each(key):
        return [s[key] for s in stood]

    minutes = sum(each("volunteer_minutes"))
    return {
        "no_regular_visitors": (
            f"At the end of each week {span}, {_range(each('no_regular_visitors'))} residents had no "
            f"regular visitors; {last['no_regular_visitors']} in the week of {last_label}."
        ),
        "contact_against_wish": (
            "People who matter whose contact was behind the resident's own wish: "
            f"{_range(each('contact_behind'))} at the end of each week {span}; "
            f"{last['contact_behind']} in the week of {last_label}."
        ),
        "restrictions": (
            f"Visiting restrictions in force: {_range(each('restrictions_in_force'))} "
            f"at each week's end {span}; "
            f"reviews overdue in {sum(1 for n in each('restrictions_overdue') if n)} of those weeks "
            f"({last['restrictions_overdue']} in the week of {last_label})."
        ),
        "partners": (
            f"Active community partners: {_range(each('partners_active'))} at each week's end {span}; "
            f"{last['partners_cold']} going cold in the week of {last_label}."
        ),
        "volunteers": (
            f"{round(minutes / 60, 1)} volunteer hours confirmed {span}; in the week of {last_label}, "
            f"{last['checks_run_out']} checks or training run out and "
            f"{last['checks_due_30']} due within 30 days."
        ),
        "reminders_failed": f"{sum(each('reminders_failed'))} reminders could not be sent {span}.",
    }


def evidence_for(home, period_start, period_end):
    """{measure key: Line} for every measure Kith can say from the records for the period."""
    weeks = period_weeks(period_start, period_end)
    stored = figures_for([home.id], weeks)[home.id]
    figures = [stored[w].figures for w in weeks]
    return {
        key: Line(key, MEASURES[key].label, text) for key, text in _lines(figures).items() if key in MEASURES
    }


def for_theme(theme, lines, examples=None):
    """The lines a theme cites, in its order; and the labels of the measures it
    cites that the records say nothing about yet (the manager adds those)."""
    examples = examples or {}
    said = [lines[key] for key in theme.measures if key in lines]
    not_yet = [
        MEASURES[key].label
        for key in theme.measures
        if key not in lines and key not in examples and key in MEASURES
    ]
    return said, not_yet
