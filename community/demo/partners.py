"""Demo data of the area "partners" (to be written)."""


def seed(*, home, residents, staff, today, rng):
    return None
