"""Pages of the area "rota" (namespace ``volunteers``): who is volunteering
when, logging what happened, and the hours volunteers give."""

from django.urls import path

from volunteers.views import rota

urlpatterns = [
    path("rota/", rota.rota, name="rota"),
    path("rota/add/", rota.shift_add, name="shift_add"),
    path("shifts/<int:pk>/", rota.shift_detail, name="shift_detail"),
    path("shifts/<int:pk>/log/", rota.shift_log, name="shift_log"),
    path("hours/", rota.hours, name="hours"),
    path("hours/<int:pk>/confirm/", rota.hours_confirm, name="hours_confirm"),
]
