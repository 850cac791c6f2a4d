"""Pages of the area "drivers" (namespace ``volunteers``)."""

from django.urls import path

from volunteers.views import stubs

urlpatterns = [path("drivers/", stubs.drivers, name="drivers")]
