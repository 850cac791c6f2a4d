"""How the URL sweep fills the ids in this area's URLs (see tests/urls_sweep.py)."""

from residents.tests.factories import CoproductionSessionFactory, IdeaFactory


def _session(w, own):
    return {"pk": CoproductionSessionFactory(home=w.home if own else w.other_home).pk}


def _idea(w, own):
    return {"pk": IdeaFactory(session__home=w.home if own else w.other_home).pk}


OBJECT_KWARGS = {
    "residents:coproduction_detail": _session,
    "residents:coproduction_edit": _session,
    "residents:idea_add": _session,
    "residents:idea_status": _idea,
}
