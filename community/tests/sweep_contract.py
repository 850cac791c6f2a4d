"""Ids for community pages (tests/urls_sweep.py). Each area's own
``sweep_<area>.py`` gives its pages' ids: a record of the home under test
(``own``) or of another home. Helpers shared by the areas live here."""


def home_of(w, own):
    return w.home if own else w.other_home


OBJECT_KWARGS = {}
