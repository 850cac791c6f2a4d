"""A resident's timeline: their connections, newest first, 20 a page."""

from datetime import timedelta

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from residents.models import Connection, Resident, Response
from residents.tests.factories import (
    ConnectionFactory,
    ConnectionParticipantFactory,
    PersonWhoMattersFactory,
    ResidentFactory,
)
from tests.html import main_text


def timeline_url(world, resident=None, page=None):
    url = reverse("residents:timeline", args=[world.home.slug, (resident or world.resident).pk])
    return f"{url}?page={page}" if page else url


def entry(resident, *, days_ago, **connection):
    when = timezone.now() - timedelta(days=days_ago)
    logged = ConnectionFactory(home=resident.home, occurred_at=when, **connection)
    return logged, ConnectionParticipantFactory(resident=resident, connection=logged, occurred_at=when)


def test_the_timeline_shows_connections_newest_first(world, client_for):
    peggy = world.resident
    jane = PersonWhoMattersFactory(resident=peggy, name="Jane Baxter", relationship="daughter")
    _, call = entry(
        peggy,
        days_ago=1,
        with_whom=Connection.WithWhom.PERSON,
        person=jane,
        mode=Connection.Mode.PHONE,
        with_name="",
        note="Talked about the grandchildren.",
        logged_by=world.staff.user,
    )
    singing, sang = entry(peggy, days_ago=3, with_name="Singing group", logged_by=world.champion.user)
    sang.response = Response.DECLINED
    sang.note = "Tired after the doctor's visit."
    sang.save()
    ConnectionParticipantFactory(
        resident=world.unlinked_resident, connection=singing, occurred_at=sang.occurred_at
    )
    entry(
        peggy,
        days_ago=5,
        with_whom=Connection.WithWhom.STAFF,
        staff_member=world.staff.user,
        mode=Connection.Mode.IN_PERSON,
        with_name="",
    )
    # Not hers: another resident's, and another home's.
    entry(world.unlinked_resident, days_ago=2, with_name="Garden club")
    entry(world.foreign_resident, days_ago=2, with_name="Foreign quiz")

    response = client_for(world.staff).get(timeline_url(world))
    assert response.status_code == 200
    text = main_text(response)
    assert "3 connections recorded." in text
    assert "Garden club" not in text
    assert "Foreign quiz" not in text
    call_at = timezone.localtime(call.occurred_at).strftime("%A %-d %B %Y, %H:%M")
    assert (
        f"{call_at} Jane Baxter (daughter) · Phone How it went: Joined in actively "
        f"Talked about the grandchildren. Logged by Aisha Bello"
    ) in text
    assert "Singing group · Group activity · with 1 other resident How it went: Declined" in text
    assert "About Peggy: Tired after the doctor's visit." in text
    assert "Aisha Bello (staff) · In person" in text
    assert text.index("Jane Baxter") < text.index("Singing group") < text.index("Aisha Bello (staff)")
    assert response.context["resident"] == peggy
    assert 'aria-current="page">Connections</a>' in response.content.decode()


def test_the_log_button_preselects_the_resident(world, client_for):
    response = client_for(world.staff).get(timeline_url(world))
    add = reverse("residents:connection_add", args=[world.home.slug])
    assert f'href="{add}?resident={world.resident.pk}"' in response.content.decode()
    assert "Log a connection for Peggy" in main_text(response)
    assert "No connections recorded for Peggy yet." in main_text(response)


def test_no_log_button_for_someone_who_has_left(world, client_for):
    gone = ResidentFactory(home=world.home, full_name="Frank Gone", status=Resident.Status.LEFT)
    response = client_for(world.staff).get(timeline_url(world, gone))
    assert response.status_code == 200
    assert "Log a connection" not in main_text(response)


def test_the_timeline_is_paged_twenty_at_a_time(world, client_for):
    for n in range(25):
        entry(world.resident, days_ago=n + 1, with_name=f"Activity {n + 1:02d}")
    client = client_for(world.staff)
    first = main_text(client.get(timeline_url(world)))
    assert "25 connections recorded; showing 1 to 20." in first
    assert "Activity 01" in first and "Activity 20" in first and "Activity 21" not in first
    assert "Pages of connections" in client.get(timeline_url(world)).content.decode()
    second = client.get(timeline_url(world, page=2))
    text = main_text(second)
    assert "showing 21 to 25" in text
    assert "Activity 21" in text and "Activity 25" in text and "Activity 20" not in text
    assert 'aria-current="page"><span class="visually-hidden">Page </span>2' in second.content.decode()
    # A page number out of range shows the last page, not an error.
    assert "showing 21 to 25" in main_text(client.get(timeline_url(world, page=99)))
    assert "showing 1 to 20" in main_text(client.get(timeline_url(world, page="first")))


@pytest.mark.parametrize(("role", "status"), [("family", 403), ("volunteer", 403), ("outsider", 404)])
def test_only_staff_of_this_home_see_a_timeline(world, client_for, role, status):
    entry(world.resident, days_ago=1, with_name="Singing group")
    response = client_for(world.member(role)).get(timeline_url(world))
    assert response.status_code == status
    assert b"Singing group" not in response.content


def test_another_homes_resident_is_not_found(world, client_for):
    response = client_for(world.manager).get(timeline_url(world, world.foreign_resident))
    assert response.status_code == 404


def test_the_timeline_takes_the_same_queries_for_5_or_50_entries(world, client_for):
    client = client_for(world.staff)
    jane = PersonWhoMattersFactory(resident=world.resident)

    def count(n):
        for i in range(n):
            kind = i % 4
            extra = [
                {"with_name": "Singing group"},
                {"with_whom": "person", "person": jane, "mode": "phone", "with_name": ""},
                {"with_whom": "staff", "staff_member": world.staff.user, "mode": "in_person"},
                {"with_whom": "resident", "other_resident": world.unlinked_resident, "mode": "in_person"},
            ][kind]
            entry(world.resident, days_ago=i % 60 + 1, logged_by=world.manager.user, **extra)
        with CaptureQueriesContext(db_connection) as queries:
            assert client.get(timeline_url(world)).status_code == 200
        return len(queries)

    count(1)
    assert count(5) == count(50)
