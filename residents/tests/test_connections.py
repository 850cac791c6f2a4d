"""Logging a connection (two short steps), one logged connection, and the service."""

import re
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from carehome.errors import DomainError
from residents.models import Connection, ConnectionParticipant, Resident, Response
from residents.services.connections import connection_log
from residents.tests.factories import (
    ConnectionParticipantFactory,
    PersonWhoMattersFactory,
    ResidentFactory,
)
from tests.html import field_error, main_text

# Times typed on the form are "an hour ago", "in half an hour", "tomorrow": at
# 10:00 on a Wednesday they are the same day (or the next) whenever the suite
# runs, and never in the hour the clocks skip.
pytestmark = pytest.mark.usefixtures("wednesday_morning")


def add_url(world):
    return reverse("residents:connection_add", args=[world.home.slug])


@pytest.fixture
def staff_client(world, client_for):
    return client_for(world.staff)


@pytest.fixture
def group(world):
    """Three residents of Rowan House for a group activity."""
    return [
        world.resident,
        world.unlinked_resident,
        ResidentFactory(home=world.home, full_name="Stanley Walker", preferred_name="Stan", room="14"),
    ]


def local_now():
    return timezone.localtime().replace(second=0, microsecond=0)


def post_data(residents, *, when=None, **overrides):
    when = when or local_now() - timedelta(hours=1)
    data = {
        "residents": [r.pk for r in residents],
        "date": when.date().isoformat(),
        "time": when.strftime("%H:%M"),
        "with_whom": Connection.WithWhom.GROUP,
        "with_name": "Singing group",
        "mode": Connection.Mode.GROUP_ACTIVITY,
        "note": "",
    }
    for r in residents:
        data[f"response_{r.pk}"] = Response.ACTIVE
        data[f"note_{r.pk}"] = ""
    data.update(overrides)
    return data


# --- Step 1: who took part ----------------------------------------------------------------


def test_step_one_lists_the_people_living_here_with_their_rooms(world, staff_client):
    ResidentFactory(home=world.home, full_name="Edna Left", status=Resident.Status.LEFT)
    ResidentFactory(home=world.home, full_name="Vera Away", status=Resident.Status.HOSPITAL, room="7")
    response = staff_client.get(add_url(world))
    assert response.status_code == 200
    text = main_text(response)
    assert "Step 1 of 2" in text
    assert "Who took part?" in text
    assert f"Margaret Baxter (Peggy) Room {world.resident.room}" in text
    assert "Arthur Hughes" in text
    assert "Vera Away Room 7 · In hospital" in text
    assert "Edna Left" not in text
    assert "Doris Foreign" not in text


def test_choosing_no_one_is_explained(world, staff_client):
    response = staff_client.get(add_url(world), {"step": "details"})
    assert response.status_code == 200
    assert field_error(response, "residents") == "Choose at least one person who took part."
    assert "Step 1 of 2" in main_text(response)


def test_a_resident_of_another_home_cannot_be_chosen(world, staff_client):
    response = staff_client.get(
        add_url(world), {"residents": [world.resident.pk, world.foreign_resident.pk], "step": "details"}
    )
    assert field_error(response, "residents") == "One of the people chosen does not live at Rowan House."
    assert "Doris Foreign" not in main_text(response)


def test_choosing_residents_leads_to_step_two_with_a_row_each(world, staff_client, group):
    response = staff_client.get(add_url(world), {"residents": [r.pk for r in group], "step": "details"})
    assert response.status_code == 200
    text = main_text(response)
    assert "Step 2 of 2" in text
    assert "Who took part (3 people)" in text
    for r in group:
        assert f"How it went for {r.display_name}" in text
        assert f'name="response_{r.pk}"' in response.content.decode()
    # Several people: a group activity is the likely answer, already chosen.
    form = response.context["form"]
    assert form["with_whom"].value() == Connection.WithWhom.GROUP
    assert form["mode"].value() == Connection.Mode.GROUP_ACTIVITY
    for r in group:
        assert form[f"response_{r.pk}"].value() == Response.ACTIVE


