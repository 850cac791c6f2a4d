"""What the community app holds about a resident who left, anonymised when
their organisation's retention period is over (``homes.retention``).

Attendance stays (the activity's figures need it) without their notes. They
leave the photos they were in: a photo of them alone goes, a group photo
stays with the others named and them no longer."""

from community.models import Attendee, Story, StoryPhoto
from homes.retention import register_anonymiser, replace_names, scrub
from residents.retention import FORMER, names_of


def anonymise_resident(home, resident):
    changed = scrub(Attendee.objects.for_home(home).filter(resident=resident))
    photos = list(StoryPhoto.objects.for_home(home).filter(residents=resident).prefetch_related("residents"))
    alone = [p.pk for p in photos if all(r.pk == resident.pk for r in p.residents.all())]
    StoryPhoto.residents.through.objects.filter(
        storyphoto__in=[p.pk for p in photos], resident=resident
    ).delete()
    changed += len(photos)
    if alone:
        scrub(StoryPhoto.objects.for_home(home).filter(pk__in=alone))
        StoryPhoto.objects.for_home(home).filter(pk__in=alone).delete()
    # Stories stay (the outing happened); their name leaves them and the photos' words.
    changed += replace_names(
        Story.objects.for_home(home), ["title", "text"], names_of(resident, first=False), FORMER
    )
    changed += replace_names(
        StoryPhoto.objects.for_home(home), ["description"], names_of(resident, first=False), FORMER
    )
    return changed


def register():
    register_anonymiser("resident", "community", anonymise_resident)
