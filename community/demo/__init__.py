"""Demo data for community (``seed_demo``), registered with ``homes.demo``
from ``CommunityConfig.ready()``: after residents, visits and volunteers
(partners first, then the programme, its outings, and their stories)."""

AREAS = [
    ("community.demo.partners", 40),
    ("community.demo.programme", 41),
    ("community.demo.outings", 42),
    ("community.demo.stories", 43),
]


def register():
    from homes.demo import register_demo_area

    for module, order in AREAS:
        register_demo_area(module, order=order)
