"""The public "Volunteer with us" pages (namespace ``volunteer_with_us``, no
sign-in): /volunteer/<slug>/ for a home and /volunteer/with/<slug>/ for an
organisation recruiting for several homes. The home is named by ``slug``,
not ``home_slug``: these are not home-scoped staff pages."""

app_name = "volunteer_with_us"

urlpatterns = []
