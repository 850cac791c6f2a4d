"""Charts drawn by the app as inline SVG: a line of weekly values and a stack
of bars. Each chart is readable in greyscale (lines differ by dash and marker,
bars by shade with a white edge and the legend in the same order) and its page
shows the same numbers in a table for screen readers and print.

Only geometry is worked out here; ``templates/evaluation/includes/line_chart.html``
and ``bars_chart.html`` draw it.
"""

from dataclasses import dataclass, field

from django.utils.formats import date_format

WIDTH, HEIGHT = 600, 250
LEFT, RIGHT, TOP, BOTTOM = 68, 584, 16, 200  # room on the left for "100%" at the tick size
# Up to three lines, told apart without colour: solid with dots, dashed with
# squares, dotted with diamonds.
LINE_STYLES = (
    {"dash": "", "marker": "circle", "colour": "#1f2a30"},
    {"dash": "10 6", "marker": "square", "colour": "#4a5a63"},
    {"dash": "3 5", "marker": "diamond", "colour": "#6b7a82"},
)
# Bars from the darkest (the group a home most needs to see) to the lightest.
SHADES = ("#1f2a30", "#56656e", "#93a2aa", "#d2dade")


def week_label(monday):
    return date_format(monday, "j M")


def _nice_top(value):
    """A round number at or above ``value`` for the top of the scale."""
    if value <= 0:
        return 4
    for step in (1, 2, 4, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return step * 4
    return value


@dataclass
class Series:
    label: str
    values: list  # one number (or None) a week, oldest first


@dataclass
class Chart:
    id: str
    title: str
    desc: str
    unit: str = ""
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM
    grid: list = field(default_factory=list)
    x_labels: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    bars: list = field(default_factory=list)
    legend: list = field(default_factory=list)

    @property
    def tick_x(self):
        return self.left - 8

    @property
    def x_label_y(self):
        return self.bottom + 24


def _x_positions(count):
    if count == 1:
        return [(LEFT + RIGHT) / 2]
    inner_left, inner_right = LEFT + 18, RIGHT - 18
    return [round(inner_left + i * (inner_right - inner_left) / (count - 1), 1) for i in range(count)]


def _y(value, top_value):
    return round(BOTTOM - value / top_value * (BOTTOM - TOP), 1)


def _x_labels(weeks, xs):
    """Every third week's Monday (and always the last), so labels never overlap on a phone."""
    labels = []
    last = len(weeks) - 1
    for i, (monday, x) in enumerate(zip(weeks, xs, strict=True)):
        if i == last or (i % 3 == last % 3 and last - i >= 2):
            anchor = "end" if i == last and len(weeks) > 1 else "middle"
            labels.append({"x": x, "text": week_label(monday), "anchor": anchor})
    return labels


def _grid(top_value, suffix):
    return [
        {"y": _y(top_value * n / 4, top_value), "label": f"{round(top_value * n / 4)}{suffix}"}
        for n in range(5)
    ]


def line_chart(chart_id, title, weeks, series, *, unit="", percent=False, desc=""):
    """Lines of weekly values (``series``: up to three ``Series``) over ``weeks`` (Mondays)."""
    xs = _x_positions(len(weeks))
    highest = max((v for s in series for v in s.values if v is not None), default=0)
    top_value = 100 if percent else _nice_top(highest)
    suffix = "%" if percent else ""
    lines = []
    for style, s in zip(LINE_STYLES, series, strict=False):
        points = [
            {
                "x": x,
                "y": _y(v, top_value),
                "mx": round(x - 5, 1),
                "my": round(_y(v, top_value) - 5, 1),
                "value": v,
            }
            for x, v in zip(xs, s.values, strict=True)
            if v is not None
        ]
        lines.append(
            {
                "label": s.label,
                "dash": style["dash"],
                "marker": style["marker"],
                "colour": style["colour"],
                "points": points,
                "path": " ".join(f"{p['x']},{p['y']}" for p in points),
            }
        )
    return Chart(
        id=chart_id,
        title=title,
        desc=desc,
        unit=unit,
        grid=_grid(top_value, suffix),
        x_labels=_x_labels(weeks, xs),
        lines=lines,
        legend=[
            {"label": line["label"], "dash": line["dash"], "marker": line["marker"], "colour": line["colour"]}
            for line in lines
        ],
    )


def bars_chart(chart_id, title, weeks, groups, counts, *, desc=""):
    """Stacked bars, one a week: ``groups`` the names bottom to top and
    ``counts`` one {group: number} a week, oldest first."""
    xs = _x_positions(len(weeks))
    totals = [sum(c.get(g, 0) for g in groups) for c in counts]
    top_value = _nice_top(max(totals, default=0))
    gap = (xs[1] - xs[0]) if len(xs) > 1 else (RIGHT - LEFT) / 2
    bar_width = round(min(gap * 0.7, 48), 1)
    bars = []
    for x, week_counts in zip(xs, counts, strict=True):
        base = 0
        for shade, group in zip(SHADES, groups, strict=False):
            value = week_counts.get(group, 0)
            if value:
                y_top, y_bottom = _y(base + value, top_value), _y(base, top_value)
                bars.append(
                    {
                        "x": round(x - bar_width / 2, 1),
                        "y": y_top,
                        "width": bar_width,
                        "height": round(y_bottom - y_top, 1),
                        "fill": shade,
                        "label": f"{group}: {value}",
                    }
                )
            base += value
    return Chart(
        id=chart_id,
        title=title,
        desc=desc,
        grid=_grid(top_value, ""),
        x_labels=_x_labels(weeks, xs),
        bars=bars,
        legend=[{"label": g, "fill": shade} for shade, g in zip(SHADES, groups, strict=False)],
    )
