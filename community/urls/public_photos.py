"""Public photos (consent for public use): served only through a consent check (stories area)."""

urlpatterns = []
