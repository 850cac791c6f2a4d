"""The rota at the service level: regular visits become shifts (idempotent,
in home time across the clock changes), rota shifts are gated, and logging a
visit puts exactly one entry on the resident's connection log."""

import datetime
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from carehome.errors import DomainError
from homes.submissions import AlreadySaved
from residents.models import Connection, ConnectionParticipant, Response
from tests.html import main_text
from volunteers.models import Shift, Volunteer
from volunteers.services.rota import hours_confirm, shift_create, shift_log, shift_reply, shifts_plan
from volunteers.tests.factories import (
    AssignmentFactory,
    ShiftFactory,
    VolunteerFactory,
    VolunteerRoleFactory,
    cleared_volunteer,
)

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def jo(world):
    return cleared_volunteer(world.home, full_name="Jo Gardener")


def regular(world, volunteer, **fields):
    return AssignmentFactory(
        volunteer=volunteer, resident=world.resident, role=volunteer.roles.get(), **fields
    )


# --- Regular visits become shifts -------------------------------------------------------------


def test_planning_twice_makes_each_visit_once(world, jo):
    now = at(2027, 1, 4, 9, 0)  # a Monday
    assignment = regular(world, jo, weekday=1, starts_on=datetime.date(2027, 1, 5))
    until = datetime.date(2027, 2, 1)
    assert shifts_plan(home=world.home, until=until, now=now) == 4
    assert shifts_plan(home=world.home, until=until, now=now) == 0
    days = [timezone.localdate(s.starts_at) for s in Shift.objects.filter(assignment=assignment)]
    assert days == [datetime.date(2027, 1, 5) + timedelta(weeks=n) for n in range(4)]


def test_visits_stay_at_the_same_wall_time_across_the_clock_change(world, jo):
    """14:00 on the Sundays either side of the clocks going forward (28 March 2027)."""
    assignment = regular(world, jo, weekday=6, starts_at=time(14, 0), starts_on=datetime.date(2027, 3, 21))
    shifts_plan(home=world.home, until=datetime.date(2027, 4, 4), now=at(2027, 3, 20, 9, 0))
    starts = [s.starts_at for s in Shift.objects.filter(assignment=assignment).order_by("starts_at")]
    assert [timezone.localtime(s).time() for s in starts] == [time(14, 0)] * 3
    assert [s.astimezone(datetime.UTC).hour for s in starts] == [14, 13, 13]


def test_a_visit_in_the_missing_hour_moves_an_hour_on(world, jo):
    assignment = regular(world, jo, weekday=6, starts_at=time(1, 30), starts_on=datetime.date(2027, 3, 28))
    shifts_plan(home=world.home, until=datetime.date(2027, 3, 28), now=at(2027, 3, 27, 9, 0))
    (shift,) = Shift.objects.filter(assignment=assignment)
    assert timezone.localtime(shift.starts_at).time() == time(2, 30)


def test_fortnightly_visits_skip_a_week_and_none_come_after_the_last_visit(world, jo):
    assignment = regular(
        world,
        jo,
        weekday=1,
        every=2,
        starts_on=datetime.date(2027, 1, 5),
        ends_on=datetime.date(2027, 1, 26),
    )
    shifts_plan(home=world.home, until=datetime.date(2027, 3, 1), now=at(2027, 1, 4, 9, 0))
    days = [timezone.localdate(s.starts_at) for s in Shift.objects.filter(assignment=assignment)]
    assert days == [datetime.date(2027, 1, 5), datetime.date(2027, 1, 19)]


def test_no_shifts_for_ended_visits_a_paused_volunteer_or_a_resident_who_left(world, jo):
    regular(world, jo, ended_at=timezone.now(), end_reason="Moved away")
    paused = VolunteerFactory(home=world.home, status=Volunteer.Status.PAUSED)
    AssignmentFactory(volunteer=paused, resident=world.unlinked_resident)
    assert shifts_plan(home=world.home, until=timezone.localdate() + timedelta(weeks=4)) == 0


# --- Rota shifts ------------------------------------------------------------------------------


def rota_fields(world, volunteer, **changes):
    fields = {
        "home": world.home,
        "actor": world.manager.user,
        "volunteer": volunteer,
        "role": volunteer.roles.get(),
        "title": "Tea trolley",
        "day": timezone.localdate() + timedelta(days=3),
        "starts": time(10, 0),
        "ends": time(11, 30),
    }
    fields.update(changes)
    return fields