def test_the_timeline_button_preselects_one_resident(world, staff_client):
    person = PersonWhoMattersFactory(resident=world.resident, name="Jane Baxter", relationship="daughter")
    response = staff_client.get(add_url(world), {"resident": world.resident.pk})
    assert response.status_code == 200
    text = main_text(response)
    assert "Who took part Margaret Baxter (Peggy)" in text
    assert "Jane Baxter (daughter)" in text
    form = response.context["form"]
    assert form["date"].value() == timezone.localdate()
    assert form["with_whom"].value() is None

    # From the worklist: the person who matters and their way of keeping in touch, ready.
    response = staff_client.get(add_url(world), {"resident": world.resident.pk, "person": person.pk})
    form = response.context["form"]
    assert form["with_whom"].value() == Connection.WithWhom.PERSON
    assert form["person"].value() == person.pk
    assert form["mode"].value() == Connection.Mode.PHONE


def test_change_who_took_part_goes_back_with_them_ticked(world, staff_client, group):
    response = staff_client.get(add_url(world), {"residents": [group[0].pk, group[2].pk], "change": "1"})
    page = response.content.decode()
    assert "Step 1 of 2" in main_text(response)
    assert re.search(rf'value="{group[0].pk}" id="resident-{group[0].pk}" checked', page)
    assert re.search(rf'value="{group[2].pk}" id="resident-{group[2].pk}" checked', page)
    assert not re.search(rf'value="{group[1].pk}" id="resident-{group[1].pk}" checked', page)


# --- Step 2: saving -----------------------------------------------------------------------


def test_staff_log_a_group_activity_with_a_response_each(world, staff_client, group):
    data = post_data(group, note="Lovely afternoon; we sang the old songs.")
    data[f"response_{group[1].pk}"] = Response.DECLINED
    data[f"note_{group[1].pk}"] = "Wanted to rest in his room."
    data[f"response_{group[2].pk}"] = Response.PASSIVE

    response = staff_client.post(add_url(world), data)

    assert response.status_code == 302
    logged = Connection.objects.get(home=world.home)
    assert response.url == reverse("residents:connection_detail", args=[world.home.slug, logged.pk])
    assert (logged.with_whom, logged.with_name, logged.mode) == ("group", "Singing group", "group_activity")
    assert logged.logged_by == world.staff.user
    assert logged.note == "Lovely afternoon; we sang the old songs."
    participants = {p.resident_id: p for p in ConnectionParticipant.objects.filter(connection=logged)}
    assert {pk: p.response for pk, p in participants.items()} == {
        group[0].pk: Response.ACTIVE,
        group[1].pk: Response.DECLINED,
        group[2].pk: Response.PASSIVE,
    }
    assert participants[group[1].pk].note == "Wanted to rest in his room."
    assert all(p.occurred_at == logged.occurred_at for p in participants.values())
    assert all(p.home_id == world.home.pk for p in participants.values())

    page = staff_client.get(response.url)
    text = main_text(page)
    assert "Saved: a connection logged for 3 people." in text
    assert "Singing group" in text
    assert "Arthur Hughes Declined Wanted to rest in his room." in text
    assert "Log another connection" in text
    assert f'href="{add_url(world)}"' in page.content.decode()


def test_one_resident_with_someone_who_matters(world, staff_client):
    jane = PersonWhoMattersFactory(resident=world.resident, name="Jane Baxter", relationship="daughter")
    data = post_data([world.resident], with_whom="person", person=jane.pk, mode="phone", with_name="ignored")
    response = staff_client.post(add_url(world), data)
    assert response.status_code == 302
    logged = Connection.objects.get()
    assert (logged.person, logged.mode, logged.with_name) == (jane, "phone", "")
    assert "Saved: a connection logged for Peggy." in main_text(staff_client.get(response.url))


