from django.apps import AppConfig


class HomesConfig(AppConfig):
    name = "homes"
    verbose_name = "Homes and memberships"

    # The invitation email is declared in homes.messages and registered by
    # notifications (notifications.core_messages): the core imports no
    # notifications, it sends through homes.outbox.
