"""Pages of the area "matching" (namespace ``volunteers``): finding volunteers
and residents who share interests, and the regular visits that come of it."""

from django.urls import path

from volunteers.views import matching

urlpatterns = [
    path("matching/", matching.matching, name="matching"),
    path("matching/residents/<int:pk>/", matching.match_resident, name="match_resident"),
    path("matching/volunteers/<int:pk>/", matching.match_volunteer, name="match_volunteer"),
    path("assignments/add/", matching.assignment_add, name="assignment_add"),
    path("assignments/<int:pk>/", matching.assignment_detail, name="assignment_detail"),
    path("assignments/<int:pk>/edit/", matching.assignment_edit, name="assignment_edit"),
    path("assignments/<int:pk>/end/", matching.assignment_end, name="assignment_end"),
]
