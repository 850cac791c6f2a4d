"""Pages of the area "matching" (namespace ``volunteers``)."""

from django.urls import path

from volunteers.views import stubs

urlpatterns = [path("matching/", stubs.matching, name="matching")]
