"""Booking visits and calls: the pages, the rules, the emails."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from carehome.errors import DomainError
from carehome.prepared import spelled_out
from homes.models import Role, Space
from homes.tests.factories import MembershipFactory, SpaceFactory
from notifications.delivery import deliver
from notifications.models import Reminder
from residents.models import PersonalPlan, RelativeLink
from residents.tests.factories import RelativeLinkFactory, ResidentFactory
from tests.html import alert_text, field_error, main_text
from visits.models import Visit
from visits.services.booking import visit_book, visit_cancel, visit_reschedule
from visits.tests.factories import VisitFactory, VisitRestrictionFactory

LONDON = ZoneInfo("Europe/London")


def next_weekday():
    return timezone.localdate() + timedelta(days=3)


def url(world, name, *args):
    return reverse(f"visits:{name}", args=[world.home.slug, *args])


def form_data(world, **overrides):
    data = {
        "resident": world.resident.pk,
        "kind": "visit",
        "date": next_weekday().isoformat(),
        "start_time": "14:00",
        "end_time": "15:00",
        "space": world.space.pk,
        "meal": "lunch",
        "visitors": "2",
        "visitor_name": "Linda Baxter",
        "accessibility_needs": "A wheelchair space",
        "note": "",
    }
    data.update(overrides)
    return data


def book(world, membership=None, **kwargs):
    membership = membership or world.relative
    values = {
        "resident": world.resident,
        "day": next_weekday(),
        "start_time": time(14),
        "end_time": time(15),
        "space": world.space,
    }
    values.update(kwargs)
    return visit_book(home=world.home, actor=membership.user, membership=membership, **values)


# --- Booking page -----------------------------------------------------------------


def test_the_booking_page_says_booking_is_never_needed(world, client_for):
    response = client_for(world.relative).get(url(world, "book"))
    assert response.status_code == 200
    text = main_text(response)
    assert "You can visit at any time without booking" in text
    assert 'value="Linda Baxter"' in response.content.decode()
    assert "Arthur Hughes" not in text  # not their resident


def test_the_form_lists_the_relatives_own_residents_and_the_rooms(world, client_for):
    other = ResidentFactory(home=world.home, full_name="Harold Other")
    lounge = SpaceFactory(home=world.home, name="Quiet lounge", capacity=4)
    page = client_for(world.relative).get(url(world, "book"))
    html = page.content.decode()
    assert f'<option value="{world.resident.pk}"' in html
    assert f'value="{other.pk}"' not in html  # not theirs to book for
    for space in (world.space, lounge):
        assert f'name="space" value="{space.pk}"' in html, space.name
    assert "Quiet lounge Up to 4 people, 09:00 to 20:00" in main_text(page)
    # And what it lists is what it takes.
    response = client_for(world.relative).post(
        url(world, "book"), form_data(world, space=lounge.pk, visitors="2")
    )
    assert response.status_code == 302
    assert Visit.objects.get().space == lounge


def test_a_relative_books_a_visit_with_lunch(world, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.relative).post(url(world, "book"), form_data(world))
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response.url == url(world, "visit_detail", visit.pk)
    assert visit.meal == "lunch" and visit.visitors == 2 and visit.booked_by == world.relative
    local = timezone.localtime(visit.starts_at)
    assert (local.date(), local.time()) == (next_weekday(), time(14))
    assert visit.blocked_from == visit.starts_at - timedelta(minutes=world.space.buffer_minutes)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.relative.user.email]
    assert "Visit to Peggy at Rowan House" in message.subject
    assert url(world, "visit_edit", visit.pk) in message.body
    name, content, mimetype = message.attachments[0]
    assert mimetype.startswith("text/calendar")
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(event["UID"]) == f"{visit.uid}@kith"
    assert str(event["STATUS"]) == "CONFIRMED"


def test_staff_book_for_any_resident(world, client_for):
    response = client_for(world.staff).post(
        url(world, "book"), form_data(world, resident=world.unlinked_resident.pk, visitor_name="Tom Hughes")
    )
    assert response.status_code == 302
    assert Visit.objects.get().resident == world.unlinked_resident


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"end_time": "13:00"}, "end_time", "end time must be after the start time"),
        ({"date": (timezone.localdate() - timedelta(days=1)).isoformat()}, "date", "has passed"),
        ({"visitors": "0"}, "visitors", "at least 1"),
        ({"visitors": "500"}, "visitors", "Up to 20 people"),
        ({"visitors": "7"}, "visitors", "has room for 6"),
        ({"date": "next tuesday"}, "date", "Enter the date"),
        ({"start_time": "08:00", "end_time": "09:00"}, "start_time", "between 09:00 and 20:00"),
    ],
)
def test_bad_input_saves_nothing_and_says_why(world, client_for, overrides, field, words):
    response = client_for(world.relative).post(url(world, "book"), form_data(world, **overrides))
    assert response.status_code == 200
    assert words in field_error(response, field)
    assert not Visit.objects.exists()


def test_a_space_of_another_home_is_refused_clearly(world, client_for):
    response = client_for(world.relative).post(
        url(world, "book"), form_data(world, space=world.foreign_space.pk)
    )
    assert "not one of Rowan House's spaces" in field_error(response, "space")
    assert not Visit.objects.exists()
    with pytest.raises(DomainError, match="not at Rowan House"):
        book(world, space=world.foreign_space)


def test_a_relative_cannot_book_for_someone_else(world, client_for):
    response = client_for(world.relative).post(
        url(world, "book"), form_data(world, resident=world.unlinked_resident.pk)
    )
    assert field_error(response, "resident") == "Choose one of the people listed."
    with pytest.raises(DomainError):
        book(world, resident=world.unlinked_resident)
    assert not Visit.objects.exists()


def test_a_taken_space_offers_free_times(world, client_for):
    book(world)
    response = client_for(world.relative).post(
        url(world, "book"), form_data(world, start_time="14:30", end_time="15:30")
    )
    message = field_error(response, "space")
    assert message == "That space is taken at that time — it is free 12:30–13:30, 15:30–16:30, 16:00–17:00."
    assert Visit.objects.count() == 1
    # The buffer (15 minutes) is kept either side, so 15:00 is too soon but 15:30 is free.
    with pytest.raises(DomainError, match="taken"):
        book(world, start_time=time(15), end_time=time(16))
    book(world, start_time=time(15, 30), end_time=time(16, 30))


def test_no_limit_on_how_many_visits_anyone_books(world):
    for hour in (9, 11, 13, 15, 17):
        book(world, start_time=time(hour), end_time=time(hour, 45), space=None)
    for offset in range(1, 8):
        book(world, day=next_weekday() + timedelta(days=offset), space=None)
    assert Visit.objects.count() == 12


def test_a_restriction_refuses_a_relative_in_plain_words_but_not_an_essential_care_supporter(world):
    restriction = VisitRestrictionFactory(resident=world.resident, home=world.home)
    with pytest.raises(DomainError) as refused:
        book(world)
    assert f"{restriction.expected_end_on:%-d %B %Y}" in refused.value.message
    assert "essential care supporter can still book" in refused.value.message
    book(world, membership=world.staff)  # staff may still book
    restriction.exempt_links.add(RelativeLink.objects.get(membership=world.relative))
    book(world, start_time=time(16), end_time=time(17))
    assert Visit.objects.count() == 2


def test_through_the_page_a_restriction_still_refuses_and_an_open_one_is_read_once(world, client_for):
    """The form reads the relative's residents once, marked with whether a
    restriction is open; the service checks against those rows. A restriction
    still refuses, next to the date; without one, the booking asks no query
    about restrictions or about who the relative may book for."""
    client = client_for(world.relative)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url(world, "book"), form_data(world))
    assert response.status_code == 302
    said = [spelled_out(q["sql"]) for q in queries.captured_queries]
    # Both only in the form's one read of the residents (a prepared statement
    # on PostgreSQL): no second look.
    assert sum("visits_visitrestriction" in sql for sql in said) == 1
    assert sum("residents_relativelink" in sql for sql in said) == 1

    restriction = VisitRestrictionFactory(resident=world.resident, home=world.home)
    response = client.post(url(world, "book"), form_data(world, start_time="16:00", end_time="17:00"))
    assert response.status_code == 200
    assert f"{restriction.expected_end_on:%-d %B %Y}" in response.context["form"].errors["date"][0]
    assert Visit.objects.count() == 1


def test_a_time_that_does_not_exist_is_refused_and_an_ambiguous_one_is_the_first():
    from visits.services.booking import local_datetime

    with pytest.raises(DomainError, match="clocks go forward"):
        local_datetime(date(2027, 3, 28), time(1, 30))
    first = local_datetime(date(2026, 10, 25), time(1, 30))
    assert first.utcoffset() == timedelta(hours=1)


# --- Calls -----------------------------------------------------------------------


@pytest.fixture
def tablet(world):
    return SpaceFactory(home=world.home, name="Tablet", kind=Space.Kind.TABLET, capacity=1)


def set_plan(resident, **values):
    PersonalPlan.objects.update_or_create(resident=resident, home=resident.home, defaults=values)


def test_no_video_call_for_someone_who_finds_it_distressing(world, client_for, tablet):
    set_plan(world.resident, video_calls=PersonalPlan.VideoCalls.NOT_FOR_ME)
    response = client_for(world.relative).get(url(world, "book"))
    assert "video call" not in main_text(response).lower()
    with pytest.raises(DomainError, match="video calls are not for them"):
        book(world, kind=Visit.Kind.VIDEO_CALL, space=None)
    assert not Visit.objects.exists()


def test_a_call_with_support_books_a_member_of_staff_and_uses_the_tablet(world, client_for, tablet):
    set_plan(world.resident, video_calls=PersonalPlan.VideoCalls.WITH_SUPPORT)
    response = client_for(world.relative).post(
        url(world, "book"), form_data(world, kind="video_call", space="", meal="none", visitors="1")
    )
    assert response.status_code == 302, field_error(response, "kind")
    visit = Visit.objects.get()
    assert visit.support_needed and visit.space == tablet
    day = client_for(world.staff).get(url(world, "day") + f"?date={next_weekday().isoformat()}")
    assert "Needs a member of staff to help" in main_text(day)


def test_staff_are_told_to_ask_when_the_plan_does_not_say(world, client_for, tablet):
    book(world, kind=Visit.Kind.VIDEO_CALL, space=None)
    day = client_for(world.staff).get(url(world, "day") + f"?date={next_weekday().isoformat()}")
    assert "Ask how they feel about video calls" in main_text(day)


def test_a_call_cannot_use_a_room(world, tablet):
    with pytest.raises(DomainError, match="A call is booked on the tablet"):
        book(world, kind=Visit.Kind.VIDEO_CALL)


# --- Staff day list -----------------------------------------------------------------


def test_the_day_list_shows_each_visit_in_time_order(world, client_for):
    VisitFactory(resident=world.resident, space=world.space, meal="tea", note="Bringing the dog")
    VisitFactory(
        resident=world.unlinked_resident,
        starts_at=timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=1), time(10))),
        visitor_name="Tom Hughes",
    )
    response = client_for(world.staff).get(
        url(world, "day") + f"?date={(timezone.localdate() + timedelta(days=1)).isoformat()}"
    )
    text = main_text(response)
    assert text.index("Arthur Hughes") < text.index("Margaret Baxter")
    assert "Afternoon tea" in text and "Bringing the dog" in text and "Garden room" in text


def test_the_day_list_shows_the_spaces_activities_and_groups_hold(world, client_for):
    from homes.holds import hold_create
    from homes.models import SpaceHold

    day = timezone.localdate() + timedelta(days=1)
    starts = timezone.make_aware(datetime.combine(day, time(14)))
    hold_create(
        space=world.space,
        held_for=SpaceHold.HeldFor.VENUE,
        label="Choir (Rowan Singers)",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )
    text = main_text(client_for(world.staff).get(url(world, "day") + f"?date={day.isoformat()}"))
    assert "14:00–15:00, Garden room: Choir (Rowan Singers)" in text


def test_the_day_list_is_for_staff(world, client_for):
    assert client_for(world.relative).get(url(world, "day")).status_code == 403
    assert client_for(world.volunteer).get(url(world, "day")).status_code == 403
    assert client_for(world.staff).get(url(world, "day") + "?date=rubbish").status_code == 200


def _many_visits(world, count, day):
    residents = ResidentFactory.create_batch(count, home=world.home)
    for i, resident in enumerate(residents):
        start = timezone.make_aware(datetime.combine(day, time(9))) + timedelta(minutes=5 * i)
        VisitFactory(resident=resident, starts_at=start, booked_by=world.relative, kind="video_call")


def test_the_day_list_uses_a_constant_number_of_queries(world, client_for):
    day = timezone.localdate() + timedelta(days=2)
    client = client_for(world.staff)
    counts = {}
    for total in (5, 50):
        Visit.objects.all().delete()
        _many_visits(world, total, day)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(world, "day") + f"?date={day.isoformat()}")
        assert main_text(response).count("Ask how they feel") == total
        counts[total] = len(queries)
    assert counts[5] == counts[50]


# --- My visits, one visit, change and cancel ------------------------------------------------


def test_my_visits_shows_upcoming_and_past(world, client_for):
    upcoming = book(world)
    past = VisitFactory(
        resident=world.resident,
        booked_by=world.relative,
        starts_at=timezone.now() - timedelta(days=3),
        visitor_name="Linda Baxter",
    )
    response = client_for(world.relative).get(url(world, "my_visits"))
    page = response.content.decode()
    assert url(world, "visit_detail", upcoming.pk) in page
    assert url(world, "visit_detail", past.pk) in page
    assert (
        page.index("Coming up") < page.index(url(world, "visit_detail", upcoming.pk)) < page.index("Recent")
    )


def test_my_visits_uses_a_constant_number_of_queries(world, client_for):
    counts = {}
    for total in (5, 50):
        Visit.objects.all().delete()
        for i in range(total):
            VisitFactory(
                resident=world.resident,
                booked_by=world.relative,
                starts_at=timezone.now() + timedelta(days=1, minutes=i),
            )
        client = client_for(world.relative)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(world, "my_visits")).status_code == 200
        counts[total] = len(queries)
    assert counts[5] == counts[50]


def test_a_relative_gets_404_for_another_residents_visit(world, client_for):
    other = VisitFactory(resident=world.unlinked_resident)
    client = client_for(world.relative)
    for name in ("visit_detail", "visit_edit", "visit_cancel", "visit_ics"):
        assert client.get(url(world, name, other.pk)).status_code == 404
    assert client.post(url(world, "visit_cancel", other.pk)).status_code == 404
    other.refresh_from_db()
    assert other.status == Visit.Status.BOOKED


def test_an_ended_link_hides_the_visits_at_once(world, client_for):
    visit = book(world)
    client = client_for(world.relative)
    assert client.get(url(world, "visit_detail", visit.pk)).status_code == 200
    RelativeLink.objects.filter(membership=world.relative).update(status=RelativeLink.Status.ENDED)
    assert client.get(url(world, "visit_detail", visit.pk)).status_code == 404
    assert url(world, "visit_detail", visit.pk) not in client.get(url(world, "my_visits")).content.decode()


def test_reschedule_keeps_the_rules_and_bumps_the_sequence(
    world, client_for, django_capture_on_commit_callbacks
):
    visit = book(world)
    client = client_for(world.relative)
    bad = client.post(url(world, "visit_edit", visit.pk), form_data(world, end_time="13:00"))
    assert "end time must be after" in field_error(bad, "end_time")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(world, "visit_edit", visit.pk), form_data(world, start_time="16:00", end_time="17:30")
        )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.sequence == 1
    assert timezone.localtime(visit.starts_at).time() == time(16)
    assert mail.outbox[-1].subject.startswith("Changed:")
    event = Calendar.from_ical(mail.outbox[-1].attachments[0][1]).walk("VEVENT")[0]
    assert int(event["SEQUENCE"]) == 1


def test_cancel_asks_first_then_cancels(world, client_for, django_capture_on_commit_callbacks):
    visit = book(world)
    client = client_for(world.relative)
    page = client.get(url(world, "visit_cancel", visit.pk))
    assert "Cancel this booking?" in main_text(page)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(world, "visit_cancel", visit.pk))
    assert response.url == url(world, "my_visits")
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CANCELLED and visit.cancelled_at and visit.sequence == 1
    calendar = Calendar.from_ical(mail.outbox[-1].attachments[0][1])
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(calendar.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    # The space is free again.
    book(world)


def test_staff_with_visits_book_can_change_any_visit(world, client_for):
    visit = book(world)
    response = client_for(world.staff).post(url(world, "visit_cancel", visit.pk))
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CANCELLED


def test_the_volunteer_has_no_booking_pages(world, client_for):
    visit = book(world)
    client = client_for(world.volunteer)
    assert client.get(url(world, "book")).status_code == 403
    assert client.get(url(world, "visit_detail", visit.pk)).status_code == 403
    assert client.get(url(world, "my_visits")).status_code == 403


def test_the_email_is_sent_once_per_revision(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        visit = book(world)
    assert len(mail.outbox) == 1
    (booked,) = Reminder.objects.filter(kind="visits.booked")
    assert deliver([booked.pk])["skipped"] == 1  # a repeated message sends nothing
    visit.refresh_from_db()
    assert visit.confirmation_sent_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        visit_reschedule(
            home=world.home,
            actor=world.relative.user,
            membership=world.relative,
            visit=visit,
            day=next_weekday(),
            start_time=time(11),
            end_time=time(12),
            space=world.space,
        )
    assert len(mail.outbox) == 2
    assert deliver(list(Reminder.objects.values_list("pk", flat=True)))["sent"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        visit_cancel(home=world.home, actor=world.relative.user, visit=visit)
        visit_cancel(home=world.home, actor=world.relative.user, visit=visit)
    assert len(mail.outbox) == 3
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Booked", "Changed", "Cancelled"]


# --- Dashboard panels ---------------------------------------------------------------


def test_the_relatives_home_page_shows_their_upcoming_visits(world, client_for):
    visit = book(world, meal="lunch")
    other_relative = MembershipFactory(home=world.home, role=Role.FAMILY)
    RelativeLinkFactory(resident=world.unlinked_resident, membership=other_relative)
    book(
        world,
        membership=other_relative,
        resident=world.unlinked_resident,
        start_time=time(10),
        end_time=time(11),
    )
    response = client_for(world.relative).get(reverse("homes:dashboard", args=[world.home.slug]))
    page = response.content.decode()
    assert "Your upcoming visits" in page
    assert url(world, "visit_detail", visit.pk) in page
    assert "Arthur" not in page


def test_staff_see_todays_visits_on_the_dashboard(world, client_for):
    response = client_for(world.staff).get(reverse("homes:dashboard", args=[world.home.slug]))
    assert "Today's visits" in response.content.decode()
    assert alert_text(response) == ""


# --- Staff booking on a family's behalf -------------------------------------------------------


def test_staff_can_book_for_a_relative_who_then_sees_it_and_gets_the_email(
    world, client_for, django_capture_on_commit_callbacks
):
    from visits.selectors.booking import my_visits  # noqa: PLC0415

    link = RelativeLink.objects.get(membership=world.relative, resident=world.resident)
    day = timezone.localdate() + timedelta(days=3)
    mail.outbox.clear()
    staff = client_for(world.staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("visits:book", args=[world.home.slug]),
            {
                "resident": world.resident.pk,
                "for_relative": link.pk,
                "kind": "visit",
                "date": day.isoformat(),
                "start_time": "14:00",
                "end_time": "15:00",
                "meal": "none",
                "visitors": "2",
            },
        )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.booked_by == world.relative and visit.visitor_name == world.relative.user.full_name
    upcoming, _ = my_visits(world.home, world.relative)
    assert [v.pk for v in upcoming] == [visit.pk]
    assert [m.to for m in mail.outbox] == [[world.relative.user.email]]


def test_staff_cannot_book_for_a_relative_of_someone_else(world, client_for):
    link = RelativeLink.objects.get(membership=world.relative, resident=world.resident)
    day = timezone.localdate() + timedelta(days=3)
    response = client_for(world.staff).post(
        reverse("visits:book", args=[world.home.slug]),
        {
            "resident": world.unlinked_resident.pk,
            "for_relative": link.pk,
            "kind": "visit",
            "date": day.isoformat(),
            "start_time": "14:00",
            "end_time": "15:00",
            "meal": "none",
            "visitors": "1",
        },
    )
    assert "is not linked to Arthur" in field_error(response, "for_relative")
    assert not Visit.objects.exists()
