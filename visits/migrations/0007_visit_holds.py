"""Every booked visit that holds a space gets its row in the home's table of
holds (homes.SpaceHold), so community activities and groups cannot be booked
over it. Backwards: the holds made here are deleted."""

from django.db import migrations


def forwards(apps, schema_editor):
    Visit = apps.get_model("visits", "Visit")
    SpaceHold = apps.get_model("homes", "SpaceHold")
    booked = Visit._base_manager.filter(status="booked", space__isnull=False, hold__isnull=True)
    for visit in booked.select_related("resident").iterator():
        hold = SpaceHold._base_manager.create(
            home_id=visit.home_id,
            space_id=visit.space_id,
            held_for="visit",
            label=f"Visit with {visit.resident.preferred_name or visit.resident.full_name}"[:200],
            starts_at=visit.starts_at,
            ends_at=visit.ends_at,
            blocked_from=visit.blocked_from,
            blocked_until=visit.blocked_until,
        )
        Visit._base_manager.filter(pk=visit.pk).update(hold=hold)


def backwards(apps, schema_editor):
    Visit = apps.get_model("visits", "Visit")
    SpaceHold = apps.get_model("homes", "SpaceHold")
    Visit._base_manager.update(hold=None)
    SpaceHold._base_manager.filter(held_for="visit").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0006_visit_hold"),
        ("homes", "0009_space_hold_no_overlap"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
