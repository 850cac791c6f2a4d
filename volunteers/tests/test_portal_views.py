"""The volunteer's own portal: only their own shifts, only the residents they
visit (and only while they are clear), and only how those residents like to
communicate and the interests they share."""

import re
from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from carehome.timeutils import local_datetime
from homes.models import Interest
from residents.models import Connection, Response
from residents.tests.factories import LonelinessMeasureFactory, PersonalPlanFactory
from tests.html import field_error, main_text
from volunteers.models import Availability, Shift
from volunteers.tests.factories import (
    AssignmentFactory,
    AvailabilityFactory,
    ShiftFactory,
    VolunteerFactory,
    VolunteerRoleFactory,
    cleared_volunteer,
)

pytestmark = pytest.mark.django_db


def url(name, world, *args):
    return reverse(f"volunteers:{name}", args=[world.home.slug, *args])


def interest(name):
    return Interest.objects.get(name=name)


@pytest.fixture
def me(world):
    """The world's volunteer member, a cleared volunteer who likes gardening and baking."""
    volunteer = cleared_volunteer(
        world.home,
        role=VolunteerRoleFactory(home=world.home, name="Visiting befriender"),
        user=world.volunteer.user,
        full_name="Val Helper",
        preferred_name="Val",
    )
    volunteer.interests.set([interest("Gardening"), interest("Baking")])
    return volunteer


@pytest.fixture
def plan(world):
    plan = PersonalPlanFactory(
        resident=world.resident,
        what_matters="SECRET-WHAT-MATTERS her late husband Bill",
        about_me="SECRET-STORY born in Leeds",
        goals="SECRET-GOALS",
        hearing="Hard of hearing on the left: sit on her right.",
        best_time_of_day="Mid-morning, after breakfast",
        communication_helps="Short questions; give her time.",
        communication_avoid="Talking about the war.",
        language="English",
    )
    plan.interests.set([interest("Gardening"), interest("Music")])
    return plan


@pytest.fixture
def regular(world, me, plan):
    return AssignmentFactory(volunteer=me, resident=world.resident, role=me.roles.get(), space=world.space)


@pytest.fixture
def client(world, client_for):
    return client_for(world.volunteer)


def my_visit(world, regular, when, **fields):
    return ShiftFactory(
        volunteer=regular.volunteer,
        assignment=regular,
        resident=world.resident,
        role=regular.role,
        title="",
        starts_at=when,
        ends_at=when + timedelta(hours=1),
        **fields,
    )


def queries(client, address):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address)
    assert response.status_code == 200, address
    return len(ctx.captured_queries)


# --- The front page ---------------------------------------------------------------------------


def test_an_account_not_linked_yet_gets_a_kind_page(world, client):
    for name in ("portal", "portal_availability", "portal_hours"):
        response = client.get(url(name, world))
        assert response.status_code == 200
        assert "has not linked your account to your volunteering yet" in main_text(response)
    assert client.get(url("portal_shift", world, 1)).status_code == 404


def test_the_portal_shows_my_visits_to_come_and_the_people_i_visit(world, client, me, regular):
    shift = my_visit(world, regular, timezone.now() + timedelta(days=2))
    someone_else = ShiftFactory(volunteer=VolunteerFactory(home=world.home), title="Not mine")
    text = main_text(client.get(url("portal", world)))
    assert "Hello Val" in text
    assert "Visiting Peggy, Garden room" in text
    assert "Please say if you can come" in text
    assert "I'll be there" in text and "I can't make it" in text
    assert "The people you visit Peggy" in text
    assert someone_else.title not in text
    assert reverse("message_preferences") in client.get(url("portal", world)).content.decode()
    assert url("portal_shift", world, shift.pk) in client.get(url("portal", world)).content.decode()


def test_i_say_i_cant_make_it_and_the_coordinators_see_why(world, client, client_for, me, regular):
    tomorrow = timezone.localdate() + timedelta(days=1)
    shift = my_visit(world, regular, local_datetime(tomorrow, time(14, 0)))
    response = client.post(url("portal_shift_reply", world, shift.pk), {"answer": "no", "reason": "Dentist"})
    assert response.status_code == 302
    assert "Thank you for letting the home know." in main_text(client.get(response.url))
    shift.refresh_from_db()
    assert shift.status == Shift.Status.DECLINED and shift.status_note == "Dentist"
    # The week the visit is in (tomorrow is next week on a Sunday).
    rota = main_text(client_for(world.staff).get(url("rota", world), {"week": tomorrow.isoformat()}))
    assert "Can't make it “Dentist”" in rota
    response = client.post(url("portal_shift_reply", world, shift.pk), {"answer": "yes"})
    shift.refresh_from_db()
    assert shift.status == Shift.Status.CONFIRMED


def test_my_answer_shows_and_only_the_other_answer_is_offered(world, client, me, regular):
    shift = my_visit(world, regular, timezone.now() + timedelta(days=2))
    client.post(url("portal_shift_reply", world, shift.pk), {"answer": "yes"})
    page = client.get(url("portal_shift", world, shift.pk))
    assert "You said you'll be there." in main_text(page)
    html = page.content.decode()
    assert 'name="answer" value="no"' in html and 'name="answer" value="yes"' not in html
    client.post(url("portal_shift_reply", world, shift.pk), {"answer": "no"})
    text = main_text(client.get(url("portal_shift", world, shift.pk)))
    assert "You said you can't make it." in text and "I can come after all" in text


