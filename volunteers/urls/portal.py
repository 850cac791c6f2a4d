"""Pages of the area "portal" (namespace ``volunteers``): the volunteer's own
pages under /h/<home_slug>/volunteering/."""

from django.urls import path

from volunteers.views import portal

urlpatterns = [
    path("", portal.portal, name="portal"),
    path("shifts/<int:pk>/", portal.portal_shift, name="portal_shift"),
    path("shifts/<int:pk>/reply/", portal.portal_shift_reply, name="portal_shift_reply"),
    path("shifts/<int:pk>/log/", portal.portal_log, name="portal_log"),
    path("residents/<int:pk>/", portal.portal_resident, name="portal_resident"),
    path("availability/", portal.portal_availability, name="portal_availability"),
    path("hours/", portal.portal_hours, name="portal_hours"),
]
