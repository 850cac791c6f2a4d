"""What a relative's "My relatives" page shows for each person they are
linked to, contributed by the feature apps.

residents imports no feature app, so each registers its sections from its
``AppConfig.ready()``::

    register_relative_section(RelativeSection("visits", "visits/family/relative.html", load, order=10))

``load(request, residents)`` returns ``(per_person, shared)``: a context dict
for each resident's pk (shown on that person's card) and one context dict
shown once above the cards (or None). Keep it to a fixed number of queries,
whatever the number of people.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RelativeSection:
    key: str
    template: str
    load: Callable
    order: int = 50


_SECTIONS: dict[str, RelativeSection] = {}


def register_relative_section(section):
    _SECTIONS[section.key] = section


def sections_for(request, residents):
    """``({resident pk: [section context]}, [shared section context])``."""
    per_person = {resident.pk: [] for resident in residents}
    shared = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key)):
        each, once = section.load(request, residents)
        for pk, context in each.items():
            if pk in per_person:
                per_person[pk].append({"key": section.key, "template": section.template, **context})
        if once is not None:
            shared.append({"key": section.key, "template": section.template, "shared": True, **once})
    return per_person, shared
