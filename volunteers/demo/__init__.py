"""Demo data for volunteers (``seed_demo``), one module per area."""


def register():
    from homes.demo import register_demo_area

    del register_demo_area  # areas are registered as they arrive
