from django.urls import path

from visits.views import booking

urlpatterns = [
    path("", booking.day, name="day"),
    path("book/", booking.book, name="book"),
    path("book/free-times/", booking.free_times, name="free_times"),
    path("mine/", booking.my_visits, name="my_visits"),
    path("mine/calendar/new/", booking.feed_new, name="feed_new"),
    path("mine/calendar/stop/", booking.feed_stop, name="feed_stop"),
    path("<int:pk>/", booking.visit_detail, name="visit_detail"),
    path("<int:pk>/change/", booking.visit_edit, name="visit_edit"),
    path("<int:pk>/cancel/", booking.visit_cancel_view, name="visit_cancel"),
    path("<int:pk>/calendar.ics", booking.visit_ics_view, name="visit_ics"),
]
