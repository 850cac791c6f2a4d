from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("<int:pk>/retry/", views.retry, name="retry"),
    path("test/", views.test_message, name="test_message"),
    path("post/", views.post_list, name="post_list"),
    path("post/<int:pk>/posted/", views.mark_posted, name="mark_posted"),
    path("settings/", views.message_settings, name="settings"),
]
