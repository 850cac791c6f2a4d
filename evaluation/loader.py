"""Load an inspection framework from its JSON file: a new framework, or a new
edition of one already loaded (matched by ``slug``; themes by ``code``, so
evaluations keep their ratings, and a theme the new edition drops is kept,
inactive). No code change is needed for another framework: write its file and
run ``manage.py load_framework <file>``.

The file::

    {"slug": "…", "name": "…", "short_name": "…", "publisher": "…",
     "edition": "2022", "source_url": "https://…", "description": "…",
     "nation": "scotland" | "england" | "wales" | "" , "scale_name": "…",
     "theme_word": "quality indicator",
     "levels": [{"value": 6, "label": "Excellent", "meaning": "…"}, …],
     "categories": [{"slug": "…", "name": "…", "description": "…"}, …],
     "themes": [{"code": "1.2", "group": "…", "title": "…", "summary": "…",
                 "prompts": ["…"], "measures": ["meaningful_7d", …]}, …]}
"""

import json
from pathlib import Path

from django.db import transaction

from evaluation.measures import MEASURES

FRAMEWORKS_DIR = Path(__file__).resolve().parent / "frameworks"
NATIONS = {"", "england", "scotland", "wales"}
REQUIRED = ("slug", "name", "short_name", "publisher", "scale_name", "levels", "themes")


class FrameworkError(ValueError):
    """The file is not a framework Kith can load; ``problems`` says why, each in a sentence."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("; ".join(problems))


def shipped():
    """The framework files Kith ships with, in name order."""
    return sorted(FRAMEWORKS_DIR.glob("*.json"))


def read(path):
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FrameworkError([f"{Path(path).name} could not be read as JSON: {error}"]) from error
    return data


def problems_with(data):
    """Everything wrong with a framework's data, as sentences (empty: it loads)."""
    if not isinstance(data, dict):
        return ["A framework file holds one JSON object."]
    found = [f"It has no {key}." for key in REQUIRED if not data.get(key)]
    if data.get("nation", "") not in NATIONS:
        found.append(f"Its nation must be one of {', '.join(sorted(n for n in NATIONS if n))}, or empty.")
    levels = data.get("levels") or []
    values = [level.get("value") for level in levels if isinstance(level, dict)]
    if len(values) != len(levels) or not all(isinstance(v, int) and 0 < v < 100 for v in values):
        found.append("Each level has a whole-number value from 1 to 99.")
    elif len(set(values)) != len(values):
        found.append("Two levels have the same value.")
    if any(not (isinstance(level, dict) and level.get("label")) for level in levels):
        found.append("Each level has a label.")
    slugs = [c.get("slug") for c in data.get("categories") or [] if isinstance(c, dict)]
    if len(set(slugs)) != len(slugs) or not all(slugs):
        found.append("Each evidence category has its own slug.")
    themes = data.get("themes") or []
    codes = [t.get("code") for t in themes if isinstance(t, dict)]
    if len(codes) != len(themes) or not all(codes) or len(set(codes)) != len(codes):
        found.append("Each theme has its own code.")
    for theme in (t for t in themes if isinstance(t, dict)):
        if not theme.get("title"):
            found.append(f"Theme {theme.get('code')} has no title.")
        if not all(isinstance(p, str) for p in theme.get("prompts", [])):
            found.append(f"Theme {theme.get('code')}'s prompts are not all text.")
        unknown = [m for m in theme.get("measures", []) if m not in MEASURES]
        if unknown:
            names = ", ".join(map(str, unknown))
            found.append(f"Theme {theme.get('code')} names measures Kith does not keep: {names}.")
    return found


def load(data, *, models=None):
    """Create or update the framework ``data`` describes; returns it. ``models``:
    the four models to write with (a migration passes its historical ones)."""
    found = problems_with(data)
    if found:
        raise FrameworkError(found)
    if models is None:
        from evaluation import models  # noqa: PLC0415 - the real models, when not in a migration
    with transaction.atomic():
        framework, _ = models.Framework.objects.update_or_create(
            slug=data["slug"],
            defaults={
                "name": data["name"],
                "short_name": data["short_name"],
                "publisher": data["publisher"],
                "edition": data.get("edition", ""),
                "source_url": data.get("source_url", ""),
                "description": data.get("description", ""),
                "nation": data.get("nation", ""),
                "scale_name": data["scale_name"],
                "theme_word": data.get("theme_word", "theme"),
                "is_active": True,
            },
        )
        models.RatingLevel.objects.filter(framework=framework).exclude(
            value__in=[level["value"] for level in data["levels"]]
        ).delete()
        for level in data["levels"]:
            models.RatingLevel.objects.update_or_create(
                framework=framework,
                value=level["value"],
                defaults={"label": level["label"], "meaning": level.get("meaning", "")},
            )
        for order, category in enumerate(data.get("categories") or []):
            models.EvidenceCategory.objects.update_or_create(
                framework=framework,
                slug=category["slug"],
                defaults={
                    "name": category.get("name") or category["slug"],
                    "description": category.get("description", ""),
                    "order": order,
                },
            )
        for order, theme in enumerate(data["themes"]):
            models.Theme.objects.update_or_create(
                framework=framework,
                code=theme["code"],
                defaults={
                    "group": theme.get("group", ""),
                    "title": theme["title"],
                    "summary": theme.get("summary", ""),
                    "prompts": list(theme.get("prompts", [])),
                    "measures": list(theme.get("measures", [])),
                    "order": order,
                    "is_active": True,
                },
            )
        models.Theme.objects.filter(framework=framework).exclude(
            code__in=[t["code"] for t in data["themes"]]
        ).update(is_active=False)
    return framework


def load_shipped(*, models=None):
    """Load (or refresh) every framework Kith ships with."""
    return [load(read(path), models=models) for path in shipped()]
