from django.urls import path

from residents.views import residents

urlpatterns = [
    path("", residents.resident_list, name="list"),
    path("admit/", residents.resident_admit, name="admit"),
    path("settings/", residents.connection_settings, name="settings"),
    path("<int:pk>/", residents.resident_detail, name="detail"),
    path("<int:pk>/edit/", residents.resident_edit, name="edit"),
    path("<int:pk>/key-worker/", residents.resident_key_worker, name="key_worker"),
    path("<int:pk>/leave/", residents.resident_leave, name="leave"),
    path("<int:pk>/visiting-priority/", residents.resident_visiting_priority, name="visiting_priority"),
    path("<int:pk>/photo/", residents.resident_photo, name="photo"),
]
