"""How the URL sweep fills the ids in this area's URLs (see tests/urls_sweep.py)."""

OBJECT_KWARGS = {
    "residents:wellbeing": lambda w, own: {"pk": (w.resident if own else w.foreign_resident).pk},
    "residents:wellbeing_add": lambda w, own: {"pk": (w.resident if own else w.foreign_resident).pk},
}
