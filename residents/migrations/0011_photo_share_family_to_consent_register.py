"""The old “share photos with their family” tick box (Resident.photo_share_family)
carried over to the consent register: each resident with it ticked and no live
consent to “Photos shared with families of the home” gets one, so news photos
their family saw before are still shown (the register decides from now on).

Not for a resident whose consent to it was withdrawn in the register: that
withdrawal is the newer word, and the tick box must not bring it back.

The logic is here, not imported from the app, so the migration keeps working
however the app's code changes later. Reversing it does nothing: the consents
it recorded stay in the register (withdraw them there if they were wrong), and
the tick box itself was never changed.
"""

from django.db import migrations, models
from django.utils import timezone

PHOTOS_FAMILY = "photos_family"
NOTE = "Carried over from the “share photos with their family” tick box"
NOTE_MAX = 300


def note_for(photo_consent_note):
    """The note says where the consent came from, with what was noted then
    about who gave it and how (the tick box did not say)."""
    noted = " ".join((photo_consent_note or "").split())
    if not noted:
        return f"{NOTE}."
    note = f"{NOTE}; noted then: “{noted}”"
    return note if len(note) <= NOTE_MAX else note[: NOTE_MAX - 2] + "…”"


def carry_over(apps, schema_editor):
    Resident = apps.get_model("residents", "Resident")
    Consent = apps.get_model("residents", "Consent")
    # The base managers: a migration runs outside any home's scope.
    recorded = Consent._base_manager.filter(purpose=PHOTOS_FAMILY)  # live, or withdrawn
    flagged = (
        Resident._base_manager.filter(photo_share_family=True)
        .exclude(pk__in=recorded.values("resident_id"))
        .order_by("pk")
    )
    now = timezone.now()
    Consent._base_manager.bulk_create(
        [
            Consent(
                home_id=resident.home_id,
                resident_id=resident.pk,
                purpose=PHOTOS_FAMILY,
                # Who gave it was not recorded with the tick box; the note
                # says so, with the words noted at the time.
                given_by="resident",
                given_on=timezone.localtime(resident.created_at).date(),
                note=note_for(resident.photo_consent_note),
                recorded_by=None,
                recorded_at=now,
            )
            for resident in flagged
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0010_consent_news_volunteers_examples"),
    ]

    operations = [
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="resident",
            name="photo_share_family",
            field=models.BooleanField(
                default=False,
                help_text="Replaced by the consent register: “Photos shared with families of the home”.",
                verbose_name="consent to share photos with their family (no longer used)",
            ),
        ),
    ]
