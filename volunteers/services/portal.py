"""Writes from the volunteer's own portal: when they are usually free.

Replying to a shift and logging a visit go through ``volunteers.services.rota``
(``shift_reply``, ``shift_log``), the same services staff use, so a visit a
volunteer logs reaches the resident's connection log too.
"""

from django.db import transaction

from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.versions import version_bump, version_check
from homes.scoping import check_home
from volunteers.models import Availability, Volunteer
from volunteers.models.choices import Weekday
from volunteers.selectors.matching import DAY_NAMES, PART_TIMES, PARTS, free_parts

CHOOSE_PARTS = "Tick the parts of the day you are usually free, or none."


def _blocks(parts):
    """Availability rows' (from, until) for the ticked ``parts`` of one day,
    joining parts that follow on (morning and afternoon: 09:00 to 17:00)."""
    blocks = []
    for part in sorted(parts, key=PARTS.index):
        begin, end = PART_TIMES[part]
        if blocks and blocks[-1][1] == begin:
            blocks[-1] = (blocks[-1][0], end)
        else:
            blocks.append((begin, end))
    return blocks


def _as_list(free):
    return [f"{DAY_NAMES[day]} {part}" for day, parts in sorted(free.items()) for part in parts]


def availability_set(*, home, actor, volunteer, version, free):
    """Save when ``volunteer`` is usually free: ``free`` is {weekday: [parts
    of the day]}. A day whose ticks did not change keeps its exact times (a
    co-ordinator may have set 13:30 to 16:00); a changed day gets the times
    the parts stand for. ``EditConflict`` if someone changed it since
    ``version`` (the volunteer's)."""
    check_home(home, volunteer)
    wanted = {}
    for day, parts in (free or {}).items():
        if day not in Weekday.values or any(part not in PARTS for part in parts):
            raise DomainError(CHOOSE_PARTS)
        if parts:
            wanted[day] = sorted(set(parts), key=PARTS.index)
    with transaction.atomic(), acting_as(actor):
        locked = Volunteer.objects.for_home(home).select_for_update().get(pk=volunteer.pk)
        rows = list(
            Availability.objects.for_home(home).filter(volunteer=locked).order_by("weekday", "starts_at")
        )
        now = free_parts(rows)
        version_check(
            locked,
            version,
            submitted={"free_times": _as_list(wanted)},
            saved={"free_times": _as_list(now)},
            labels={"free_times": "When you are usually free"},
        )
        changed = [day for day in Weekday.values if wanted.get(day, []) != now.get(day, [])]
        if not changed:
            return locked
        for row in rows:
            if row.weekday in changed:
                row.delete()
        for day in changed:
            for begin, end in _blocks(wanted.get(day, [])):
                Availability.objects.create(
                    home=home, volunteer=locked, weekday=day, starts_at=begin, ends_at=end
                )
        locked.save(update_fields=version_bump(locked))
    return locked
