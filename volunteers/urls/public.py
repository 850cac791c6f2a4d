"""The public "Volunteer with us" pages (namespace ``volunteer_with_us``, no
sign-in): /volunteer/<slug>/ for a home and /volunteer/with/<slug>/ for an
organisation recruiting for several homes. The home is named by ``slug``,
not ``home_slug``: these are not home-scoped staff pages."""

from django.urls import path

from volunteers.views import public

app_name = "volunteer_with_us"

urlpatterns = [
    path("volunteer/with/<slug:slug>/", public.organisation, name="organisation"),
    path("volunteer/with/<slug:slug>/thanks/", public.organisation_thanks, name="organisation_thanks"),
    path("volunteer/<slug:slug>/", public.apply, name="apply"),
    path("volunteer/<slug:slug>/thanks/", public.thanks, name="thanks"),
]