def test_a_clear_volunteer_is_put_on_the_rota(world, jo):
    shift = shift_create(**rota_fields(world, jo))
    assert shift.title == "Tea trolley" and shift.resident is None
    assert timezone.localtime(shift.starts_at).time() == time(10, 0)


@pytest.mark.parametrize(
    ("take_away", "missing"),
    [
        (lambda v: v.checks.all().delete(), "No enhanced"),
        (lambda v: v.references.first().delete(), "No referee for the second reference"),
        (lambda v: v.training.filter(module__slug="induction").delete(), "Induction not done"),
    ],
)
def test_a_volunteer_missing_something_cannot_be_put_on_the_rota(world, jo, take_away, missing):
    take_away(jo)
    with pytest.raises(DomainError) as refused:
        shift_create(**rota_fields(world, jo))
    assert refused.value.field == "volunteer"
    assert refused.value.message.startswith("Jo Gardener cannot be put on the rota yet: ")
    assert missing in refused.value.message
    assert not Shift.objects.exists()


def test_a_check_that_runs_out_before_the_day_is_refused_with_its_date(world, jo):
    jo.checks.update(valid_until=timezone.localdate() + timedelta(days=1))
    with pytest.raises(DomainError) as refused:
        shift_create(**rota_fields(world, jo))
    assert "DBS check was due for renewal on" in refused.value.message


def test_rota_shift_rules(world, jo):
    with pytest.raises(DomainError) as refused:
        shift_create(**rota_fields(world, jo, ends=time(9, 0)))
    assert refused.value.field == "ends"
    with pytest.raises(DomainError) as refused:
        shift_create(**rota_fields(world, jo, role=VolunteerRoleFactory(home=world.home, name="Driver")))
    assert refused.value.field == "role"
    shift_create(**rota_fields(world, jo))
    with pytest.raises(DomainError) as refused:
        shift_create(**rota_fields(world, jo, title="Garden club", starts=time(11, 0), ends=time(12, 0)))
    assert refused.value.field == "starts"
    assert "Jo Gardener is already on the rota then: Tea trolley" in refused.value.message
    assert Shift.objects.count() == 1


def test_a_rota_shift_is_made_once_per_form(world, jo):
    token = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"
    shift_create(**rota_fields(world, jo), form_token=token)
    with pytest.raises(AlreadySaved):
        shift_create(**rota_fields(world, jo), form_token=token)
    assert Shift.objects.count() == 1


# --- Logging ----------------------------------------------------------------------------------


def past_visit(world, volunteer, **fields):
    starts = fields.pop("starts_at", timezone.now() - timedelta(hours=3))
    return ShiftFactory(
        volunteer=volunteer,
        resident=world.resident,
        role=volunteer.roles.get(),
        title="",
        starts_at=starts,
        **fields,
    )


def test_logging_a_visit_makes_one_connection_on_the_residents_timeline(world, jo, client_for):
    shift = past_visit(world, jo)
    shift_log(
        home=world.home,
        actor=world.staff.user,
        shift=shift,
        minutes=75,
        response=Response.ACTIVE,
        note="We potted up the geraniums.",
    )
    shift.refresh_from_db()
    assert shift.status == Shift.Status.DONE and shift.minutes_given == 75
    (connection,) = Connection.objects.filter(home=world.home)
    assert shift.connection == connection
    assert connection.with_whom == Connection.WithWhom.VOLUNTEER
    assert connection.mode == Connection.Mode.IN_PERSON
    assert connection.with_name == "Jo Gardener"
    assert connection.occurred_at == shift.starts_at
    (part,) = ConnectionParticipant.objects.filter(connection=connection)
    assert part.resident == world.resident and part.response == Response.ACTIVE

    page = client_for(world.staff).get(
        reverse("residents:timeline", args=[world.home.slug, world.resident.pk])
    )
    text = main_text(page)
    assert "Jo Gardener" in text
    assert "We potted up the geraniums." in text


