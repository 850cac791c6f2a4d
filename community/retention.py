"""What the community app holds about a resident who left, anonymised when
their organisation's retention period is over (``homes.retention``).

Attendance stays (the activity's figures need it) without their notes. A
photo of them alone goes; a group photo stays, still tagged with them (now
"Former resident N"), so their consents, which stay in the register, still
decide where it may be shown."""

from community.models import Attendee, Story, StoryPhoto
from homes.retention import forget_history, register_anonymiser, replace_names, scrub
from residents.retention import FORMER, names_of


def anonymise_resident(home, resident):
    changed = scrub(Attendee.objects.for_home(home).filter(resident=resident))
    photos = list(StoryPhoto.objects.for_home(home).filter(residents=resident).prefetch_related("residents"))
    alone = [p.pk for p in photos if all(r.pk == resident.pk for r in p.residents.all())]
    if alone:
        scrub(StoryPhoto.objects.for_home(home).filter(pk__in=alone))
        forget_history(StoryPhoto, alone)
        StoryPhoto.objects.for_home(home).filter(pk__in=alone).delete()
        changed += len(alone)
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
