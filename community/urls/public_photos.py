"""Public photos (consent for public use): served only through a consent check
(stories area). The home is named by ``slug``, not ``home_slug``: these are not
home-scoped staff pages."""

from django.urls import path

from community.views import stories

urlpatterns = [
    path("programme/<slug:slug>/photos/<int:pk>/", stories.public_photo, name="photo"),
]