def test_a_visit_cannot_be_logged_twice(world, jo):
    shift = past_visit(world, jo)
    shift_log(home=world.home, actor=world.staff.user, shift=shift, minutes=60, response=Response.PASSIVE)
    with pytest.raises(DomainError) as refused:
        shift_log(
            home=world.home, actor=world.manager.user, shift=shift, minutes=60, response=Response.PASSIVE
        )
    assert refused.value.message.startswith("This visit was already logged by Aisha Bello on ")
    assert "It cannot be logged twice." in refused.value.message
    assert Connection.objects.count() == 1


def test_a_visit_in_the_future_cannot_be_logged(world, jo):
    shift = past_visit(world, jo, starts_at=timezone.now() + timedelta(days=1))
    with pytest.raises(DomainError) as refused:
        shift_log(home=world.home, actor=world.staff.user, shift=shift, minutes=60, response=Response.ACTIVE)
    assert refused.value.message.startswith("This has not happened yet")
    assert not Connection.objects.exists()
    shift.refresh_from_db()
    assert shift.logged_at is None


def test_a_visit_older_than_the_connection_log_allows_is_refused_and_nothing_is_saved(world, jo):
    shift = past_visit(world, jo, starts_at=timezone.now() - timedelta(days=95))
    with pytest.raises(DomainError) as refused:
        shift_log(home=world.home, actor=world.staff.user, shift=shift, minutes=60, response=Response.ACTIVE)
    assert "more than 90 days ago" in refused.value.message
    shift.refresh_from_db()
    assert shift.logged_at is None and shift.status == Shift.Status.PLANNED


def test_how_it_went_is_needed_for_a_visit_and_minutes_are_bounded(world, jo):
    shift = past_visit(world, jo)
    with pytest.raises(DomainError) as refused:
        shift_log(home=world.home, actor=world.staff.user, shift=shift, minutes=60, response="")
    assert refused.value.field == "response" and refused.value.message == "Choose how it went for Peggy."
    with pytest.raises(DomainError) as refused:
        shift_log(home=world.home, actor=world.staff.user, shift=shift, minutes=0, response=Response.ACTIVE)
    assert refused.value.field == "minutes"
    assert not Connection.objects.exists()


def test_a_rota_shift_is_logged_without_a_connection(world, jo):
    shift = ShiftFactory(volunteer=jo, starts_at=timezone.now() - timedelta(hours=2))
    shift_log(home=world.home, actor=world.staff.user, shift=shift, minutes=50)
    shift.refresh_from_db()
    assert shift.status == Shift.Status.DONE and shift.connection is None
    assert not Connection.objects.exists()


def test_hours_are_confirmed_once_and_only_when_logged(world, jo):
    shift = past_visit(world, jo)
    with pytest.raises(DomainError):
        hours_confirm(home=world.home, actor=world.manager.user, shift=shift)
    shift_log(home=world.home, actor=world.staff.user, shift=shift, minutes=60, response=Response.ACTIVE)
    hours_confirm(home=world.home, actor=world.manager.user, shift=shift)
    with pytest.raises(DomainError) as refused:
        hours_confirm(home=world.home, actor=world.manager.user, shift=shift)
    assert refused.value.message.startswith("These hours were already confirmed by Ruth Adeyemi")


# --- Replies ----------------------------------------------------------------------------------


def test_a_volunteer_replies_and_may_change_their_mind_until_it_starts(world, jo):
    shift = ShiftFactory(volunteer=jo)
    shift_reply(
        home=world.home, actor=jo.user, volunteer=jo, shift=shift, coming=False, reason="Hospital appointment"
    )
    shift.refresh_from_db()
    assert shift.status == Shift.Status.DECLINED and shift.status_note == "Hospital appointment"
    shift_reply(home=world.home, actor=jo.user, volunteer=jo, shift=shift, coming=True)
    shift.refresh_from_db()
    assert shift.status == Shift.Status.CONFIRMED and shift.status_note == ""
    started = ShiftFactory(volunteer=jo, starts_at=timezone.now() - timedelta(minutes=5))
    with pytest.raises(DomainError):
        shift_reply(home=world.home, actor=jo.user, volunteer=jo, shift=started, coming=False)
    other = ShiftFactory(volunteer=VolunteerFactory(home=world.home))
    with pytest.raises(DomainError):
        shift_reply(home=world.home, actor=jo.user, volunteer=jo, shift=other, coming=True)
