"""Pages anyone may open without signing in (namespace ``visiting``): the
home's visiting information (area "info") and calendar feeds (area "booking")."""

from visits.urls import public_calendar, public_info

app_name = "visiting"

urlpatterns = [*public_info.urlpatterns, *public_calendar.urlpatterns]
