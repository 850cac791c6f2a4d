"""Panels on a home's dashboard, contributed by the feature apps.

The core imports no feature app, so each app registers its panels in its
``AppConfig.ready()``::

    register_panel(Panel("residents", "residents/panels/summary.html",
                         "residents.view", residents_summary, order=10))

A panel is shown to a membership that has its permission; ``context`` takes
the request and returns the template's context (keep it to a fixed number of
queries).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    permission: str
    context: Callable
    order: int = 50


_PANELS: dict[str, Panel] = {}


def register_panel(panel):
    _PANELS[panel.key] = panel


def panels_for(request):
    membership = request.membership
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        if membership.has_perm(panel.permission):
            shown.append({"key": panel.key, "template": panel.template, **panel.context(request)})
    return shown
