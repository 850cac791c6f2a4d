from django.urls import path

from residents.views import stubs

urlpatterns = [
    path("<int:pk>/wellbeing/", stubs.wellbeing, name="wellbeing"),
]
