"""Pages of the area "expiry" (namespace ``volunteers``)."""

from django.urls import path

from volunteers.views import stubs

urlpatterns = [path("expiring/", stubs.expiring, name="expiring")]