def test_a_bad_reply_is_explained_on_the_shift_page(world, client, me, regular):
    shift = my_visit(world, regular, timezone.now() + timedelta(days=1))
    response = client.post(
        url("portal_shift_reply", world, shift.pk), {"answer": "maybe", "reason": "x" * 301}
    )
    assert response.status_code == 200
    assert field_error(response, "answer", prefix=f"id_shift{shift.pk}_") == (
        "Choose “I'll be there” or “I can't make it”."
    )
    assert (
        field_error(response, "reason", prefix=f"id_shift{shift.pk}_")
        == "Keep the reason under 300 characters."
    )
    shift.refresh_from_db()
    assert shift.status == Shift.Status.PLANNED


def test_i_log_my_visit_and_it_reaches_the_residents_timeline(world, client, client_for, me, regular):
    shift = my_visit(world, regular, timezone.now() - timedelta(hours=3))
    assert "Log your time" in main_text(client.get(url("portal", world)))
    page = client.get(url("portal_log", world, shift.pk))
    assert "How did it go for Peggy?" in main_text(page)
    response = client.post(
        url("portal_log", world, shift.pk),
        {"minutes": 60, "response": Response.ACTIVE, "note": "Planted bulbs."},
    )
    assert response.status_code == 302
    (entry,) = Connection.objects.filter(home=world.home)
    assert entry.with_name == "Val Helper" and entry.logged_by == world.volunteer.user
    timeline = main_text(
        client_for(world.staff).get(reverse("residents:timeline", args=[world.home.slug, world.resident.pk]))
    )
    assert "Planted bulbs." in timeline


def test_my_hours_say_thank_you(world, client, me, regular):
    my_visit(
        world,
        regular,
        # The start of today: this year at any hour (an hour ago is last year just after midnight, 1 January).
        local_datetime(timezone.localdate(), time(0, 0)),
        status=Shift.Status.DONE,
        minutes_given=90,
        logged_at=timezone.now(),
    )
    text = main_text(client.get(url("portal_hours", world)))
    assert "You've given 1 hour 30 minutes this year — thank you." in text
    assert "visit to Peggy, 90 minutes (waiting for the home to confirm)" in text
    assert "How the home contacts me" in text


# --- Only my own ------------------------------------------------------------------------------


