from django.urls import path

from residents.views import residents

urlpatterns = [
    path("", residents.resident_list, name="list"),
]
