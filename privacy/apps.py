from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Privacy"

    def ready(self):
        from privacy import navigation, panels  # noqa: F401 (each registers itself)

        navigation.register()

        from homes.demo import register_demo_area

        register_demo_area("privacy.demo", order=95)

        # Requests for personal data lose who asked and how, with the person's other records.
        from homes.retention import register_anonymiser
        from privacy.services import anonymise_requests

        for kind in ("resident", "relative", "volunteer"):
            register_anonymiser(kind, "privacy", anonymise_requests)
