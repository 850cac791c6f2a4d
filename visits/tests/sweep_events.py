"""How the URL sweep fills the ids in this area's URLs (see tests/urls_sweep.py)."""

OBJECT_KWARGS = {}
