from django.urls import path

from residents.views import stubs

urlpatterns = [
    path("<int:pk>/friends/", stubs.friends, name="friends"),
]
