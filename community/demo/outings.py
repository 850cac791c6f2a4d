"""Demo data of the area "outings" (to be written)."""


def seed(*, home, residents, staff, today, rng):
    return None
