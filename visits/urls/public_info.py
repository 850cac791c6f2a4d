"""The public visiting page of a home: /visit/<slug>/ (no sign-in). The home is
named by ``slug``, not ``home_slug``: these pages are not home-scoped staff pages."""

from django.urls import path

from visits.views import info

urlpatterns = [
    path("visit/<slug:slug>/", info.public_info, name="info"),
    path("visit/<slug:slug>/print/", info.public_info_print, name="info_print"),
    path("visit/<slug:slug>/spaces/<int:pk>/photo", info.public_space_photo, name="space_photo"),
]
