from django.urls import path

from residents.views import stubs

urlpatterns = [
    path("coproduction/", stubs.coproduction_list, name="coproduction_list"),
]
