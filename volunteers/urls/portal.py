"""Pages of the area "portal" (namespace ``volunteers``), under /h/<home_slug>/volunteering/."""

from django.urls import path

from volunteers.views import stubs

urlpatterns = [path("", stubs.portal, name="portal")]
