"""An index on the home each change-history entry carries
(``additional_data -> 'home_id'``), so anonymising a leaver finds the home's
entries that mention them without reading every home's history. PostgreSQL
only: SQLite (the demo) reads its small history whole."""

from django.db import migrations

INDEX = "privacy_logentry_home"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON auditlog_logentry ((additional_data -> 'home_id'))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("auditlog", "0017_add_actor_email"),
        ("privacy", "0002_retention"),
    ]

    operations = [migrations.RunPython(create, drop)]
