import importlib
import pkgutil

from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Community"

    def ready(self):
        # Each area registers its own dashboard panels in community/panels_<area>.py.
        for module in pkgutil.iter_modules([self.path]):
            if module.name.startswith("panels_"):
                importlib.import_module(f"community.{module.name}")
        # Messages and planners for the outbox; demo data and navigation for the core.
        from community import demo, messages, navigation, planners  # noqa: F401

        demo.register()
        navigation.register()
        from community import retention

        retention.register()
        # A resident who moves out or dies comes off the dates to come.
        from community.services.attendance import places_end_for_resident
        from residents.leaving import register_leaving_hook

        register_leaving_hook(places_end_for_resident)
