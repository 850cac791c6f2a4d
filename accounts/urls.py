from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("logout/idle/", views.sign_out_idle, name="sign_out_idle"),
    path("logout/switch-user/", views.switch_user, name="switch_user"),
    path("login/two-step/", views.two_step_verify, name="two_step_verify"),
    path("account/", views.account, name="account"),
    path("account/two-step/", views.two_step_setup, name="two_step"),
    path("account/sessions/", views.signed_in_sessions, name="signed_in_sessions"),
    path("account/sessions/stay/", views.session_stay, name="session_stay"),
    path("account/two-step/recovery-codes/", views.two_step_codes, name="two_step_codes"),
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "account/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
