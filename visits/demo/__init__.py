"""The visits app's demo data, registered with ``homes.demo`` from
``VisitsConfig.ready()``; it runs after the residents' areas (it needs their
plans and relatives' links)."""

AREAS = [
    ("visits.demo.info", 20),
    ("visits.demo.family", 21),
    ("visits.demo.access", 22),
    ("visits.demo.booking", 23),
    ("visits.demo.events", 24),
    # After everyone's contact choices (notifications.demo.preferences, 30).
    ("visits.demo.reminders", 40),
]
# seed_demo --weeks: bookings for the visits the residents' history logged,
# around the programme's holds (community's history runs first).
HISTORIES = [("visits.demo.history", 40)]


def register():
    from homes.demo import register_demo_area, register_demo_history

    for module, order in AREAS:
        register_demo_area(module, order=order)
    for module, order in HISTORIES:
        register_demo_history(module, order=order)
