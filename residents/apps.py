import importlib
import pkgutil

from django.apps import AppConfig


class ResidentsConfig(AppConfig):
    name = "residents"
    verbose_name = "Residents"

    def ready(self):
        from homes.dashboard import Panel, register_panel
        from residents.selectors import family as selectors

        register_panel(
            Panel(
                "residents",
                "residents/panels/summary.html",
                "residents.view",
                lambda request: {"counts": selectors.resident_counts(request.home)},
                order=10,
            )
        )
        register_panel(
            Panel(
                "family",
                "residents/panels/family.html",
                "family.portal",
                lambda request: {"links": list(selectors.links_for_family(request.membership))},
                order=10,
            )
        )
        # Each area registers its own dashboard panels in residents/panels_<area>.py.
        for module in pkgutil.iter_modules([self.path]):
            if module.name.startswith("panels_"):
                importlib.import_module(f"residents.{module.name}")
        # Plan reviews due and "no visit for a while" nudges, declared for the outbox;
        # demo data (seed_demo) and navigation entries, registered with the core.
        from residents import demo, messages, navigation  # noqa: F401

        demo.register()
        navigation.register()
        from residents import retention

        retention.register()

        # A new home gets its connection settings row where it is created.
        from homes.setup import register_home_setup
        from residents.services.residents import connection_settings_create

        register_home_setup(connection_settings_create)