def test_a_resident_smuggled_in_from_another_home_saves_nothing(world, staff_client, group):
    foreign = world.foreign_resident
    data = post_data(group)
    data["residents"] = [*data["residents"], foreign.pk]
    data[f"response_{foreign.pk}"] = Response.ACTIVE
    response = staff_client.post(add_url(world), data)
    assert response.status_code == 200
    assert field_error(response, "residents") == "One of the people chosen does not live at Rowan House."
    assert "Doris Foreign" not in main_text(response)
    assert Connection.objects.count() == 0
    assert ConnectionParticipant.objects.count() == 0


def test_a_resident_who_has_left_cannot_be_logged(world, staff_client):
    gone = ResidentFactory(home=world.home, full_name="Gone Away", status=Resident.Status.DIED)
    response = staff_client.post(add_url(world), post_data([world.resident, gone]))
    assert field_error(response, "residents") == "One of the people chosen does not live at Rowan House."
    assert Connection.objects.count() == 0


def test_at_least_one_resident_is_needed(world, staff_client):
    data = post_data([])
    response = staff_client.post(add_url(world), data)
    assert response.status_code == 200
    assert field_error(response, "residents") == "Choose at least one person who took part."
    assert Connection.objects.count() == 0


def test_a_time_in_the_future_is_refused(world, staff_client):
    later = local_now() + timedelta(minutes=30)
    response = staff_client.post(add_url(world), post_data([world.resident], when=later))
    assert response.status_code == 200
    assert field_error(response, "time") == "That time is in the future. Enter when it happened."
    assert Connection.objects.count() == 0


def test_a_date_in_the_future_is_refused(world, staff_client):
    tomorrow = local_now() + timedelta(days=1)
    response = staff_client.post(add_url(world), post_data([world.resident], when=tomorrow))
    assert field_error(response, "date") == "That date is in the future. Enter when it happened."
    assert Connection.objects.count() == 0


def test_a_few_minutes_ahead_is_allowed_for_a_fast_clock(world, staff_client):
    soon = local_now() + timedelta(minutes=2)
    response = staff_client.post(add_url(world), post_data([world.resident], when=soon))
    assert response.status_code == 302


def test_more_than_90_days_ago_is_refused(world, staff_client):
    long_ago = local_now() - timedelta(days=91)
    response = staff_client.post(add_url(world), post_data([world.resident], when=long_ago))
    assert field_error(response, "date") == "That is more than 90 days ago. Enter a date in the last 90 days."
    assert Connection.objects.count() == 0


def test_empty_answers_are_explained_next_to_each_field(world, staff_client):
    data = post_data([world.resident], date="", time="", with_whom="", mode="")
    data[f"response_{world.resident.pk}"] = ""
    response = staff_client.post(add_url(world), data)
    assert response.status_code == 200
    assert field_error(response, "date") == "Enter the date it happened, like 12/11/2026."
    assert field_error(response, "time") == "Enter the time it happened, like 14:30."
    assert field_error(response, "with_whom") == "Choose who the connection was with."
    assert field_error(response, "mode") == "Choose how it happened."
    assert field_error(response, f"response_{world.resident.pk}") == "Choose how it went for Peggy."
    assert 'aria-invalid="true"' in response.content.decode()
    assert "Nothing was saved yet" in main_text(response)
    assert Connection.objects.count() == 0


def test_nonsense_is_explained(world, staff_client):
    data = post_data([world.resident], date="31/02/2026", time="25:99", mode="telepathy")
    data[f"response_{world.resident.pk}"] = "ecstatic"
    response = staff_client.post(add_url(world), data)
    assert field_error(response, "date") == "Enter the date it happened, like 12/11/2026."
    assert field_error(response, "time") == "Enter the time it happened, like 14:30."
    assert field_error(response, "mode") == "Choose how it happened, from the list."
    assert "Choose how it went for Peggy, from the list." in field_error(
        response, f"response_{world.resident.pk}"
    )
    assert Connection.objects.count() == 0


