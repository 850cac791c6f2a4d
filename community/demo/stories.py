"""Demo data of the area "stories" (to be written)."""


def seed(*, home, residents, staff, today, rng):
    return None
