"""Model making joins the shared interests: volunteers with a skilled hobby
visit residents who share it (one builds model aircraft with a resident)."""

from django.db import migrations

INTERESTS = {"home": ["Model making"]}


def add(apps, schema_editor):
    Interest = apps.get_model("homes", "Interest")
    Interest.objects.bulk_create(
        [Interest(name=name, category=category) for category, names in INTERESTS.items() for name in names],
        ignore_conflicts=True,
    )


def remove(apps, schema_editor):
    Interest = apps.get_model("homes", "Interest")
    Interest.objects.filter(name__in=[n for names in INTERESTS.values() for n in names]).delete()


class Migration(migrations.Migration):
    dependencies = [("homes", "0006_home_nation")]

    operations = [migrations.RunPython(add, remove)]
