"""Pages of the area "calendars" (namespace ``community``): the week's
poster, a resident's week and the programme's .ics feed."""

from django.urls import path

from community.views import calendars

urlpatterns = [
    path("programme/poster/", calendars.poster, name="poster"),
    path("programme.ics", calendars.programme_ics, name="programme_ics"),
    path("my-week/", calendars.my_week_choose, name="my_week_choose"),
    path("my-week/<int:resident_pk>/", calendars.my_week, name="my_week"),
]
