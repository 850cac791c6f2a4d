from django.urls import path

from residents.views import stubs

urlpatterns = [
    path("<int:pk>/plan/", stubs.plan, name="plan"),
]
