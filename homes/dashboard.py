"""Panels on a home's dashboard, contributed by the feature apps.

The core imports no feature app, so each app registers its panels in its
``AppConfig.ready()``::

    register_panel(Panel("residents", "residents/panels/summary.html",
                         "residents.view", residents_summary, order=10))

A panel is shown to a membership that has its permission; ``context`` takes
the request and returns the template's context (keep it to a fixed number of
queries).

Each panel is a cached fragment (``homes.fragments``): rendered for one
membership (``vary``), until the home's data changes or ``bucket`` seconds
pass (panels say what is on today and what is late). Its ``context`` runs
only when it is rendered, and may say ``"hidden": True`` (nothing to show).

A panel whose ``context`` raises breaks the page (a 500, logged with its
traceback): a panel left out would tell a manager that nothing is late.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from homes import fragments


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    permission: str
    context: Callable
    order: int = 50
    vary: str = "membership"
    bucket: int = 300


_PANELS: dict[str, Panel] = {}


def register_panel(panel):
    _PANELS[panel.key] = panel


class LazyPanel(Mapping):
    """A panel for the template: its context is made on first use, so a panel
    served from the cache costs nothing."""

    OWN = ("key", "template", "vary", "bucket")

    def __init__(self, panel, request):
        self.panel, self.request, self._context = panel, request, None

    def _made(self):
        if self._context is None:
            self._context = {"key": self.panel.key, "template": self.panel.template}
            self._context.update(self.panel.context(self.request))
        return self._context

    def shown(self):
        """Makes the context and says whether the panel is shown. Called by
        ``{% panel_shown %}``, in Python: inside a template's ``{% if not … %}``
        or a variable lookup Django turns an error into a false or empty value,
        and the panel would be left out without a word."""
        return not self._made().get("hidden")

    def __getitem__(self, name):
        if name in self.OWN:
            return getattr(self.panel, name)
        return self._made()[name]

    def __iter__(self):
        return iter(self._made())

    def __len__(self):
        return len(self._made())


def panels_for(request):
    """The panels this membership may see, in order; their fragments fetched
    from the cache in one round trip."""
    membership = request.membership
    shown = [
        LazyPanel(panel, request)
        for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key))
        if membership.has_perm(panel.permission)
    ]
    if fragments.enabled(request):
        keys = [fragments.key(request, "panel", p["key"], vary=p["vary"], bucket=p["bucket"]) for p in shown]
        fragments.prefetch(request, keys)
    return shown
