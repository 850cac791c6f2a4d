"""Correcting and striking out a connection-log entry: its author for
CONNECTION_CORRECTION_DAYS, a manager at any time; a struck-out entry stays,
marked, and no longer counts."""

from datetime import time, timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from carehome.timeutils import local_datetime
from residents.models import Connection, ConnectionParticipant, Response
from residents.selectors.worklist import worklist_for
from residents.tests.factories import ConnectionFactory, ConnectionParticipantFactory
from tests.html import main_text


def logged(world, *, by, days_ago=1, logged_days_ago=None, residents=None, **fields):
    """A connection logged by ``by`` (a membership) ``logged_days_ago`` days ago."""
    when = timezone.now() - timedelta(days=days_ago)
    connection = ConnectionFactory(home=world.home, occurred_at=when, logged_by=by.user, **fields)
    if logged_days_ago is not None:
        Connection.objects.filter(pk=connection.pk).update(
            created_at=timezone.now() - timedelta(days=logged_days_ago)
        )
        connection.refresh_from_db()
    for resident in residents or [world.resident]:
        ConnectionParticipantFactory(resident=resident, connection=connection, occurred_at=when)
    return connection


def url(world, name, connection, resident=None):
    return reverse(
        f"residents:{name}", args=[world.home.slug, (resident or world.resident).pk, connection.pk]
    )


def correction(connection, **changes):
    when = timezone.localtime(connection.occurred_at)
    data = {
        "date": when.date().isoformat(),
        "time": when.strftime("%H:%M"),
        "mode": connection.mode,
        "note": connection.note,
        "response": Response.ACTIVE,
        "participant_note": "",
    }
    data.update(changes)
    return data


def quiet_names(world):
    return {r.full_name for r in worklist_for(world.home).quiet}


# --- Correcting -----------------------------------------------------------------


def test_the_author_corrects_an_entry_within_the_window(world, client_for, settings):
    settings.CONNECTION_CORRECTION_DAYS = 7
    connection = logged(
        world, by=world.staff, logged_days_ago=6, residents=[world.resident, world.unlinked_resident]
    )
    # Earlier than it was logged (yesterday), at a time that exists on any day: two
    # hours before a time early in the morning may be in the hour the clocks skip.
    earlier = local_datetime(timezone.localdate() - timedelta(days=2), time(10, 0))
    client = client_for(world.staff)

    page = client.get(url(world, "connection_correct", connection))
    assert page.status_code == 200
    response = client.post(
        url(world, "connection_correct", connection),
        correction(
            connection,
            date=earlier.date().isoformat(),
            time=earlier.strftime("%H:%M"),
            mode=Connection.Mode.IN_PERSON,
            note="Sang in the lounge, not the garden.",
            response=Response.PASSIVE,
            participant_note="Hummed along.",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("residents:timeline", args=[world.home.slug, world.resident.pk])

    connection.refresh_from_db()
    assert connection.mode == Connection.Mode.IN_PERSON
    assert connection.note == "Sang in the lounge, not the garden."
    assert connection.occurred_at == earlier.replace(second=0, microsecond=0)
    mine = ConnectionParticipant.objects.get(connection=connection, resident=world.resident)
    assert (mine.response, mine.note, mine.occurred_at) == (
        Response.PASSIVE,
        "Hummed along.",
        connection.occurred_at,
    )
    # Everyone in the entry moves to the corrected time.
    other = ConnectionParticipant.objects.get(connection=connection, resident=world.unlinked_resident)
    assert other.occurred_at == connection.occurred_at
    assert other.response == Response.ACTIVE

    # The history keeps what it said before, with who changed it.
    (update,) = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Connection),
        object_pk=str(connection.pk),
        action=LogEntry.Action.UPDATE,
    )
    assert update.actor == world.staff.user
    assert update.changes_dict["mode"] == ["group_activity", "in_person"]
    moved = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(ConnectionParticipant),
        object_pk=str(other.pk),
        action=LogEntry.Action.UPDATE,
    )
    assert moved.actor == world.staff.user and set(moved.changes_dict) == {"occurred_at"}


def test_after_the_window_the_author_is_told_to_ask_a_manager(world, client_for, settings):
    settings.CONNECTION_CORRECTION_DAYS = 7
    connection = logged(world, by=world.staff, logged_days_ago=8)
    client = client_for(world.staff)
    for name in ("connection_correct", "connection_strike_out"):
        page = client.get(url(world, name, connection))
        assert page.status_code == 403
        assert "for 7 days" in main_text(page) and "ask a manager" in main_text(page)
    response = client.post(
        url(world, "connection_correct", connection), correction(connection, note="Changed")
    )
    assert response.status_code == 403
    response = client.post(url(world, "connection_strike_out", connection), {"reason": "Wrong person"})
    assert response.status_code == 403
    connection.refresh_from_db()
    assert connection.note == "" and connection.struck_out_at is None


def test_someone_else_on_the_staff_cannot_change_the_entry(world, client_for):
    connection = logged(world, by=world.staff)
    page = client_for(world.champion).get(url(world, "connection_correct", connection))
    assert page.status_code == 403
    assert "Only the person who logged this entry, or a manager" in main_text(page)


def test_a_manager_can_always_correct_and_strike_out(world, client_for):
    connection = logged(world, by=world.staff, logged_days_ago=60)
    client = client_for(world.manager)
    response = client.post(
        url(world, "connection_correct", connection), correction(connection, note="Fixed by Ruth")
    )
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.note == "Fixed by Ruth"
    response = client.post(url(world, "connection_strike_out", connection), {"reason": "Entered twice"})
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.struck_out_by == world.manager.user
    assert connection.struck_out_reason == "Entered twice"