def test_a_group_activity_needs_its_name(world, staff_client, group):
    response = staff_client.post(add_url(world), post_data(group, with_name="  "))
    assert field_error(response, "with_name") == (
        "Enter the name of the activity, group or volunteer, like “Singing group”."
    )
    assert Connection.objects.count() == 0


def test_someone_who_matters_only_with_one_resident(world, staff_client, group):
    jane = PersonWhoMattersFactory(resident=world.resident, name="Jane Baxter")
    response = staff_client.post(add_url(world), post_data(group, with_whom="person", person=jane.pk))
    assert field_error(response, "with_whom").startswith(
        "Someone who matters can be chosen only when logging for one resident."
    )
    assert Connection.objects.count() == 0


def test_someone_who_matters_must_be_that_residents(world, staff_client):
    arthurs_son = PersonWhoMattersFactory(resident=world.unlinked_resident, name="Paul Hughes")
    foreign = PersonWhoMattersFactory(resident=world.foreign_resident, name="Foreign Friend")
    PersonWhoMattersFactory(resident=world.resident, name="Jane Baxter")
    for person in (arthurs_son, foreign):
        data = post_data([world.resident], with_whom="person", person=person.pk, mode="phone")
        response = staff_client.post(add_url(world), data)
        assert field_error(response, "person") == "Choose someone who matters to Peggy."
    data = post_data([world.resident], with_whom="person", mode="phone")
    response = staff_client.post(add_url(world), data)
    assert field_error(response, "person") == "Choose who Peggy was in touch with."
    assert Connection.objects.count() == 0


def test_someone_who_matters_when_none_are_recorded(world, staff_client):
    response = staff_client.post(
        add_url(world), post_data([world.resident], with_whom="person", mode="phone")
    )
    assert field_error(response, "with_whom").startswith("No one who matters to Peggy is recorded yet.")
    assert Connection.objects.count() == 0


def test_another_resident_must_live_here_and_not_be_taking_part(world, staff_client, group):
    data = post_data(
        group[:2], with_whom="resident", other_resident=world.foreign_resident.pk, mode="in_person"
    )
    response = staff_client.post(add_url(world), data)
    assert field_error(response, "other_resident") == "Choose a resident who lives at Rowan House."
    data = post_data(group[:2], with_whom="resident", other_resident=group[1].pk, mode="in_person")
    response = staff_client.post(add_url(world), data)
    assert field_error(response, "other_resident") == (
        "Arthur is one of the people taking part. Choose someone else."
    )
    assert Connection.objects.count() == 0

    data = post_data(group[:2], with_whom="resident", other_resident=group[2].pk, mode="in_person")
    assert staff_client.post(add_url(world), data).status_code == 302
    assert Connection.objects.get().other_resident == group[2]


def test_a_member_of_staff_must_work_here(world, staff_client):
    for not_staff in (world.relative.user, world.outsider.user, world.volunteer.user):
        data = post_data([world.resident], with_whom="staff", staff_member=not_staff.pk, mode="in_person")
        response = staff_client.post(add_url(world), data)
        assert field_error(response, "staff_member") == "Choose someone who works at Rowan House."
    assert Connection.objects.count() == 0
    data = post_data(
        [world.resident], with_whom="staff", staff_member=world.manager.user.pk, mode="in_person"
    )
    assert staff_client.post(add_url(world), data).status_code == 302
    assert Connection.objects.get().staff_member == world.manager.user


@pytest.mark.parametrize("role", ["manager", "champion", "staff"])
def test_everyone_who_works_here_may_log(world, client_for, role):
    client = client_for(world.member(role))
    assert client.get(add_url(world)).status_code == 200
    assert client.post(add_url(world), post_data([world.resident])).status_code == 302


