"""What the volunteers app sends through the outbox, one module per area;
importing this package registers every kind and planner (``notifications.kinds``)."""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
