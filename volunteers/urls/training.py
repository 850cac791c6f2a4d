"""Pages of the area "training" (namespace ``volunteers``), under
/h/<home_slug>/training/: the register, for volunteers and staff."""

from django.urls import path

from volunteers.views import training

urlpatterns = [
    path("", training.register, name="training"),
    path("add/", training.training_add, name="training_add"),
    path("<int:pk>/", training.training_edit, name="training_edit"),
]
