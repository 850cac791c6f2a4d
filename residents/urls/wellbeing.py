from django.urls import path

from residents.views import wellbeing

urlpatterns = [
    path("<int:pk>/wellbeing/", wellbeing.wellbeing, name="wellbeing"),
    path("<int:pk>/wellbeing/add/", wellbeing.wellbeing_add, name="wellbeing_add"),
]
