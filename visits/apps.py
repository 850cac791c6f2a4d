import importlib
import pkgutil

from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = "Visits and family access"

    def ready(self):
        # The messages this area sends (confirmations, reminders, invitations…).
        from homes.services import register_acceptance_hook
        from visits import messages  # noqa: F401
        from visits.services.family import family_invitation_accepted

        # Accepting a family invitation links the new account to its residents.
        register_acceptance_hook(family_invitation_accepted)
        # Each area registers its dashboard panels in visits/panels_<area>.py.
        for module in pkgutil.iter_modules([self.path]):
            if module.name.startswith("panels_"):
                importlib.import_module(f"visits.{module.name}")
        # Booked visits that took place count as visits in the residents app
        # (the worklist, its panel, the nudge and the weekly summary).
        from residents.selectors.visited import register_visit_source
        from visits.selectors.visited import last_booked_visit

        register_visit_source(last_booked_visit)
        # Demo data (seed_demo) and navigation entries, registered with the core.
        from visits import demo, navigation

        demo.register()
        navigation.register()
        from visits import retention

        retention.register()
