"""Pages of the area "programme" (namespace ``community``): the week and the
month, activities (add, change, take off the programme) and their dates."""

from django.urls import path

from community.views import programme

urlpatterns = [
    path("programme/", programme.programme, name="programme"),
    path("programme/month/", programme.programme_month, name="programme_month"),
    path("activities/add/", programme.activity_add, name="activity_add"),
    path("activities/<int:pk>/", programme.activity, name="activity"),
    path("activities/<int:pk>/edit/", programme.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/end/", programme.activity_end, name="activity_end"),
    path("dates/<int:pk>/", programme.occurrence, name="occurrence"),
    path("dates/<int:pk>/edit/", programme.occurrence_edit, name="occurrence_edit"),
    path("dates/<int:pk>/cancel/", programme.occurrence_cancel, name="occurrence_cancel"),
]
