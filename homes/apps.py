from django.apps import AppConfig


class HomesConfig(AppConfig):
    name = "homes"
    verbose_name = "Homes and memberships"

    def ready(self):
        # The invitation email, declared for the outbox.
        from homes import messages  # noqa: F401
