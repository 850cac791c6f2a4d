"""How the URL sweep fills the ids in this area's URLs (see tests/urls_sweep.py)."""

from residents.tests.factories import FriendshipFactory, ResidentFactory, SupportFlagFactory


def _resident(w, own):
    return w.resident if own else w.foreign_resident


def _friendship(w, own):
    resident = _resident(w, own)
    friendship = FriendshipFactory(resident_a=resident, resident_b=ResidentFactory(home=resident.home))
    return {"pk": resident.pk, "friendship_pk": friendship.pk}


def _flag(w, own):
    resident = _resident(w, own)
    return {"pk": resident.pk, "flag_pk": SupportFlagFactory(resident=resident).pk}


OBJECT_KWARGS = {
    "residents:friends": lambda w, own: {"pk": _resident(w, own).pk},
    "residents:friendship_add": lambda w, own: {"pk": _resident(w, own).pk},
    "residents:buddy_assign": lambda w, own: {"pk": _resident(w, own).pk},
    "residents:friendship_end": _friendship,
    "residents:support_flag_resolve": _flag,
}
