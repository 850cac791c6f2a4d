"""How the URL sweep fills the ids in this area's URLs (see tests/urls_sweep.py)."""

from residents.tests.factories import ConnectionParticipantFactory


def _connection(w, own):
    resident = w.resident if own else w.foreign_resident
    return {"pk": ConnectionParticipantFactory(resident=resident).connection.pk}


def _entry(w, own):
    resident = w.resident if own else w.foreign_resident
    participant = ConnectionParticipantFactory(resident=resident)
    return {"pk": resident.pk, "connection_pk": participant.connection.pk}


OBJECT_KWARGS = {
    "residents:timeline": lambda w, own: {"pk": (w.resident if own else w.foreign_resident).pk},
    "residents:connection_detail": _connection,
    "residents:connection_correct": _entry,
    "residents:connection_strike_out": _entry,
}
