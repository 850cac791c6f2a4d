"""Pages of the area "training" (namespace ``volunteers``), under /h/<home_slug>/training/."""

from django.urls import path

from volunteers.views import stubs

urlpatterns = [path("", stubs.training, name="training")]
