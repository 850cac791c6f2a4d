from django.urls import path

from residents.views import stubs

urlpatterns = [
    path("worklist/", stubs.worklist, name="worklist"),
    path("connections/add/", stubs.connection_add, name="connection_add"),
    path("<int:pk>/timeline/", stubs.timeline, name="timeline"),
]
