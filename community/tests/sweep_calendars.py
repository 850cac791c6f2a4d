"""Ids for the calendars' pages (tests/urls_sweep.py): a resident's week
names a resident of the home under test, or of another home."""

OBJECT_KWARGS = {
    "community:my_week": lambda w, own: {"resident_pk": (w.resident if own else w.foreign_resident).pk},
}
