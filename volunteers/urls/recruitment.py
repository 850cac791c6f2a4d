"""Pages of the area "recruitment" (namespace ``volunteers``): the board, adding
a volunteer, their page, and changing their details, status, identity check
and interview, weekly times and portal invitation."""

from django.urls import path

from volunteers.views import recruitment

urlpatterns = [
    path("", recruitment.home, name="home"),
    path("board/", recruitment.board, name="board"),
    path("add/", recruitment.volunteer_add, name="volunteer_add"),
    path("<int:pk>/", recruitment.volunteer_detail, name="volunteer_detail"),
    path("<int:pk>/edit/", recruitment.volunteer_edit, name="volunteer_edit"),
    path("<int:pk>/status/", recruitment.volunteer_status, name="volunteer_status"),
    path("<int:pk>/screening/", recruitment.volunteer_screening, name="volunteer_screening"),
    path("<int:pk>/availability/", recruitment.volunteer_availability, name="volunteer_availability"),
    path("<int:pk>/invite/", recruitment.volunteer_invite, name="volunteer_invite"),
]
