"""Ids for the URL sweep (tests/urls_sweep.py) and the create form for
tests/test_saves_once.py, for requests for personal data."""

from django.urls import reverse

from privacy.tests.factories import hold_on, leaver_in, request_for


def _request(w, own):
    if own:
        return {"pk": request_for(w.home, resident=w.resident).pk}
    return {"pk": request_for(w.other_home, resident=w.foreign_resident, actor=w.outsider.user).pk}


def _leaver(w, own):
    home = w.home if own else w.other_home
    return {"kind": "resident", "pk": leaver_in(home).pk}


def _hold(w, own):
    home = w.home if own else w.other_home
    return {"pk": hold_on(home, leaver_in(home, name="Held Former")).pk}


OBJECT_KWARGS = {
    "privacy:retention_hold": _leaver,
    "privacy:retention_anonymise": _leaver,
    "privacy:retention_release": _hold,
    "privacy:request": _request,
    "privacy:export_pdf": _request,
    "privacy:export_json": _request,
}

CREATE_VIEWS = {
    "privacy:request_new": lambda w: (w.manager, reverse("privacy:request_new", args=[w.home.slug])),
}


def _content_types(w):
    """Django keeps each model's content type in memory once read: read them all
    first, so the export's history entries cost the same in both passes."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.get_for_models(*apps.get_models())


WARM_UP = {"privacy": _content_types}
