"""Pages of the area "outings" (namespace ``community``): an outing's risk
assessment and its approval; for one date, its driver, confirming it, who is
invited (residents and their families) and how it went."""

from django.urls import path

from community.views import outings

urlpatterns = [
    path("activities/<int:pk>/risk/", outings.risk_assessment, name="risk_assessment"),
    path("activities/<int:pk>/risk/approve/", outings.risk_approve, name="risk_approve"),
    path("dates/<int:pk>/driver/", outings.occurrence_driver, name="occurrence_driver"),
    path("dates/<int:pk>/confirm/", outings.occurrence_confirm, name="occurrence_confirm"),
    path("dates/<int:pk>/invite/", outings.occurrence_invite, name="occurrence_invite"),
    path("dates/<int:pk>/families/", outings.occurrence_families, name="occurrence_families"),
    path("dates/<int:pk>/attendance/", outings.occurrence_attendance, name="occurrence_attendance"),
]
