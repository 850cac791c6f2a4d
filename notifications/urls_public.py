"""Pages outside a home: a person's own contact choices, and the "stop" link."""

from django.urls import path

from notifications import views

urlpatterns = [
    path("account/messages/", views.preferences, name="message_preferences"),
    path("messages/stop/<str:token>/", views.stop, name="stop_messages"),
]
