from django.urls import path

from residents.views import connections

urlpatterns = [
    path("worklist/", connections.worklist, name="worklist"),
    path("connections/add/", connections.connection_add, name="connection_add"),
    path("connections/<int:pk>/", connections.connection_detail, name="connection_detail"),
    path("<int:pk>/timeline/", connections.timeline, name="timeline"),
    path(
        "<int:pk>/timeline/<int:connection_pk>/correct/",
        connections.entry_correct,
        name="connection_correct",
    ),
    path(
        "<int:pk>/timeline/<int:connection_pk>/strike-out/",
        connections.entry_strike_out,
        name="connection_strike_out",
    ),
]
