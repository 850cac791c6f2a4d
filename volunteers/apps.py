import importlib
import pkgutil

from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = "Volunteers"

    def ready(self):
        # Each area registers its own dashboard panels in volunteers/panels_<area>.py.
        for module in pkgutil.iter_modules([self.path]):
            if module.name.startswith("panels_"):
                importlib.import_module(f"volunteers.{module.name}")
        # Messages and planners for the outbox; demo data and navigation for the core.
        from volunteers import demo, messages, navigation  # noqa: F401

        demo.register()
        navigation.register()
        from volunteers import retention

        retention.register()
        # Accepting an invitation to the volunteers' portal links the account to its volunteer.
        from homes.services import register_acceptance_hook
        from volunteers.acceptance import link_volunteer

        register_acceptance_hook(link_volunteer)
        # A resident who moves out or dies: their regular visits from volunteers end.
        from residents.leaving import register_leaving_hook
        from volunteers.services.matching import visits_end_for_resident

        register_leaving_hook(visits_end_for_resident)
        # A resident's consent to volunteers' visits withdrawn: the visits to come come off the
        # rota; recorded again, they go back.
        from residents.consent_hooks import register_given_hook, register_withdrawal_hook
        from volunteers.services.matching import visits_back_on_the_rota, visits_off_the_rota

        register_withdrawal_hook(visits_off_the_rota)
        register_given_hook(visits_back_on_the_rota)
