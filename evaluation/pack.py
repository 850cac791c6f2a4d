"""The evidence pack: a self-evaluation, its evidence and the dashboard's
figures for its period, as a PDF (WeasyPrint) to hand an inspector and as CSV.

Grouped the way the framework is: for Scotland by key question, quality
indicator and theme; for England by quality statement, with the added
evidence under CQC's evidence categories. Residents are named only when the
manager asks for it (the people behind "needs attention now"); every export is
recorded in the evaluation's history.
"""

import csv
import hashlib
import io

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone

from evaluation import dashboard, selectors
from evaluation.evidence import period_weeks
from evaluation.figures import BANDS, monday_of, weeks_ending
from evaluation.rollups import kept_at
from homes import changes

# A pack made once is kept this long, until the home's data or its figures change.
KEPT_SECONDS = 3600


def contents(home, item, *, names=False):
    """Everything the pack shows, in a fixed number of queries."""
    return {
        **selectors.themes_of(home, item, names=names),
        "home": home,
        "evaluation": item,
        "framework": item.framework,
        "dash": dashboard.home_dashboard(home, monday_of(item.period_end)),
        "names": names,
        "now": dashboard.right_now(home) if names else None,
    }


def pdf(home, item, *, names=False, base_url=None):
    from weasyprint import HTML  # imported here: only the pack needs Pango

    html = render_to_string("evaluation/pack.html", contents(home, item, names=names))
    return HTML(string=html, base_url=base_url).write_pdf()


class _SafeWriter:
    """A csv writer that keeps a spreadsheet from reading text as a formula
    (a cell starting with =, +, -, @, a tab or a carriage return)."""

    def __init__(self, out):
        self.writer = csv.writer(out)

    def writerow(self, row):
        self.writer.writerow(
            [f"'{v}" if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r") else v for v in row]
        )


def csv_text(home, item):
    """The figures as CSV: every theme's rating and evidence lines, then the
    weekly figures of the 12 weeks up to the period's end. No resident is named."""
    found = contents(home, item)
    out = io.StringIO()
    writer = _SafeWriter(out)
    writer.writerow(["section", "group", "theme", "item", "value"])
    for group in found["groups"]:
        for row in group["themes"]:
            theme = row["theme"]
            level = row["level"]
            writer.writerow(
                [
                    "rating",
                    group["name"],
                    theme.name,
                    "this time",
                    f"{level.value} {level.label}" if level else "",
                ]
            )
            was = row["was"]
            writer.writerow(
                ["rating", group["name"], theme.name, "last time", f"{was.value} {was.label}" if was else ""]
            )
            writer.writerow(["rating", group["name"], theme.name, "why", row["rating"].rationale])
            for line in row["lines"]:
                writer.writerow(["from the records", group["name"], theme.name, line.label, line.text])
            for block in row["by_category"]:
                for note in block["notes"]:
                    writer.writerow(
                        ["evidence added", group["name"], theme.name, block["category"].name, note.text]
                    )
            for note in row["uncategorised"]:
                writer.writerow(["evidence added", group["name"], theme.name, "", note.text])
    band_names = [name for name, _low, _high in BANDS]
    header = ["week of", "living here", "meaningful in 7 days", "meaningful in 14 days"]
    header += [f"residents with {name}" for name in band_names]
    header += ["visits and calls", "activities held", "answered loneliness", "often or always lonely"]
    writer.writerow([])
    writer.writerow(header)
    for r in found["dash"]["rows"]:
        f = r["f"]
        writer.writerow(
            [
                r["week"].isoformat(),
                f.living,
                f.meaningful_7d,
                f.meaningful_14d,
                *r["bands"],
                r["visits_total"],
                f.activities["held"],
                f.loneliness["asked"],
                f.loneliness["often_always"],
            ]
        )
    return out.getvalue()


def kept(home, item, *, kind, names, base_url=None):
    """The pack's bytes (``kind`` "pdf" or "csv"), made once and kept in the
    cache until anything of the home changes (its data generation,
    ``homes.changes``), its weekly figures are refreshed, or the day ends (the
    named part says "now"). A PDF takes WeasyPrint a good part of a second."""
    cacheable = settings.KITH_FRAGMENT_CACHE and connection.vendor == "postgresql"
    generation = changes.generation(home.pk) if cacheable else None
    key = None
    if generation is not None:
        weeks = sorted(
            set(period_weeks(item.period_start, item.period_end)) | set(weeks_ending(item.period_end, 12))
        )
        parts = (home.pk, item.pk, kind, names, generation, kept_at([home.pk], weeks), timezone.localdate())
        key = "evidence-pack:" + hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
        found = cache.get(key)
        if found is not None:
            return found
    if kind == "csv":
        body = csv_text(home, item).encode("utf-8-sig")  # Excel reads the accents right
    else:
        body = pdf(home, item, names=names, base_url=base_url)
    if key is not None:
        cache.set(key, body, KEPT_SECONDS)
    return body
