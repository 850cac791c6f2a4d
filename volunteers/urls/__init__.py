"""Volunteer pages, namespace ``volunteers``, under /h/<home_slug>/volunteers/
(staff) and /h/<home_slug>/volunteering/ (the volunteer's own portal, area
"portal"). Each area keeps its own patterns in a module here. The public
"Volunteer with us" pages (no sign-in) are in ``volunteers.urls.public``."""

from django.urls import include, path

from volunteers.urls import checks, drivers, expiry, matching, portal, recruitment, rota, setup, training

app_name = "volunteers"

staff = [
    *recruitment.urlpatterns,
    *checks.urlpatterns,
    *setup.urlpatterns,
    *matching.urlpatterns,
    *rota.urlpatterns,
    *drivers.urlpatterns,
    *expiry.urlpatterns,
]

urlpatterns = [
    path("volunteers/", include(staff)),
    path("training/", include(training.urlpatterns)),
    path("volunteering/", include(portal.urlpatterns)),
]
