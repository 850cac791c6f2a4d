"""No two booked visits may hold one space at overlapping times.

PostgreSQL enforces it with an exclusion constraint over the space and the
held time range (the visit plus the space's buffer). SQLite (the local demo)
has no such constraint; there the booking service's row lock and overlap
check do the job alone.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE visits_visit ADD CONSTRAINT visits_visit_space_no_overlap
    EXCLUDE USING gist (
        space_id WITH =,
        tstzrange(blocked_from, blocked_until, '[)') WITH &&
    ) WHERE (status = 'booked' AND space_id IS NOT NULL);
"""
DROP = "ALTER TABLE visits_visit DROP CONSTRAINT IF EXISTS visits_visit_space_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("visits", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
