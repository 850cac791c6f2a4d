"""Pages of the area "setup" (namespace ``volunteers``)."""

from django.urls import path

from volunteers.views import stubs

urlpatterns = [path("setup/", stubs.setup, name="setup")]
