"""Activity reminders end to end, with a real Celery worker on Redis, PostgreSQL
and an SMTP sink (tests/outbox_harness.py), as in tests/test_outbox_worker.py.

A confirmed outing's reminders reach the invited relative, the assigned
volunteer and the driver exactly once each (the day before and on the
morning); a cancelled outing's pending reminders are never sent, and its
cancellation is sent once. The time the reminders fall due is brought
forward by moving ``not_before`` (as if the day had come), so the test does
not depend on the time of day it runs.
"""

from collections import Counter

import pytest
from django.utils import timezone

from community.messages import CANCELLED, programme_messages_schedule
from community.messages import programme as messages
from community.models import Occurrence
from community.services import attendance
from community.services.outings import occurrence_confirm
from community.tests.factories import AttendeeFactory, OccurrenceFactory, approved_outing, minibus_driver
from notifications.models import Reminder
from notifications.tasks import plan, sweep
from tests.conftest import finished_tasks, sink, worker  # noqa: F401 - the real worker's fixtures
from tests.outbox_harness import wait_for
from volunteers.models import VolunteerRole
from volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.integration

WAIT_SECONDS = 20
Status = Reminder.Status


def run_task(task, finished):
    result = task.apply_async()
    assert wait_for(lambda: result.id in finished, WAIT_SECONDS), f"{task.name} did not run"
    return finished[result.id]


def outing(world, title, driver, helper):
    found = approved_outing(world.home, title=title)
    found.volunteers.set([helper])
    occurrence = OccurrenceFactory(activity=found, status="planned", driver=driver)
    AttendeeFactory(occurrence=occurrence, resident=world.resident)
    attendance.families_invite(
        home=world.home, actor=world.staff.user, occurrence=occurrence, residents=[world.resident]
    )
    return occurrence_confirm(home=world.home, actor=world.manager.user, occurrence=occurrence)


def test_reminders_reach_each_person_once_and_a_cancelled_outings_are_not_sent(
    world,
    worker,  # noqa: F811
    sink,  # noqa: F811
    finished_tasks,  # noqa: F811
):
    kwame = minibus_driver(world.home, full_name="Kwame Mensah", email="kwame@example.org")
    role = VolunteerRole.objects.get(home=world.home, name="Befriender")
    dora = minibus_driver(world.home, role=role, full_name="Dora Driver", email="dora@example.org")
    val = VolunteerFactory(home=world.home, full_name="Val Helper", email="val@example.org", status="active")
    fishing = outing(world, "Fishing trip", kwame, val)
    museum = outing(world, "Museum visit", dora, val)
    # The planner runs as beat runs it: it makes nothing more for dates already confirmed.
    run_task(plan, finished_tasks)

    # The museum is cancelled: its waiting reminders are cancelled, its cancellation made.
    now = timezone.now()
    Occurrence.objects.filter(pk=museum.pk).update(status="cancelled", cancelled_at=now)
    museum.refresh_from_db()
    programme_messages_schedule(occurrence=museum, kind=CANCELLED, now=now)

    # The day has come: every pending reminder is due now.
    mine = Reminder.objects.filter(kind__startswith="community.")
    mine.filter(status=Status.PENDING).update(not_before=now)
    # The relative: the morning's reminder (the evening before is their invitation's own).
    expected_fishing = Counter({world.relative.user.email: 1, "val@example.org": 2, "kwame@example.org": 2})

    run_task(sweep, finished_tasks)
    ids = set(mine.exclude(status=Status.CANCELLED).values_list("pk", flat=True))
    settled = Reminder.objects.filter(pk__in=ids, status__in=[Status.SENT, Status.FAILED, Status.CANCELLED])
    assert wait_for(lambda: settled.count() == len(ids), WAIT_SECONDS), "the reminders were not all sent"
    assert (
        list(Reminder.objects.filter(pk__in=ids).exclude(status=Status.SENT).values_list("kind", "status"))
        == []
    )

    assert wait_for(lambda: len(sink.for_reminders(ids)) == len(ids), WAIT_SECONDS)
    by_id = {r.pk: r for r in Reminder.objects.filter(pk__in=ids)}
    received = Counter(
        (by_id[int(m["X-Kith-Reminder"])].kind, by_id[int(m["X-Kith-Reminder"])].object_id, m["To"])
        for m in sink.for_reminders(ids)
    )
    fishing_reminders = Counter(
        {
            to: n
            for (kind, pk, to), n in received.items()
            if kind == messages.ACTIVITY_REMINDER and pk == fishing.pk
        }
    )
    assert fishing_reminders == expected_fishing
    # Nothing of the cancelled museum's reminders; its cancellation once to each.
    assert not [key for key in received if key[0] == messages.ACTIVITY_REMINDER and key[1] == museum.pk]
    cancelled = Counter(to for (kind, pk, to) in received if kind == messages.ACTIVITY_CANCELLED)
    assert cancelled == Counter([world.relative.user.email, "val@example.org", "dora@example.org"])
    assert set(sink.per_reminder()[pk] for pk in ids) == {1}

    # Beat runs again: nothing more is made or sent.
    before = sink.count
    run_task(plan, finished_tasks)
    assert run_task(sweep, finished_tasks)["handed_out"] == 0
    assert sink.count == before
