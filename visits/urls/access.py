from django.urls import path

from visits.views import access

urlpatterns = [
    path("door-code/", access.door_code, name="door_code"),
    path("door-code/mine/", access.my_door_code, name="my_door_code"),
    path("regular-visitors/", access.regular_visitors, name="regular_visitors"),
    path("restrictions/", access.restrictions, name="restrictions"),
    path("restrictions/new/<int:pk>/", access.restriction_add, name="restriction_add"),
    path("restrictions/<int:pk>/", access.restriction_detail, name="restriction_detail"),
    path("restrictions/<int:pk>/review/", access.restriction_review, name="restriction_review"),
    path("restrictions/<int:pk>/end/", access.restriction_end, name="restriction_end"),
]
