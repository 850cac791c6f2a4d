from django.urls import path

from visits.views import info

urlpatterns = [
    path("information/", info.info_edit, name="info_edit"),
    path("spaces/<int:pk>/photo/", info.space_photo_edit, name="space_photo_edit"),
]
