from django.urls import path

from visits.views import booking

urlpatterns = [
    path("calendar/<str:token>.ics", booking.calendar_feed, name="calendar_feed"),
]
