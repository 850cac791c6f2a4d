"""Visits pages, namespace ``visits``, under /h/<home_slug>/visits/. Each area
keeps its own patterns in a module here. Public pages (no sign-in: the
visiting information page, calendar feeds) are in ``visits.urls.public``."""

from visits.urls import access, booking, events, family, info

app_name = "visits"

urlpatterns = [
    *info.urlpatterns,
    *booking.urlpatterns,
    *events.urlpatterns,
    *access.urlpatterns,
    *family.urlpatterns,
]
