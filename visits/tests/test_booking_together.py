"""A booking written in one statement (homes.together), on PostgreSQL: the
same rows, history and emails as through the ORM, saved once per form, and
nothing at all when the space is taken."""

import threading
import time as clock
import uuid
from datetime import time

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from carehome.errors import DomainError
from homes.models import FormSubmission, SpaceHold
from homes.scoping import home_scope
from homes.submissions import AlreadySaved
from homes.together import create_together
from notifications.models import Reminder
from visits.models import Visit
from visits.services.booking import visit_book
from visits.tests.test_booking import next_weekday

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="one statement only on PostgreSQL"),
]


@pytest.fixture
def through_the_orm():
    """Prepared statements off (as behind pgbouncer): the ORM's path."""
    connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
    yield
    connection.settings_dict.pop("DISABLE_SERVER_SIDE_CURSORS")


def book(world, start, *, token=None, **kwargs):
    values = {
        "resident": world.resident,
        "day": next_weekday(),
        "start_time": time(start),
        "end_time": time(start, 45),
        "space": world.space,
        "visitor_name": "Linda Baxter",
        "note": "We'll bring the photo album.",
    }
    values.update(kwargs)
    return visit_book(
        home=world.home,
        actor=world.relative.user,
        membership=world.relative,
        form_token=token or uuid.uuid4(),
        **values,
    )


def counts():
    """How many visits, holds, outbox rows and history entries there are."""
    return (
        Visit.objects.count(),
        SpaceHold.objects.count(),
        Reminder.objects.count(),
        LogEntry.objects.count(),
    )


def written(visit):
    """What a booking wrote, in terms that do not depend on ids or the clock."""
    entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(Visit), object_id=visit.pk)
    changes = {
        name: change
        for name, change in entry.changes.items()
        if name not in ("id", "uid", "created_at", "starts_at", "ends_at", "blocked_from", "blocked_until")
    }
    claim = FormSubmission.objects.get(created_id=visit.pk)
    hold = SpaceHold.objects.get(pk=visit.hold_id)
    return {
        "visit": (
            visit.resident_id,
            visit.booked_by_id,
            visit.visitor_name,
            visit.kind,
            visit.space_id,
            visit.note,
        ),
        "hold": (hold.space_id, hold.held_for, hold.label, hold.blocked_until - hold.blocked_from),
        "history": (
            entry.action,
            entry.actor_id,
            entry.actor_email,
            entry.remote_addr,
            entry.additional_data,
            entry.object_pk == str(visit.pk),
            changes,
        ),
        "claim": (claim.actor_id, claim.created_type.model_class()),
        "outbox": sorted(
            (r.kind, r.channel, r.recipient, r.user_id, r.queued_at is not None, sorted(r.data))
            for r in Reminder.objects.filter(object_id=visit.pk)
        ),
    }


def test_one_statement_writes_what_the_orm_writes(world, through_the_orm, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        by_the_orm = book(world, 10)
    connection.settings_dict.pop("DISABLE_SERVER_SIDE_CURSORS")
    try:
        with django_capture_on_commit_callbacks(execute=False):
            together = book(world, 12)
    finally:
        connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
    assert together.pk != by_the_orm.pk and together.hold_id != by_the_orm.hold_id
    assert written(together) == written(by_the_orm)
    # Read back as saved: the entry's id and times are the row's own.
    entry = LogEntry.objects.get(object_id=together.pk, content_type__model="visit")
    saved = Visit.objects.get(pk=together.pk)
    assert entry.changes["id"] == ["None", str(together.pk)]
    assert entry.changes["uid"] == ["None", str(saved.uid)]
    assert saved.hold.space == world.space and saved.hold.visit == saved
    assert entry.object_repr == str(saved)


def test_a_confirmation_is_handed_to_a_worker_with_its_id(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        visit = book(world, 10)
    confirmation = Reminder.objects.get(object_id=visit.pk, kind="visits.booked")
    assert confirmation.status == Reminder.Status.SENT  # the worker (eager here) sent it


def test_a_form_sent_twice_saves_once_and_points_at_the_first(world):
    token = uuid.uuid4()
    first = book(world, 10, token=token)
    before = counts()
    with pytest.raises(AlreadySaved) as saved:
        book(world, 14, token=token)  # another time, the same form: still the first
    assert saved.value.record == first
    after = counts()
    assert after == before
    assert FormSubmission.objects.filter(token=token).count() == 1


def test_a_taken_space_writes_nothing_and_the_form_can_be_sent_again(world):
    book(world, 10)
    token = uuid.uuid4()
    before = counts()
    with pytest.raises(DomainError) as taken:
        book(world, 10, token=token)
    assert "taken" in taken.value.message and taken.value.field == "space"
    after = counts()
    assert after == before
    assert not FormSubmission.objects.filter(token=token).exists()
    assert book(world, 13, token=token).starts_at.hour == 13  # the same form, another time (UTC in winter)


def test_a_call_with_no_space_and_no_form_writes_no_hold(world):
    visit = visit_book(
        home=world.home,
        actor=world.relative.user,
        membership=world.relative,
        resident=world.resident,
        day=next_weekday(),
        start_time=time(16),
        end_time=time(16, 30),
    )
    assert visit.hold is None and Visit.objects.get(pk=visit.pk).hold_id is None
    assert LogEntry.objects.filter(object_id=visit.pk, content_type__model="visit").count() == 1


def test_the_booking_writes_in_one_statement_after_one_query_for_ids(world):
    book(world, 9)  # the statements are prepared on this connection now
    with CaptureQueriesContext(connection) as queries:
        book(world, 11)
    writes = [q["sql"] for q in queries.captured_queries if "kith_together" in q["sql"]]
    assert len(writes) == 2  # the ids, then everything
    assert not any(q["sql"].startswith(("INSERT", "UPDATE")) for q in queries.captured_queries)


def test_rows_of_another_home_are_refused(world):
    stranger = Visit(home=world.other_home, resident=world.foreign_resident, visitor_name="X")
    with pytest.raises(ValueError, match="written with home"):
        create_together(home=world.home, actor=None, token=None, rows=[stranger])
    assert not Visit.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_double_tap_waits_for_the_first_and_is_shown_its_visit(world):
    """The first tap's statement has run but not committed (an outer
    transaction holds it open) when the second arrives: the second waits on
    the first's claim of the token, then writes nothing and points at the
    first's visit. Neither is told the space is taken."""
    token = uuid.uuid4()
    claimed = threading.Event()
    results, errors = [], []

    def first():
        try:
            with home_scope(world.home), transaction.atomic():
                visit = book(world, 10, token=token)
                claimed.set()
                clock.sleep(0.5)  # the second tap arrives meanwhile
            results.append(("saved", visit.pk))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))
        finally:
            claimed.set()
            connection.close()

    def second():
        claimed.wait(10)
        try:
            with home_scope(world.home):
                book(world, 10, token=token)
            results.append(("saved", None))
        except AlreadySaved as saved:
            results.append(("already saved", saved.record.pk if saved.record else None))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    visit = Visit.objects.get()
    assert sorted(results) == [("already saved", visit.pk), ("saved", visit.pk)]
    assert SpaceHold.objects.count() == 1
    assert LogEntry.objects.filter(content_type__model="visit").count() == 1
