"""Expiry warnings end to end: the planner task and the sweeper through the
real broker (Redis), a real Celery worker, PostgreSQL and an SMTP sink
(tests/outbox_harness.py), as in tests/test_outbox_worker.py.

Each warning reaches each person exactly once, however often the planner
runs, before and after the worker has sent them. The dates are chosen so
every warning fell due yesterday at 09:00 (a planner running a day late), so
the test does not depend on the time of day it runs.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.tests.factories import UserFactory
from notifications.models import Reminder
from notifications.tasks import plan, sweep
from tests.conftest import finished_tasks, sink, worker  # noqa: F401 - the real worker's fixtures
from tests.outbox_harness import wait_for
from volunteers.models import BackgroundCheck, Driver, TrainingRecord
from volunteers.tests.factories import (
    DbsCheckFactory,
    DriverFactory,
    TrainingRecordFactory,
    VolunteerFactory,
    module,
)

pytestmark = pytest.mark.integration

WAIT_SECONDS = 20
PLANNER = "volunteers.expiry_warnings"
Status = Reminder.Status


def days(n):
    return timezone.localdate() + timedelta(days=n)


def run_task(task, finished):
    """Send ``task`` through the broker and wait for the worker to finish it."""
    result = task.apply_async()
    assert wait_for(lambda: result.id in finished, WAIT_SECONDS), f"{task.name} did not run"
    return finished[result.id]


def warnings():
    types = ContentType.objects.get_for_models(BackgroundCheck, TrainingRecord, Driver).values()
    return Reminder.objects.filter(kind__startswith="volunteers.", object_type__in=list(types))


def test_each_warning_reaches_each_person_once_with_the_real_worker(world, worker, sink, finished_tasks):  # noqa: F811
    # A volunteer with a Kith account and a contact at the home: a DBS check, insurance and MOT.
    user = UserFactory(full_name="Vera Volunteer")
    vera = VolunteerFactory(home=world.home, user=user, full_name="Vera Volunteer", contact=world.champion)
    DbsCheckFactory(volunteer=vera, issued_on=days(-1000), valid_until=days(29))
    DriverFactory(
        volunteer=vera, drives_own_car=True, insurance_expires_on=days(29), vehicle_check_expires_on=days(29)
    )
    # A volunteer with no account and no contact: their email address and the co-ordinators.
    walter = VolunteerFactory(home=world.home, full_name="Walter Walker", email="walter@example.org")
    TrainingRecordFactory(volunteer=walter, module=module("first-aid"), expires_on=days(6))
    # A member of staff: them and the co-ordinators.
    TrainingRecordFactory(volunteer=None, member=world.staff, module=module("first-aid"), expires_on=days(59))

    first = run_task(plan, finished_tasks)
    second = run_task(plan, finished_tasks)

    assert first[PLANNER] > 0 and second[PLANNER] == 0
    made = warnings()
    vera_and_contact = (user.email, world.champion.user.email)
    coordinators = (world.manager.user.email, world.champion.user.email)
    # (kind, document, to whom): one each.
    expected = Counter(
        [
            *[("volunteers.check_expiring", "check", to) for to in vera_and_contact],
            *[("volunteers.driver_expiring", "insurance", to) for to in vera_and_contact],
            *[("volunteers.driver_expiring", "mot", to) for to in vera_and_contact],
            *[
                ("volunteers.training_expiring", "training", to)
                for to in ("walter@example.org", *coordinators)
            ],
            *[
                ("volunteers.training_expiring", "training", to)
                for to in (world.staff.user.email, *coordinators)
            ],
        ]
    )
    assert made.count() == expected.total() == 12

    run_task(sweep, finished_tasks)
    ids = set(made.values_list("pk", flat=True))
    settled = Reminder.objects.filter(pk__in=ids, status__in=[Status.SENT, Status.FAILED, Status.CANCELLED])
    assert wait_for(lambda: settled.count() == len(ids), WAIT_SECONDS), "the warnings were not all sent"
    problems = list(
        Reminder.objects.filter(pk__in=ids).exclude(status=Status.SENT).values_list("kind", "status")
    )
    assert problems == []

    # The sink received exactly one email per warning per person.
    assert wait_for(lambda: len(sink.for_reminders(ids)) == len(ids), WAIT_SECONDS)
    per_reminder = sink.per_reminder()
    assert {pk: per_reminder[pk] for pk in ids} == dict.fromkeys(ids, 1)
    by_id = {r.pk: r for r in made}
    received = Counter(
        (by_id[int(m["X-Kith-Reminder"])].kind, by_id[int(m["X-Kith-Reminder"])].data["document"], m["To"])
        for m in sink.for_reminders(ids)
    )
    assert received == expected

    # The planner and the sweeper run again, as beat runs them: nothing more is made or sent.
    before = sink.count
    assert run_task(plan, finished_tasks)[PLANNER] == 0
    assert run_task(sweep, finished_tasks)["handed_out"] == 0
    assert warnings().count() == len(ids)
    assert sink.count == before
    assert {pk: sink.per_reminder()[pk] for pk in ids} == dict.fromkeys(ids, 1)
