from django.urls import path

from residents.views import family

urlpatterns = [
    path("family/", family.family, name="family"),
]
