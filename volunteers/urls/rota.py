"""Pages of the area "rota" (namespace ``volunteers``): the rota, shifts and hours."""

from django.urls import path

from volunteers.views import stubs

urlpatterns = [path("rota/", stubs.rota, name="rota"), path("hours/", stubs.hours, name="hours")]
