"""Pages of the area "expiry" (namespace ``volunteers``): renewals due."""

from django.urls import path

from volunteers.views import expiry

urlpatterns = [
    path("expiring/", expiry.expiring, name="expiring"),
]
