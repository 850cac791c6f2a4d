"""How the URL sweep fills the ids in this area's URLs (see tests/urls_sweep.py)."""

from visits.tests.factories import EventInvitationFactory, EventReplyFactory, FamilyContributionFactory


def _event(w, own):
    return {"pk": EventInvitationFactory(resident=w.resident if own else w.foreign_resident).pk}


def _reply(w, own):
    if own:
        return {"pk": EventReplyFactory(event__resident=w.resident, membership=w.relative).pk}
    return {"pk": EventReplyFactory(event__resident=w.foreign_resident, membership=w.outsider).pk}


def _contribution(w, own):
    if own:
        return {"pk": FamilyContributionFactory(resident=w.resident, membership=w.relative).pk}
    return {"pk": FamilyContributionFactory(resident=w.foreign_resident, membership=w.outsider).pk}


OBJECT_KWARGS = {
    "visits:event_detail": _event,
    "visits:event_cancel": _event,
    "visits:event_reply": _reply,
    "visits:contribution_review": _contribution,
    "visits:contribution_add": lambda w, own: {"pk": (w.resident if own else w.foreign_resident).pk},
}
