"""Pages of the area "setup" (namespace ``volunteers``): the home's volunteer
roles and its volunteering settings."""

from django.urls import path

from volunteers.views import setup

urlpatterns = [
    path("setup/", setup.setup, name="setup"),
    path("setup/roles/add/", setup.role_add, name="role_add"),
    path("setup/roles/starter/", setup.roles_starter, name="roles_starter"),
    path("setup/roles/<int:pk>/", setup.role_edit, name="role_edit"),
    path("setup/settings/", setup.settings_edit, name="settings_edit"),
]
