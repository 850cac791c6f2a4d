"""Reads for wellbeing: a resident's loneliness answers over time, the trend
chart drawn from them, and who may often feel lonely now."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import F, OuterRef, Subquery
from django.utils.dateformat import format as date_format

from residents.models import LonelinessMeasure, Resident

LOWEST, HIGHEST = 3, 9


def measures_for(home, resident):
    """Every set of answers of one resident, newest first: one query."""
    return list(
        LonelinessMeasure.objects.for_home(home)
        .filter(resident=resident)
        .select_related("recorded_by")
        .order_by("-recorded_on", "-id")
    )


# Someone never asked is first asked two weeks after they come to live here.
FIRST_CHECK_AFTER_DAYS = 14


def loneliness_due_on(*, last_on, admitted_on, every_days):
    """The day the loneliness questions are next due: ``every_days`` (the
    home's setting) after the last answers, or, for someone never asked,
    ``FIRST_CHECK_AFTER_DAYS`` after they came to live here."""
    if last_on is None:
        return admitted_on + timedelta(days=FIRST_CHECK_AFTER_DAYS)
    return last_on + timedelta(days=every_days)


def last_measured_on():
    """A subquery for a resident's latest loneliness answers' date (annotate with it)."""
    return Subquery(
        LonelinessMeasure.objects.filter(resident=OuterRef("pk"))
        .order_by("-recorded_on", "-id")
        .values("recorded_on")[:1]
    )


def often_lonely(home, threshold, *, limit=None):
    """Current residents whose latest score is at or above ``threshold``,
    highest first, each with ``latest_total`` and ``latest_on``: one query."""
    latest = (
        LonelinessMeasure.objects.for_home(home)
        .filter(resident=OuterRef("pk"))
        .order_by("-recorded_on", "-id")
        .annotate(score=F("lack_companionship") + F("left_out") + F("isolated"))
    )
    residents = (
        Resident.objects.for_home(home)
        .current()
        .annotate(
            latest_total=Subquery(latest.values("score")[:1]),
            latest_on=Subquery(latest.values("recorded_on")[:1]),
        )
        .filter(latest_total__gte=threshold)
        .order_by("-latest_total", "-latest_on", "full_name")
    )
    return list(residents[:limit] if limit else residents)


def _day(d):
    return date_format(d, "j M Y")


def trend_words(measures):
    """How the latest score compares with the one before, in plain words."""
    if len(measures) < 2:
        return ""
    latest, previous = measures[0].total, measures[1].total
    if latest > previous:
        return f"up from {previous} last time"
    if latest < previous:
        return f"down from {previous} last time"
    return "the same as last time"


@dataclass(frozen=True)
class Layout:
    """Where things go, in the SVG's own units (the picture scales to the page)."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    label_gap: int  # x-axis date labels closer than this are skipped
    threshold_label_beside: bool  # beside the plot (wide) or just above the line (compact)


WIDE = Layout(680, 300, 78, 512, 24, 228, label_gap=120, threshold_label_beside=True)
COMPACT = Layout(360, 300, 52, 344, 24, 228, label_gap=130, threshold_label_beside=False)


@dataclass
class Chart:
    layout: Layout
    id: str
    title: str
    desc: str
    grid: list
    points: list
    line: str
    x_labels: list
    threshold_y: float
    threshold_label: str
    threshold_label_x: float
    threshold_label_y: float
    threshold_label_anchor: str

    def __getattr__(self, name):
        # width, height, left, right, top and bottom come from the layout.
        if name.startswith("_") or "layout" not in self.__dict__:
            raise AttributeError(name)
        return getattr(self.__dict__["layout"], name)

    @property
    def tick_x(self):
        return self.left - 10

    @property
    def y_title_x(self):
        # The y-axis title is turned a quarter, so it is placed in turned coordinates.
        return -(self.top + self.bottom) / 2

    @property
    def x_title_x(self):
        return (self.left + self.right) / 2

    @property
    def x_label_y(self):
        return self.bottom + 26

    @property
    def x_title_y(self):
        return self.bottom + 58


def _describe(measures, threshold):
    count, latest = len(measures), measures[0]
    if count == 1:
        desc = f"One set of answers, on {_day(latest.recorded_on)}: a score of {latest.total} out of 9."
    else:
        desc = (
            f"{count} sets of answers from {_day(measures[-1].recorded_on)} to {_day(latest.recorded_on)}. "
            f"The latest score, on {_day(latest.recorded_on)}, is {latest.total} out of 9, "
            f"{trend_words(measures)}. Lowest {min(m.total for m in measures)}, "
            f"highest {max(m.total for m in measures)}."
        )
    return desc + (
        f" Scores run from 3 (hardly ever lonely) to 9 (often lonely). The dashed line marks {threshold}:"
        " at or above it, the home counts someone as often feeling lonely."
    )


def trend_chart(measures, *, threshold, name, layout=WIDE, chart_id="trend"):
    """The geometry of a simple line chart of scores over time (oldest on the
    left), for an inline SVG. ``measures`` newest first, as on the page."""
    if not measures:
        return None
    lay = layout
    oldest_first = list(reversed(measures))
    first, last = oldest_first[0].recorded_on, oldest_first[-1].recorded_on
    span = (last - first).days
    inner_left, inner_right = lay.left + 24, lay.right - 24

    def x(day):
        if span == 0:
            return round((lay.left + lay.right) / 2, 1)
        return round(inner_left + (day - first).days / span * (inner_right - inner_left), 1)

    def y(score):
        return round(lay.bottom - (score - LOWEST) / (HIGHEST - LOWEST) * (lay.bottom - lay.top), 1)

    def anchor(at):
        """Keep date labels inside the plot at either end."""
        if at > lay.right - 40:
            return "end"
        if at < lay.left + 40:
            return "start"
        return "middle"

    points = [
        {"x": x(m.recorded_on), "y": y(m.total), "total": m.total, "high": m.total >= threshold}
        for m in oldest_first
    ]
    x_labels = []
    for m, point in zip(oldest_first, points, strict=True):
        label = {"x": point["x"], "text": _day(m.recorded_on), "anchor": anchor(point["x"])}
        if x_labels and point["x"] - x_labels[-1]["x"] < lay.label_gap:
            if m is oldest_first[-1] and len(x_labels) > 1:
                x_labels[-1] = label  # the latest date always shows
            continue
        x_labels.append(label)

    threshold_y = y(threshold)
    if lay.threshold_label_beside:
        label_x, label_y, label_anchor = lay.right + 10, threshold_y + 5, "start"
    else:
        label_x, label_anchor = lay.right - 4, "end"
        label_y = threshold_y - 7 if threshold < HIGHEST else threshold_y + 19
    return Chart(
        layout=lay,
        id=chart_id,
        title=f"Loneliness scores for {name} over time",
        desc=_describe(measures, threshold),
        grid=[{"y": y(s), "label": s} for s in range(LOWEST, HIGHEST + 1)],
        points=points,
        line=" ".join(f"{p['x']},{p['y']}" for p in points),
        x_labels=x_labels,
        threshold_y=threshold_y,
        threshold_label=f"Often lonely ({threshold}+)",
        threshold_label_x=label_x,
        threshold_label_y=label_y,
        threshold_label_anchor=label_anchor,
    )
