"""Reads for stories and their photos, with each photo judged against the
consent register at the moment of reading (``residents.selectors.consent``):
nothing is cached, so a consent withdrawn a second ago hides the photo on the
next page or image request.

A photo is shown for a use (inside the home, to families, in public) only
when every resident in it holds the consents that use needs (cumulative).
Every list here costs a fixed number of queries: the stories, their photos,
the residents in them, and one read of the register.
"""

from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.utils import timezone

from community.models import Activity, Occurrence, Story, StoryPhoto
from residents.models import Resident
from residents.selectors.consent import (
    USE_FAMILY,
    USE_HOME,
    USE_PUBLIC,
    USE_WORDS,
    USES,
    consents_held,
    missing_consent,
)

WENT_WELL_SHOWN = 3


def _names(residents):
    names = [r.short_name for r in residents]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def hidden_words(missing, use):
    """“Ted has not agreed to photos being shared with families of the home.”"""
    verb = "has" if len(missing) == 1 else "have"
    return f"{_names(missing)} {verb} not agreed to photos being {USE_WORDS[use]}."


def _photos(home):
    residents = (
        Resident.objects.for_home(home)
        .order_by("full_name")
        .only("id", "full_name", "preferred_name", "status")
    )
    return (
        StoryPhoto.objects.for_home(home)
        .order_by("created_at", "id")
        .prefetch_related(Prefetch("residents", queryset=residents))
    )


def judge(home, photos):
    """Mark each photo with what the register allows now: ``photo.allowed``
    {use: bool}, ``photo.missing`` {use: [residents without the consent]} and
    ``photo.hidden`` {use: sentence, or ''}. One query for all of them."""
    photos = list(photos)
    ids = {r.pk for p in photos for r in p.residents.all()}
    held = consents_held(home, ids)
    for photo in photos:
        people = list(photo.residents.all())
        by_id = {r.pk: r for r in people}
        photo.missing, photo.allowed, photo.hidden = {}, {}, {}
        for use in USES:
            missing = [by_id[i] for i in missing_consent(held, [r.pk for r in people], use)]
            photo.missing[use] = missing
            photo.allowed[use] = not missing
            photo.hidden[use] = hidden_words(missing, use) if missing else ""
    return photos


def _stories(home):
    return (
        Story.objects.for_home(home)
        .select_related("occurrence__activity", "written_by")
        .order_by("-created_at", "-id")
    )


def _with_photos(home, stories, use=None):
    """Attach ``story.photo_list`` (judged) and, when ``use`` is given,
    ``story.shown`` (the photos allowed for it): 3 queries for any number."""
    stories = list(stories)
    if not stories:
        return stories
    photos = judge(home, _photos(home).filter(story__in=stories))
    by_story = {}
    for photo in photos:
        by_story.setdefault(photo.story_id, []).append(photo)
    for story in stories:
        story.photo_list = by_story.get(story.pk, [])
        if use is not None:
            story.shown = [p for p in story.photo_list if p.allowed[use]]
    return stories


def stories_page(home, stories):
    """The stories of one page of the staff's list, each with its photos judged."""
    return _with_photos(home, stories, use=USE_HOME)


def stories_for_list(home):
    """All the home's stories, newest first (paginate, then ``stories_page``)."""
    return _stories(home)


def story_for_page(home, pk):
    """One story with its photos judged, or None."""
    story = _stories(home).filter(pk=pk).first()
    if story is None:
        return None
    return _with_photos(home, [story], use=USE_HOME)[0]


def story_plain(home, pk):
    """One story, for its forms (no photos), or None."""
    return Story.objects.for_home(home).select_related("occurrence__activity").filter(pk=pk).first()


def stories_for_families(home):
    """The stories staff chose to share with the families of the home, newest first."""
    return _stories(home).filter(share_with_families=True)


def family_stories(home, stories):
    """A page of stories for relatives: ``story.shown`` holds only the photos
    every resident in them agreed to share with families."""
    return _with_photos(home, stories, use=USE_FAMILY)


