from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Reminders and messages"

    def ready(self):
        # The manager's dashboard panel and the staff's letters-to-post panel.
        from notifications import messages, panels  # noqa: F401
