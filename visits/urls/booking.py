from django.urls import path

from visits.views import stubs

urlpatterns = [
    path("", stubs.day, name="day"),
    path("book/", stubs.book, name="book"),
    path("mine/", stubs.my_visits, name="my_visits"),
]