def test_a_relative_gets_403(world, client_for):
    connection = logged(world, by=world.staff)
    assert client_for(world.relative).get(url(world, "connection_correct", connection)).status_code == 403


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date": ""}, "Enter the date it happened"),
        ({"mode": "teleport"}, "Choose how it happened, from the list."),
        ({"response": ""}, "Choose how it went for Peggy."),
        ({"participant_note": "x" * 301}, "Keep the note about Peggy under 300 characters."),
        ({"date": (timezone.localdate() + timedelta(days=3)).isoformat()}, "That date is in the future"),
    ],
)
def test_bad_input_shows_the_message_and_saves_nothing(world, client_for, changes, message):
    connection = logged(world, by=world.staff)
    before = (connection.occurred_at, connection.mode, connection.note)
    logged_before = LogEntry.objects.count()
    response = client_for(world.staff).post(
        url(world, "connection_correct", connection), correction(connection, **changes)
    )
    assert response.status_code == 200
    assert message in main_text(response)
    connection.refresh_from_db()
    assert (connection.occurred_at, connection.mode, connection.note) == before
    assert LogEntry.objects.count() == logged_before


def test_an_entry_the_resident_was_not_part_of_is_404(world, client_for):
    connection = logged(world, by=world.staff, residents=[world.unlinked_resident])
    assert client_for(world.manager).get(url(world, "connection_correct", connection)).status_code == 404


def test_another_homes_user_gets_404(world, client_for):
    connection = logged(world, by=world.staff)
    client = client_for(world.outsider)
    for name in ("connection_correct", "connection_strike_out"):
        assert client.get(url(world, name, connection)).status_code == 404
        assert client.post(url(world, name, connection), {"reason": "x"}).status_code == 404


# --- Striking out ----------------------------------------------------------------


def test_striking_out_takes_the_entry_off_the_worklist_count(world, client_for):
    connection = logged(world, by=world.staff, days_ago=1)
    assert world.resident.full_name not in quiet_names(world)

    response = client_for(world.staff).post(
        url(world, "connection_strike_out", connection), {"reason": "Logged for the wrong resident"}
    )
    assert response.status_code == 302

    connection.refresh_from_db()
    assert connection.struck_out_at is not None
    assert connection.struck_out_by == world.staff.user
    assert ConnectionParticipant.objects.filter(connection=connection).exists()  # kept, not deleted
    assert world.resident.full_name in quiet_names(world)
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Connection),
        object_pk=str(connection.pk),
        action=LogEntry.Action.UPDATE,
    )
    assert entry.actor == world.staff.user
    assert entry.changes_dict["struck_out_reason"] == ["", "Logged for the wrong resident"]


def test_a_strike_out_needs_a_reason(world, client_for):
    connection = logged(world, by=world.staff)
    response = client_for(world.staff).post(url(world, "connection_strike_out", connection), {"reason": "  "})
    assert response.status_code == 200
    assert "Write why this entry is being struck out." in main_text(response)
    connection.refresh_from_db()
    assert connection.struck_out_at is None


def test_a_struck_out_entry_cannot_be_changed_again(world, client_for):
    connection = logged(world, by=world.staff)
    client = client_for(world.manager)
    client.post(url(world, "connection_strike_out", connection), {"reason": "Entered twice"})
    page = client.get(url(world, "connection_correct", connection))
    assert page.status_code == 403
    assert "has been struck out" in main_text(page)


def test_the_timeline_shows_a_struck_out_entry_with_its_reason_and_links(world, client_for):
    kept = logged(world, by=world.staff, days_ago=1, note="A good chat.")
    struck = logged(world, by=world.staff, days_ago=2, note="Not Peggy at all.")
    client = client_for(world.manager)
    client.post(url(world, "connection_strike_out", struck), {"reason": "Logged for the wrong resident"})

    page = client.get(reverse("residents:timeline", args=[world.home.slug, world.resident.pk]))
    html = page.content.decode()
    text = main_text(page)
    assert "Struck out by Ruth Adeyemi" in text and "Logged for the wrong resident" in text
    assert "<del>" in html
    assert url(world, "connection_correct", kept) in html
    assert url(world, "connection_strike_out", kept) in html
    assert url(world, "connection_correct", struck) not in html
    history = reverse(
        "homes:history", args=[world.home.slug, ContentType.objects.get_for_model(Connection).pk, kept.pk]
    )
    assert history in html


def test_the_timeline_shows_no_change_links_to_someone_who_may_not_change(world, client_for):
    connection = logged(world, by=world.staff)
    html = (
        client_for(world.champion)
        .get(reverse("residents:timeline", args=[world.home.slug, world.resident.pk]))
        .content.decode()
    )
    assert url(world, "connection_correct", connection) not in html


def test_the_timeline_query_count_stays_the_same(world, client_for, settings):
    settings.KITH_FRAGMENT_CACHE = False  # the page's own queries, every time
    client = client_for(world.manager)
    timeline = reverse("residents:timeline", args=[world.home.slug, world.resident.pk])

    def count():
        with CaptureQueriesContext(db_connection) as queries:
            assert client.get(timeline).status_code == 200
        return len(queries)

    logged(world, by=world.staff)
    few = count()
    for n in range(6):
        c = logged(world, by=world.champion if n % 2 else world.staff, days_ago=n + 2)
        if n % 3 == 0:
            client.post(url(world, "connection_strike_out", c), {"reason": "Entered twice"})
    client.get(timeline)  # shows (and clears) the "struck out" messages
    assert count() == few
