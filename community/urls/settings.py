"""Pages of the area "settings" (namespace ``community``)."""

from django.urls import path

from community.views import settings

urlpatterns = [
    path("settings/", settings.settings_edit, name="settings"),
]
