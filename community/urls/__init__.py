"""Community pages, namespace ``community``, under /h/<home_slug>/community/.
Each area keeps its own patterns in a module here. The public programme (no
sign-in) is in ``community.urls.public``."""

from django.urls import include, path

from community.urls import calendars, outings, partners, programme, settings, stories

app_name = "community"

areas = [
    *partners.urlpatterns,
    *programme.urlpatterns,
    *outings.urlpatterns,
    *calendars.urlpatterns,
    *stories.urlpatterns,
    *settings.urlpatterns,
]

urlpatterns = [
    path("community/", include(areas)),
]
