"""The public programme of a home that publishes it, and its photos with
public consent: no sign-in (namespace ``programme``). The home is named by
``slug``, not ``home_slug``: these are not home-scoped staff pages."""

from django.urls import path

from community.urls import public_photos
from community.views import public

app_name = "programme"

urlpatterns = [
    path("programme/<slug:slug>/", public.programme, name="home"),
    path("programme/<slug:slug>/screen/", public.screen, name="screen"),
    path("programme/<slug:slug>/programme.ics", public.programme_ics, name="ics"),
    *public_photos.urlpatterns,
]
