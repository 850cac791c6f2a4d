"""Demo data for volunteers (``seed_demo``), registered with ``homes.demo``
from ``VolunteersConfig.ready()``: after the residents' plans and connection
log (their areas run first), before the outbox's demo rows."""

AREAS = [
    ("volunteers.demo.people", 30),
    ("volunteers.demo.visits", 31),
]


def register():
    from homes.demo import register_demo_area

    for module, order in AREAS:
        register_demo_area(module, order=order)
