import importlib
import pkgutil

from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = "Visits and family access"

    def ready(self):
        # Each area registers its dashboard panels in visits/panels_<area>.py.
        for module in pkgutil.iter_modules([self.path]):
            if module.name.startswith("panels_"):
                importlib.import_module(f"visits.{module.name}")