def test_another_volunteers_shift_is_404(world, client, me, regular):
    theirs = ShiftFactory(volunteer=cleared_volunteer(world.home), resident=world.resident)
    for name in ("portal_shift", "portal_log"):
        assert client.get(url(name, world, theirs.pk)).status_code == 404
    assert client.post(url("portal_shift_reply", world, theirs.pk), {"answer": "no"}).status_code == 404
    assert client.post(url("portal_log", world, theirs.pk), {"minutes": 60}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Shift.Status.PLANNED


def test_another_homes_shift_and_resident_are_404(world, client, me, regular):
    foreign = ShiftFactory(volunteer=VolunteerFactory(home=world.other_home), resident=world.foreign_resident)
    assert client.get(url("portal_shift", world, foreign.pk)).status_code == 404
    assert client.get(url("portal_resident", world, world.foreign_resident.pk)).status_code == 404


def test_staff_get_403_on_the_portal(world, client_for):
    assert client_for(world.staff).get(url("portal", world)).status_code == 403


# --- The residents I visit --------------------------------------------------------------------


def test_the_resident_page_shows_only_how_they_communicate_and_what_we_share(
    world, client, me, regular, plan
):
    LonelinessMeasureFactory(resident=world.resident)
    response = client.get(url("portal_resident", world, world.resident.pk))
    assert response.status_code == 200
    text = main_text(response)
    assert "Peggy" in text
    assert "Hard of hearing on the left: sit on her right." in text
    assert "Mid-morning, after breakfast" in text
    assert "Short questions; give her time." in text
    assert "Talking about the war." in text
    assert "You both love Gardening" in text
    assert "Music" not in text and "Baking" not in text  # only what they share
    page = response.content.decode()
    for secret in ("SECRET-WHAT-MATTERS", "SECRET-STORY", "SECRET-GOALS", "Bill", "Baxter", "Margaret"):
        assert secret not in page, secret
    assert "lonel" not in page.lower()
    assert "Arthur" not in page


def test_a_resident_i_do_not_visit_is_404(world, client, me, regular):
    assert client.get(url("portal_resident", world, world.unlinked_resident.pk)).status_code == 404


def test_a_resident_whose_visits_ended_is_404(world, client, me, regular):
    regular.ended_at = timezone.now()
    regular.end_reason = "Moving away"
    regular.save()
    assert client.get(url("portal_resident", world, world.resident.pk)).status_code == 404


@pytest.mark.parametrize(
    "take_away",
    [
        lambda v: v.checks.all().delete(),
        lambda v: v.checks.update(valid_until=timezone.localdate() - timedelta(days=1)),
        lambda v: v.references.first().delete(),
        lambda v: v.training.filter(module__slug="induction").delete(),
    ],
    ids=["no check", "expired check", "missing reference", "no induction"],
)
def test_a_volunteer_who_is_not_clear_sees_no_resident_at_all(world, client, me, regular, take_away):
    shift = my_visit(world, regular, timezone.now() + timedelta(days=1))
    take_away(me)
    assert client.get(url("portal_resident", world, world.resident.pk)).status_code == 404
    assert client.get(url("portal_shift", world, shift.pk)).status_code == 404
    response = client.get(url("portal", world))
    text = main_text(response)
    assert "The home will be in touch about your next visit." in text
    assert "Peggy" not in response.content.decode()
    dashboard = client.get(reverse("homes:dashboard", args=[world.home.slug]))
    assert "Peggy" not in main_text(dashboard)


# --- When I'm free ----------------------------------------------------------------------------


def test_i_tick_when_i_am_free_and_days_i_did_not_change_keep_their_times(world, client, me):
    AvailabilityFactory(volunteer=me, weekday=0, starts_at=time(13, 30), ends_at=time(15, 0))
    page = client.get(url("portal_availability", world))
    assert page.status_code == 200
    ticked = re.findall(
        r'<input type="checkbox" name="(day_\d)" value="(\w+)"[^>]*checked', page.content.decode()
    )
    assert ticked == [("day_0", "afternoon")]
    response = client.post(
        url("portal_availability", world),
        {
            "version": me.version,
            "day_0": ["afternoon"],
            "day_2": ["morning", "afternoon"],
            "day_4": ["evening"],
        },
    )
    assert response.status_code == 302
    rows = {(a.weekday, a.starts_at, a.ends_at) for a in Availability.objects.filter(volunteer=me)}
    assert rows == {
        (0, time(13, 30), time(15, 0)),  # unchanged: the co-ordinator's times stay
        (2, time(9, 0), time(17, 0)),  # morning and afternoon join up
        (4, time(17, 0), time(20, 0)),
    }


def test_bad_ticks_are_explained_and_nothing_is_saved(world, client, me):
    response = client.post(url("portal_availability", world), {"version": me.version, "day_1": ["midnight"]})
    assert response.status_code == 200
    assert "Tick the parts of the day you are usually free, or none." in main_text(response)
    assert not Availability.objects.filter(volunteer=me).exists()


def test_a_change_made_meanwhile_is_shown_as_a_conflict(world, client, me):
    opened = me.version
    client.post(url("portal_availability", world), {"version": opened, "day_1": ["morning"]})
    response = client.post(url("portal_availability", world), {"version": opened, "day_1": ["evening"]})
    assert response.status_code == 200
    assert 'id="edit-conflict"' in response.content.decode()
    assert {a.weekday for a in Availability.objects.filter(volunteer=me)} == {1}
    assert Availability.objects.get(volunteer=me).starts_at == time(9, 0)


# --- The dashboard and the cost of each page --------------------------------------------------


def test_the_dashboard_shows_my_next_visit(world, client, me, regular):
    my_visit(world, regular, timezone.now() + timedelta(days=3))
    text = main_text(client.get(reverse("homes:dashboard", args=[world.home.slug])))
    assert "Your volunteering" in text
    assert "With Peggy" in text
    assert "My volunteering" in text


def test_the_portal_pages_cost_the_same_however_many_shifts(world, client, me, regular, settings):
    settings.KITH_FRAGMENT_CACHE = False  # the pages' own queries, every time
    shift = my_visit(world, regular, timezone.now() + timedelta(days=1))
    pages = [
        url("portal", world),
        url("portal_shift", world, shift.pk),
        url("portal_resident", world, world.resident.pk),
        url("portal_hours", world),
        url("portal_availability", world),
    ]
    client.get(url("portal", world))
    before = [queries(client, page) for page in pages]
    for n in range(2, 9):
        my_visit(world, regular, timezone.now() + timedelta(days=n))
        my_visit(
            world,
            regular,
            timezone.now() - timedelta(days=n),
            status=Shift.Status.DONE,
            minutes_given=60,
            logged_at=timezone.now(),
        )
        ShiftFactory(volunteer=VolunteerFactory(home=world.home))
    assert [queries(client, page) for page in pages] == before
    assert max(before) <= 20


@pytest.mark.parametrize(
    "data",
    [
        {"day_0": ["\x00"]},
        {"day_1": ["x" * 200_000]},
        {"day_2": ["١٢"]},
        {"day_3": ["morning", "morning", "evening"], "version": "١"},
        {"version": "99999999999999999999"},
        {"version": "-1"},
        {"day_6": ["' OR 1=1 --"], "version": "abc"},
    ],
)
def test_hostile_ticks_never_fail_and_every_error_is_shown(world, client, me, data):
    response = client.post(url("portal_availability", world), {"version": me.version, **data})
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        summary = main_text(response)
        form = response.context["form"]
        for errors in form.errors.values():
            for message in errors:
                assert message in summary
