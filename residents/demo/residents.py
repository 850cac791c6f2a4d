"""Demo data for the residents themselves: key worker history (continuity of
staff shows on each overview) and dates of birth for some residents.

Idempotent: a resident who already has any key worker row is left alone, and
a date of birth is only filled where none is recorded. Bulk writes only.
"""

from datetime import timedelta

from homes.models import Membership, Role
from residents.models import KeyWorkerAssignment, Resident

CONTINUITY_RESIDENTS = 3  # residents who had an earlier key worker
SHARE_WITH_BIRTHDAY = 0.4


def seed(*, home, residents, staff, today, rng):
    if not residents:
        return
    manager = (
        Membership.objects.for_home(home)
        .filter(role=Role.MANAGER, is_active=True)
        .select_related("user")
        .order_by("id")
        .first()
    )
    assigned_by = manager.user if manager else None
    have_history = set(
        KeyWorkerAssignment.objects.for_home(home).values_list("resident_id", flat=True).distinct()
    )

    # Draw every random number whatever is already stored, so the choices are
    # the same on every run.
    long_stays = [r for r in residents if r.key_worker_id and (today - r.admitted_on).days >= 240]
    earlier = {r.pk for r in rng.sample(long_stays, min(CONTINUITY_RESIDENTS, len(long_stays)))}
    draws = {r.pk: (rng.random(), rng.randint(70, 101), rng.randint(0, 364), rng.random()) for r in residents}

    assignments = []
    for resident in residents:
        if resident.pk in have_history or not resident.key_worker_id or resident.has_left:
            continue
        started = resident.admitted_on
        if resident.pk in earlier:
            others = [u for u in staff if u.pk != resident.key_worker_id]
            if others:
                share = 0.3 + 0.4 * draws[resident.pk][3]
                handover = resident.admitted_on + timedelta(
                    days=int((today - resident.admitted_on).days * share)
                )
                assignments.append(
                    KeyWorkerAssignment(
                        home=home,
                        resident=resident,
                        key_worker=others[resident.pk % len(others)],
                        started_on=resident.admitted_on,
                        ended_on=handover,
                        assigned_by=assigned_by,
                    )
                )
                started = handover
        assignments.append(
            KeyWorkerAssignment(
                home=home,
                resident=resident,
                key_worker_id=resident.key_worker_id,
                started_on=started,
                assigned_by=assigned_by,
            )
        )
    KeyWorkerAssignment.objects.bulk_create(assignments, batch_size=1000)

    born = []
    for resident in residents:
        chance, age, days, _ = draws[resident.pk]
        if resident.date_of_birth is None and chance < SHARE_WITH_BIRTHDAY:
            birthday = today - timedelta(days=int(age * 365.25) + days)
            if birthday < resident.admitted_on:
                resident.date_of_birth = birthday
                born.append(resident)
    Resident.objects.bulk_update(born, ["date_of_birth"], batch_size=1000)
