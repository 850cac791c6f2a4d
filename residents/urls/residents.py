from django.urls import path

from residents.views import residents, stubs

urlpatterns = [
    path("", residents.resident_list, name="list"),
    path("<int:pk>/", stubs.detail, name="detail"),
]
