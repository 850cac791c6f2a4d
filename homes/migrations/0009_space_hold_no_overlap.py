"""No two live holds of one space may overlap, whatever made them (a family
visit, an activity, a community group using the space).

PostgreSQL enforces it with an exclusion constraint over the space and the
held range. SQLite (the local demo) has no such constraint; there the
services' row lock on the space and their overlap check do the job alone.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE homes_spacehold ADD CONSTRAINT homes_spacehold_no_overlap
    EXCLUDE USING gist (
        space_id WITH =,
        tstzrange(blocked_from, blocked_until, '[)') WITH &&
    ) WHERE (released_at IS NULL);
"""
DROP = "ALTER TABLE homes_spacehold DROP CONSTRAINT IF EXISTS homes_spacehold_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("homes", "0008_space_hold_home_location_connector_role")]

    operations = [migrations.RunPython(forwards, backwards)]