@pytest.mark.parametrize(("role", "status"), [("family", 403), ("volunteer", 403), ("outsider", 404)])
def test_others_cannot_log(world, client_for, role, status):
    client = client_for(world.member(role))
    assert client.get(add_url(world)).status_code == status
    assert client.get(add_url(world), {"resident": world.resident.pk}).status_code == status
    assert client.post(add_url(world), post_data([world.resident])).status_code == status
    assert Connection.objects.count() == 0


def test_logging_pages_take_the_same_queries_for_5_or_50_residents(world, staff_client, settings):
    settings.KITH_FRAGMENT_CACHE = False  # the pages' own queries, every time

    def counts(n):
        Resident.objects.filter(home=world.home).exclude(pk=world.resident.pk).delete()
        residents = [
            world.resident,
            *ResidentFactory.create_batch(n - 1, home=world.home, unit="Garden wing"),
        ]
        for r in residents:
            PersonWhoMattersFactory(resident=r)
        ids = [r.pk for r in residents]
        found = []
        for request in (
            lambda: staff_client.get(add_url(world)),
            lambda: staff_client.get(add_url(world), {"residents": ids, "step": "details"}),
            lambda: staff_client.post(add_url(world), post_data(residents)),
            lambda: staff_client.post(add_url(world), post_data(residents, with_name="")),
        ):
            with CaptureQueriesContext(db_connection) as queries:
                response = request()
            assert response.status_code in (200, 302)
            found.append(len(queries))
        return found

    counts(2)  # warm up caches (content types, settings)
    assert counts(5) == counts(50)


# --- One logged connection --------------------------------------------------------------


def detail_url(world, connection):
    return reverse("residents:connection_detail", args=[world.home.slug, connection.pk])


def test_a_connection_shows_everyone_who_took_part(world, staff_client, group):
    first = ConnectionParticipantFactory(resident=group[0], response=Response.PASSIVE)
    ConnectionParticipantFactory(resident=group[1], connection=first.connection, response=Response.DISENGAGED)
    response = staff_client.get(detail_url(world, first.connection))
    assert response.status_code == 200
    text = main_text(response)
    assert "Who took part (2)" in text
    assert "Margaret Baxter (Peggy) Joined in passively" in text
    assert "Arthur Hughes Disengaged" in text
    assert reverse("residents:timeline", args=[world.home.slug, group[0].pk]) in response.content.decode()


def test_another_homes_connection_is_not_found(world, client_for):
    foreign = ConnectionParticipantFactory(resident=world.foreign_resident)
    assert client_for(world.manager).get(detail_url(world, foreign.connection)).status_code == 404
    own = ConnectionParticipantFactory(resident=world.resident)
    assert client_for(world.outsider).get(detail_url(world, own.connection)).status_code == 404
    assert client_for(world.relative).get(detail_url(world, own.connection)).status_code == 403


def test_a_connection_page_takes_the_same_queries_for_5_or_50_people(world, staff_client):
    def count(n):
        first = ConnectionParticipantFactory(resident=ResidentFactory(home=world.home))
        for _ in range(n - 1):
            ConnectionParticipantFactory(
                resident=ResidentFactory(home=world.home), connection=first.connection
            )
        with CaptureQueriesContext(db_connection) as queries:
            assert staff_client.get(detail_url(world, first.connection)).status_code == 200
        return len(queries)

    count(1)
    assert count(5) == count(50)


# --- The service ----------------------------------------------------------------------------


def log(world, residents, **overrides):
    kwargs = {
        "home": world.home,
        "actor": world.staff.user,
        "residents_with_responses": [(r, Response.ACTIVE, "") for r in residents],
        "occurred_at": timezone.now() - timedelta(hours=2),
        "with_whom": Connection.WithWhom.GROUP,
        "with_name": "Chair exercise",
        "mode": Connection.Mode.GROUP_ACTIVITY,
    }
    kwargs.update(overrides)
    return connection_log(**kwargs)


