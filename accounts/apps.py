from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # Sign-in signals: what a new session must do for two-step
        # verification, and failed passwords counted per client.
        from accounts import security, two_step  # noqa: F401
