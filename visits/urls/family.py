from django.urls import path

from visits.views import family

urlpatterns = [
    path("residents/<int:pk>/family/", family.family_links, name="family_links"),
    path("residents/<int:pk>/family/invite/", family.family_invite_view, name="family_invite"),
    path("residents/<int:pk>/family/share/", family.update_add, name="update_add"),
    path("family-news/<int:pk>/photo/", family.update_photo, name="update_photo"),
    path("family-links/<int:pk>/", family.family_link_status, name="family_link_status"),
]
