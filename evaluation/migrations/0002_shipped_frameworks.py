"""The inspection frameworks Kith ships with (evaluation/frameworks/*.json).
A later edition is loaded with ``manage.py load_framework``."""

from types import SimpleNamespace

from django.db import migrations


def load(apps, schema_editor):
    from evaluation.loader import load_shipped

    names = ("Framework", "RatingLevel", "EvidenceCategory", "Theme")
    load_shipped(models=SimpleNamespace(**{n: apps.get_model("evaluation", n) for n in names}))


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
