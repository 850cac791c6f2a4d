from django.urls import path

from residents.views import peers

urlpatterns = [
    path("<int:pk>/friends/", peers.friends, name="friends"),
    path("<int:pk>/friends/add/", peers.friendship_add, name="friendship_add"),
    path("<int:pk>/friends/buddy/", peers.buddy_assign, name="buddy_assign"),
    path("<int:pk>/friends/<int:friendship_pk>/end/", peers.friendship_end_view, name="friendship_end"),
    path(
        "<int:pk>/friends/support/<int:flag_pk>/",
        peers.support_flag_resolve_view,
        name="support_flag_resolve",
    ),
]
