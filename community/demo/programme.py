"""Demo data of the area "programme" (to be written)."""


def seed(*, home, residents, staff, today, rng):
    return None
