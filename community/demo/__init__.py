"""Demo data for community (``seed_demo``), registered with ``homes.demo``
from ``CommunityConfig.ready()``: after residents, visits and volunteers
(partners first, then the programme, its outings, and their stories)."""

AREAS = [
    ("community.demo.partners", 40),
    ("community.demo.programme", 41),
    ("community.demo.outings", 42),
    ("community.demo.stories", 43),
]
# seed_demo --weeks: the programme right after the residents' history (its
# dates hold their spaces first; visits are booked around them).
HISTORIES = [("community.demo.history", 20)]


def register():
    from homes.demo import register_demo_area, register_demo_history

    for module, order in AREAS:
        register_demo_area(module, order=order)
    for module, order in HISTORIES:
        register_demo_history(module, order=order)
