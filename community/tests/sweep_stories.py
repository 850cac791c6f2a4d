"""How the URL sweep fills the ids of the stories area's pages (tests/urls_sweep.py),
and its create forms for tests/test_saves_once.py.

The sweep's photo shows the home's linked resident, who agreed to every use,
so staff and the relative may both open its image (a 200 for the roles that may)."""

from django.urls import reverse

from community.tests.factories import StoryFactory, StoryPhotoFactory, consent_all
from community.tests.sweep_contract import home_of
from residents.models import ConsentPurpose


def _story(w, own):
    return {"pk": StoryFactory(home=home_of(w, own), title="Fishing at the loch").pk}


def _photo(w, own):
    home = home_of(w, own)
    resident = w.resident if own else w.foreign_resident
    live = set(
        resident.consents.filter(home=home, withdrawn_at__isnull=True).values_list("purpose", flat=True)
    )
    consent_all(resident, purposes=[p for p in ConsentPurpose if p not in live])
    story = StoryFactory(home=home, title="Fishing at the loch")
    return {"pk": StoryPhotoFactory(story=story, residents=[resident]).pk}


OBJECT_KWARGS = {
    "community:story": _story,
    "community:story_edit": _story,
    "community:photo_add": _story,
    "community:photo_edit": _photo,
    "community:photo_delete": _photo,
    "community:photo_image": _photo,
}


def _photo_add_page(w):
    story = StoryFactory(home=w.home)
    return w.manager, reverse("community:photo_add", args=[w.home.slug, story.pk])


CREATE_VIEWS = {
    "community:story_add": lambda w: (w.manager, reverse("community:story_add", args=[w.home.slug])),
    "community:photo_add": _photo_add_page,
}
