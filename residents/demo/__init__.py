"""The residents app's demo data, registered with ``homes.demo`` from
``ResidentsConfig.ready()``: the residents themselves first, then one area
per module (plans before connections: calls need people who matter)."""

AREAS = [
    ("residents.demo.residents", 10),
    ("residents.demo.plans", 11),
    ("residents.demo.peers", 12),
    ("residents.demo.wellbeing", 13),
    ("residents.demo.connections", 14),
    ("residents.demo.coproduction", 15),
    ("residents.demo.consent", 16),
    # After the visits' reminders (order 40): the outbox rows keep their order.
    ("residents.demo.reminders", 41),
]
# seed_demo --weeks: the residents and their connection log first (the other
# apps' histories read and add to it), their wellbeing last (it follows how
# connected each person was).
HISTORIES = [
    ("residents.demo.history", 10),
    ("residents.demo.history.wellbeing", 90),
]


def register():
    from homes.demo import register_demo_area, register_demo_history, register_demo_residents
    from residents.demo import admissions

    register_demo_residents(admit=admissions.admit, load=admissions.load)
    for module, order in AREAS:
        register_demo_area(module, order=order)
    for module, order in HISTORIES:
        register_demo_history(module, order=order)