def test_the_service_saves_the_connection_and_a_row_per_resident(world, group):
    logged = log(world, group, person=PersonWhoMattersFactory(resident=world.resident))
    assert logged.person is None  # only the "with whom" that applies is kept
    assert ConnectionParticipant.objects.filter(connection=logged).count() == 3
    entry = LogEntry.objects.get_for_object(logged).get()
    assert entry.actor == world.staff.user


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"occurred_at": "future"}, "time", "That time is in the future. Enter when it happened."),
        ({"occurred_at": "old"}, "date", "That is more than 90 days ago. Enter a date in the last 90 days."),
        ({"mode": "carrier pigeon"}, "mode", "Choose how the connection happened."),
        ({"with_whom": "aliens"}, "with_whom", "Choose who the connection was with."),
        (
            {"with_name": ""},
            "with_name",
            "Enter the name of the activity, group or volunteer, like “Singing group”.",
        ),
        ({"with_whom": "staff"}, "staff_member", "Choose which member of staff."),
        ({"with_whom": "resident"}, "other_resident", "Choose which resident they spent time with."),
    ],
)
def test_the_service_refuses_bad_input_and_saves_nothing(world, overrides, field, message):
    when = {"future": timezone.now() + timedelta(minutes=10), "old": timezone.now() - timedelta(days=91)}
    if "occurred_at" in overrides:
        overrides = {"occurred_at": when[overrides["occurred_at"]]}
    with pytest.raises(DomainError) as raised:
        log(world, [world.resident], **overrides)
    assert (raised.value.field, raised.value.message) == (field, message)
    assert Connection.objects.count() == 0


def test_the_service_refuses_residents_of_another_home_or_who_have_left(world):
    gone = ResidentFactory(home=world.home, status=Resident.Status.LEFT)
    for wrong in (world.foreign_resident, gone):
        with pytest.raises(DomainError, match="One of the people chosen does not live at Rowan House."):
            log(world, [world.resident, wrong])
    with pytest.raises(DomainError, match="Choose at least one person who took part."):
        log(world, [])
    with pytest.raises(DomainError, match="chosen twice"):
        log(world, [world.resident, world.resident])
    with pytest.raises(DomainError, match="Choose how it went for Peggy."):
        log(world, [], residents_with_responses=[(world.resident, "great", "")])
    assert Connection.objects.count() == ConnectionParticipant.objects.count() == 0


def test_the_service_checks_the_person_who_matters(world):
    jane = PersonWhoMattersFactory(resident=world.resident)
    paul = PersonWhoMattersFactory(resident=world.unlinked_resident)
    person = {"with_whom": "person", "mode": "phone"}
    with pytest.raises(DomainError, match="only when logging for one resident"):
        log(world, [world.resident, world.unlinked_resident], person=jane, **person)
    with pytest.raises(DomainError, match="Choose someone who matters to Peggy."):
        log(world, [world.resident], person=paul, **person)
    with pytest.raises(DomainError, match="Choose who Peggy was in touch with."):
        log(world, [world.resident], **person)
    assert Connection.objects.count() == 0
    assert log(world, [world.resident], person=jane, **person).person == jane


def test_the_service_checks_the_staff_member_and_other_resident(world):
    with pytest.raises(DomainError, match="Choose someone who works at Rowan House."):
        log(world, [world.resident], with_whom="staff", staff_member=world.outsider.user, mode="in_person")
    with pytest.raises(DomainError, match="does not live at Rowan House"):
        log(
            world,
            [world.resident],
            with_whom="resident",
            other_resident=world.foreign_resident,
            mode="in_person",
        )
    with pytest.raises(DomainError, match="Peggy is one of the people taking part"):
        log(world, [world.resident], with_whom="resident", other_resident=world.resident, mode="in_person")
    assert Connection.objects.count() == 0
