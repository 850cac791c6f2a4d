from django.urls import path

from homes import views

app_name = "homes"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("people/", views.members, name="members"),
    path("people/invite/", views.invite, name="invite"),
    path("people/<int:pk>/", views.membership_edit, name="membership_edit"),
    path(
        "people/<int:pk>/two-step/reset/", views.membership_two_step_reset, name="membership_two_step_reset"
    ),
    path("people/invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("people/invitations/<int:pk>/withdraw/", views.invitation_revoke, name="invitation_revoke"),
    path("spaces/", views.spaces, name="spaces"),
    path("spaces/add/", views.space_edit, name="space_add"),
    path("spaces/<int:pk>/", views.space_edit, name="space_edit"),
    path(
        "history/<int:content_type_id>/<int:object_id>/",
        views.history,
        name="history",
    ),
]
