"""How the URL sweep fills the ids in this area's URLs (see tests/urls_sweep.py)."""

OBJECT_KWARGS = {
    "visits:space_photo_edit": lambda w, own: {"pk": (w.space if own else w.foreign_space).pk},
}