def photo_for_page(home, pk):
    """One photo with its story and residents, judged, or None."""
    photo = _photos(home).select_related("story__occurrence__activity").filter(pk=pk).first()
    if photo is None:
        return None
    return judge(home, [photo])[0]


def photo_if_allowed(home, pk, use):
    """The photo ``pk`` of ``home`` if it may be shown for ``use`` right now, else None.
    Beyond the home, only a photo of a story shared with families; in public, only
    one of a story about an activity on the public programme."""
    photos = _photos(home).filter(pk=pk)
    if use in (USE_FAMILY, USE_PUBLIC):
        photos = photos.filter(story__share_with_families=True)
    if use == USE_PUBLIC:
        photos = photos.filter(story__occurrence__activity__on_public_programme=True)
    photo = photos.first()
    if photo is None:
        return None
    return photo if judge(home, [photo])[0].allowed[use] else None


# --- The date a story is about -----------------------------------------------------------


def occurrence_for_story(home, pk):
    """A date of this home's programme a story may be written about: one that
    has started (today or before) and was not cancelled. None otherwise."""
    if pk is None:
        return None
    return (
        Occurrence.objects.for_home(home)
        .select_related("activity")
        .filter(pk=pk, starts_at__lte=timezone.now())
        .exclude(status=Occurrence.Status.CANCELLED)
        .first()
    )


def people_to_choose(home, occurrence=None):
    """Residents who may be in a photo: those at the date first (if the story
    has one), then everyone else living here, by name."""
    current = list(
        Resident.objects.for_home(home)
        .current()
        .order_by("full_name")
        .only("id", "full_name", "preferred_name", "status")
    )
    if occurrence is None:
        return [], current
    came = list(
        Resident.objects.for_home(home)
        .filter(activity_places__occurrence=occurrence)
        .order_by("full_name")
        .only("id", "full_name", "preferred_name", "status")
        .distinct()
    )
    came_ids = {r.pk for r in came}
    return came, [r for r in current if r.pk not in came_ids]


# --- The template tags -----------------------------------------------------------------


def stories_of_occurrence(home, occurrence):
    """The stories of one date, newest first, photos judged for inside the home (4 queries)."""
    return _with_photos(home, _stories(home).filter(occurrence=occurrence), use=USE_HOME)


def went_well(home, activity=None, *, limit=WENT_WELL_SHOWN):
    """Up to ``limit`` recent stories marked "went well", of outings, or of the
    same activity or partner as ``activity`` (those first); each with
    ``story.photo``, the first photo allowed inside the home, or None (4 queries)."""
    match = Q(occurrence__activity__kind=Activity.Kind.OUTING)
    rank = []
    if activity is not None and activity.pk:
        match |= Q(occurrence__activity=activity)
        rank = [When(occurrence__activity=activity, then=Value(0))]
        if activity.partnership_id:
            match |= Q(occurrence__activity__partnership_id=activity.partnership_id)
            rank.append(When(occurrence__activity__partnership_id=activity.partnership_id, then=Value(1)))
    stories = _stories(home).filter(match, went_well=True)
    if rank:
        stories = stories.annotate(relevance=Case(*rank, default=Value(2), output_field=IntegerField()))
        stories = stories.order_by("relevance", "-created_at", "-id")
    stories = stories[:limit]
    stories = _with_photos(home, stories, use=USE_HOME)
    for story in stories:
        story.photo = next(iter(story.shown), None)
    return stories


__all__ = [
    "USE_FAMILY",
    "USE_HOME",
    "USE_PUBLIC",
    "family_stories",
    "judge",
    "occurrence_for_story",
    "people_to_choose",
    "photo_for_page",
    "photo_if_allowed",
    "stories_for_list",
    "stories_of_occurrence",
    "stories_page",
    "story_for_page",
    "went_well",
]
