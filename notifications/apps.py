from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Reminders and messages"

    def ready(self):
        # The manager's dashboard panel and the staff's letters-to-post panel
        # (panels); the core's invitation email and the outbox behind homes.outbox
        # (core_messages); demo data (seed_demo) and the Messages navigation entry.
        from notifications import core_messages, demo, messages, navigation, panels  # noqa: F401

        demo.register()
        navigation.register()
        from notifications import retention

        retention.register()
