"""Demo data for volunteers (``seed_demo``), registered with ``homes.demo``
from ``VolunteersConfig.ready()``: after the residents' plans and connection
log (their areas run first), before the outbox's demo rows."""

AREAS = [
    ("volunteers.demo.people", 30),
    ("volunteers.demo.visits", 31),
]
# seed_demo --weeks: volunteers' matches and hours, after the residents' history.
HISTORIES = [("volunteers.demo.history", 30)]


def register():
    from homes.demo import register_demo_area, register_demo_history

    for module, order in AREAS:
        register_demo_area(module, order=order)
    for module, order in HISTORIES:
        register_demo_history(module, order=order)
