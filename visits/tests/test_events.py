"""Invitations to meals and activities: staff invite a resident's family,
relatives reply with numbers, staff see the replies and totals."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from carehome.errors import DomainError
from homes.models import Role
from homes.tests.factories import MembershipFactory
from notifications.delivery import deliver
from notifications.models import Reminder
from residents.models import RelativeLink
from residents.tests.factories import RelativeLinkFactory, ResidentFactory
from tests.html import field_error, main_text
from visits.models import EventInvitation, EventReply
from visits.services.events import event_cancel, event_invite, event_reply
from visits.tests.factories import EventInvitationFactory, EventReplyFactory

Answer = EventReply.Answer


def next_sunday():
    today = timezone.localdate()
    return today + timedelta(days=(6 - today.weekday()) % 7 or 7)


def invite_data(world, **fields):
    data = {
        "kind": "meal",
        "title": "Sunday lunch",
        "date": next_sunday().isoformat(),
        "starts": "12:30",
        "ends": "14:00",
        "place": "The dining room",
        "message": "Roast beef and Yorkshire pudding.",
        "residents": [world.resident.pk],
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def add_url(world):
    return reverse("visits:event_add", args=[world.home.slug])


def reply_url(world, reply):
    return reverse("visits:event_reply", args=[world.home.slug, reply.pk])


def detail_url(world, event):
    return reverse("visits:event_detail", args=[world.home.slug, event.pk])


@pytest.fixture
def lunch(world, django_capture_on_commit_callbacks):
    """Sunday lunch for Peggy's family, invitation emailed: (event, Linda's reply)."""
    start = timezone.now() + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        events, _ = event_invite(
            home=world.home,
            actor=world.staff.user,
            residents=[world.resident],
            kind="meal",
            title="Sunday lunch",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
        )
    return events[0], EventReply.objects.get(event=events[0], membership=world.relative)


# --- Services -----------------------------------------------------------------------


def test_inviting_makes_a_waiting_reply_per_linked_relative_and_emails_each(world, lunch):
    event, reply = lunch
    assert event.resident == world.resident
    assert reply.answer == Answer.WAITING
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.relative.user.email]
    assert "Sunday lunch with Peggy" in message.subject
    assert reply_url(world, reply) in message.body


def test_paused_links_and_other_residents_families_are_not_invited(world, django_capture_on_commit_callbacks):
    paused = MembershipFactory(home=world.home, role=Role.FAMILY, user__full_name="Paul Paused")
    RelativeLinkFactory(resident=world.resident, membership=paused, status=RelativeLink.Status.PAUSED)
    other = MembershipFactory(home=world.home, role=Role.FAMILY)
    RelativeLinkFactory(resident=world.unlinked_resident, membership=other)
    start = timezone.now() + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        events, _ = event_invite(
            home=world.home,
            actor=world.staff.user,
            residents=[world.resident],
            kind="activity",
            title="Summer fair",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
        )
    assert list(events[0].replies.values_list("membership", flat=True)) == [world.relative.pk]
    assert [m.to for m in mail.outbox] == [[world.relative.user.email]]


def test_a_duplicate_email_message_sends_nothing(world, lunch):
    invitation = Reminder.objects.get(kind="visits.event_invitation")
    assert invitation.status == Reminder.Status.SENT
    assert deliver([invitation.pk, invitation.pk])["skipped"] == 2
    assert len(mail.outbox) == 1


def test_no_email_once_they_have_answered(world):
    start = timezone.now() + timedelta(days=3)
    # No worker has run yet: the invitation is waiting in the outbox.
    events, _ = event_invite(
        home=world.home,
        actor=world.staff.user,
        residents=[world.resident],
        kind="meal",
        title="Sunday lunch",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    reply = EventReply.objects.get(event=events[0])
    event_reply(
        home=world.home,
        actor=world.relative.user,
        membership=world.relative,
        reply=reply,
        answer="yes",
        adults=2,
    )
    invitation = Reminder.objects.get(kind="visits.event_invitation")
    assert invitation.status == Reminder.Status.CANCELLED
    # Even a worker that already had it in hand sends nothing.
    Reminder.objects.filter(pk=invitation.pk).update(status=Reminder.Status.PENDING)
    assert deliver([invitation.pk])["cancelled"] == 1
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"starts_at": timezone.now() - timedelta(hours=1)}, "date", "already passed"),
        ({"ends_at_offset": timedelta(hours=-1)}, "ends", "after the start"),
        ({"title": "   "}, "title", "Enter what it is"),
        ({"kind": "party"}, "kind", "meal or an activity"),
        ({"residents": []}, "residents", "Choose whose family"),
    ],
)
def test_invite_refuses_bad_input_and_saves_nothing(world, change, field, message):
    start = timezone.now() + timedelta(days=2)
    kwargs = {
        "home": world.home,
        "actor": world.staff.user,
        "residents": [world.resident],
        "kind": "meal",
        "title": "Sunday lunch",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
    }
    offset = change.pop("ends_at_offset", None)
    kwargs.update(change)
    if offset is not None:
        kwargs["ends_at"] = kwargs["starts_at"] + offset
    with pytest.raises(DomainError) as caught:
        event_invite(**kwargs)
    assert caught.value.field == field
    assert message in caught.value.message
    assert not EventInvitation.objects.exists()


def test_invite_refuses_a_resident_of_another_home(world):
    start = timezone.now() + timedelta(days=2)
    with pytest.raises(DomainError, match="does not live at Rowan House"):
        event_invite(
            home=world.home,
            actor=world.staff.user,
            residents=[world.foreign_resident],
            kind="meal",
            title="Lunch",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )


def test_invite_refuses_when_nobody_has_an_account(world):
    start = timezone.now() + timedelta(days=2)
    with pytest.raises(DomainError, match="Nobody in Arthur"):
        event_invite(
            home=world.home,
            actor=world.staff.user,
            residents=[world.unlinked_resident],
            kind="meal",
            title="Lunch",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
    assert not EventInvitation.objects.exists()


@pytest.mark.parametrize(
    ("answer", "adults", "children", "field"),
    [
        ("yes", 0, 1, "adults"),
        ("yes", 500, 0, "adults"),
        ("maybe", 1, 21, "children"),
        ("yes", -1, 0, "adults"),
        ("later", 1, 0, "answer"),
    ],
)
def test_a_reply_with_bad_numbers_is_refused(world, lunch, answer, adults, children, field):  # noqa: PLR0917
    _, reply = lunch
    with pytest.raises(DomainError) as caught:
        event_reply(
            home=world.home,
            actor=world.relative.user,
            membership=world.relative,
            reply=reply,
            answer=answer,
            adults=adults,
            children=children,
        )
    assert caught.value.field == field
    reply.refresh_from_db()
    assert reply.answer == Answer.WAITING


def test_no_ignores_the_numbers(world, lunch):
    _, reply = lunch
    saved = event_reply(
        home=world.home,
        actor=world.relative.user,
        membership=world.relative,
        reply=reply,
        answer="no",
        adults=500,
        children=3,
    )
    assert (saved.answer, saved.adults, saved.children) == ("no", 0, 0)
    assert saved.replied_at is not None


def test_cannot_reply_once_it_has_started_or_is_cancelled(world, lunch):
    event, reply = lunch
    EventInvitation.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(DomainError, match="already started"):
        event_reply(
            home=world.home,
            actor=world.relative.user,
            membership=world.relative,
            reply=reply,
            answer="yes",
            adults=1,
        )
    EventInvitation.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() + timedelta(hours=1), cancelled_at=timezone.now()
    )
    with pytest.raises(DomainError, match="cancelled"):
        event_reply(
            home=world.home,
            actor=world.relative.user,
            membership=world.relative,
            reply=reply,
            answer="yes",
            adults=1,
        )


def test_cannot_answer_someone_elses_reply(world, lunch):
    _, reply = lunch
    other = MembershipFactory(home=world.home, role=Role.FAMILY)
    with pytest.raises(DomainError, match="not yours"):
        event_reply(home=world.home, actor=other.user, membership=other, reply=reply, answer="yes", adults=1)


def test_cancelling_tells_everyone_who_has_not_said_no(world, lunch, django_capture_on_commit_callbacks):
    event, _ = lunch
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(home=world.home, actor=world.staff.user, event=event)
    event.refresh_from_db()
    assert event.cancelled_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("Cancelled: Sunday lunch")
    with pytest.raises(DomainError, match="already cancelled"):
        event_cancel(home=world.home, actor=world.staff.user, event=event)


# --- Staff pages ---------------------------------------------------------------------


def test_the_form_shows_who_will_be_invited(world, client_for):
    response = client_for(world.staff).get(add_url(world))
    text = main_text(response)
    assert "Margaret Baxter (Peggy) — invites Linda Baxter" in text
    assert "Arthur Hughes — no family with an account yet" in text
    assert "Doris Foreign" not in text


def test_staff_invite_through_the_form(world, client_for, django_capture_on_commit_callbacks):
    client = client_for(world.staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(add_url(world), invite_data(world))
    event = EventInvitation.objects.get()
    assert response.status_code == 302
    assert response.url == detail_url(world, event)
    local = timezone.localtime(event.starts_at)
    assert (local.date(), local.hour, local.minute) == (next_sunday(), 12, 30)
    assert len(mail.outbox) == 1
    page = client.get(response.url)
    assert "Invitation sent to 1 person." in page.content.decode()
    assert "Linda Baxter" in main_text(page)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"date": "2020-01-05"}, "date", "That time has already passed"),
        ({"ends": "11:00"}, "ends", "The end time must be after the start time."),
        ({"date": "31/02/2026"}, "date", "Enter the date, like"),
        ({"title": ""}, "title", "Enter what it is"),
        ({"residents": None}, "residents", "Choose whose family to invite."),
        ({"kind": None}, "kind", "Choose whether it is a meal or an activity."),
        ("foreign", "residents", "does not live here"),
    ],
)
def test_bad_invitations_save_nothing_and_say_why(world, client_for, fields, field, message):
    if fields == "foreign":
        fields = {"residents": [world.foreign_resident.pk]}
    response = client_for(world.staff).post(add_url(world), invite_data(world, **fields))
    assert response.status_code == 200
    assert message in field_error(response, field)
    assert not EventInvitation.objects.exists()


def test_the_event_page_shows_every_reply_and_the_totals(world, client_for):
    event = EventInvitationFactory(resident=world.resident)
    people = [
        MembershipFactory(home=world.home, role=Role.FAMILY, user__full_name=f"Rel {i}") for i in range(6)
    ]
    EventReplyFactory(
        event=event, membership=world.relative, answer="yes", adults=2, children=1, note="Wheelchair"
    )
    EventReplyFactory(event=event, membership=people[0], answer="yes", adults=3, children=1)
    EventReplyFactory(event=event, membership=people[1], answer="maybe", adults=1)
    EventReplyFactory(event=event, membership=people[2], answer="no")
    for m in people[3:]:
        EventReplyFactory(event=event, membership=m)
    text = main_text(client_for(world.staff).get(detail_url(world, event)))
    assert "Yes: 5 adults, 2 children" in text
    assert "Maybe: 1; No: 1; Waiting: 3" in text
    assert "Wheelchair" in text
    listing = main_text(client_for(world.staff).get(reverse("visits:events", args=[world.home.slug])))
    assert "Yes: 5 adults, 2 children" in listing


def test_staff_cancel_from_the_event_page(world, client_for, lunch, django_capture_on_commit_callbacks):
    event, _ = lunch
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.staff).post(
            reverse("visits:event_cancel", args=[world.home.slug, event.pk])
        )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.cancelled_at is not None
    assert (
        client_for(world.staff)
        .get(reverse("visits:event_cancel", args=[world.home.slug, event.pk]))
        .status_code
        == 405
    )


@pytest.mark.parametrize("url_name", ["visits:events", "visits:event_add"])
def test_relatives_and_volunteers_cannot_open_staff_pages(world, client_for, url_name):
    for who in (world.relative, world.volunteer):
        assert client_for(who).get(reverse(url_name, args=[world.home.slug])).status_code == 403
    assert client_for(world.outsider).get(reverse(url_name, args=[world.home.slug])).status_code == 404


def test_another_homes_event_is_404(world, client_for):
    event = EventInvitationFactory(resident=world.foreign_resident)
    assert client_for(world.manager).get(detail_url(world, event)).status_code == 404


def _page_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_event_pages_take_the_same_queries_for_5_or_50_replies(world, client_for):
    client = client_for(world.staff)
    counts = []
    for n in (5, 50):
        event = EventInvitationFactory(resident=ResidentFactory(home=world.home))
        members = MembershipFactory.create_batch(n, home=world.home, role=Role.FAMILY)
        EventReply.objects.bulk_create(
            [EventReply(home=world.home, event=event, membership=m, answer="yes", adults=1) for m in members]
        )
        counts.append(
            (
                _page_queries(client, detail_url(world, event)),
                _page_queries(client, reverse("visits:events", args=[world.home.slug])),
                _page_queries(client, add_url(world)),
            )
        )
    assert counts[0] == counts[1]


# --- The relative --------------------------------------------------------------------


def test_relative_replies_yes_for_two_adults(world, client_for, lunch):
    _, reply = lunch
    client = client_for(world.relative)
    assert "Sunday lunch" in main_text(client.get(reply_url(world, reply)))
    response = client.post(
        reply_url(world, reply), {"answer": "yes", "adults": "2", "children": "0", "note": ""}
    )
    assert response.status_code == 302
    reply.refresh_from_db()
    assert (reply.answer, reply.adults, reply.children) == ("yes", 2, 0)
    dashboard = client.get(response.url)
    assert "The home knows to expect 2 adults." in dashboard.content.decode()
    assert "Your answer: Yes (2 adults)" in main_text(dashboard)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"answer": "yes", "adults": "500"}, "adults", "from 0 to 20"),
        ({"answer": "yes", "adults": "0", "children": "2"}, "adults", "at least 1 adult"),
        ({"answer": "maybe", "adults": "two"}, "adults", "as a number"),
        ({"adults": "1"}, "answer", "Choose yes, no or maybe."),
    ],
)
def test_bad_replies_save_nothing_and_say_why(world, client_for, lunch, data, field, message):  # noqa: PLR0917
    _, reply = lunch
    response = client_for(world.relative).post(reply_url(world, reply), {"children": "0", **data})
    assert response.status_code == 200
    assert message in field_error(response, field)
    reply.refresh_from_db()
    assert reply.answer == Answer.WAITING


def test_no_with_silly_numbers_is_fine(world, client_for, lunch):
    _, reply = lunch
    response = client_for(world.relative).post(reply_url(world, reply), {"answer": "no", "adults": "500"})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert (reply.answer, reply.adults) == ("no", 0)


def test_a_relative_gets_404_for_anyone_elses_reply(world, client_for, lunch):
    event, _ = lunch
    other = MembershipFactory(home=world.home, role=Role.FAMILY)
    theirs = EventReplyFactory(event=event, membership=other)
    client = client_for(world.relative)
    assert client.get(reply_url(world, theirs)).status_code == 404
    assert client.post(reply_url(world, theirs), {"answer": "yes", "adults": "1"}).status_code == 404
    assert client_for(world.staff).get(reply_url(world, theirs)).status_code == 403
    assert client_for(world.outsider).get(reply_url(world, theirs)).status_code == 404


def test_an_ended_link_loses_the_invitation_at_once(world, client_for, lunch):
    _, reply = lunch
    RelativeLink.objects.filter(membership=world.relative).update(status=RelativeLink.Status.ENDED)
    client = client_for(world.relative)
    assert client.get(reply_url(world, reply)).status_code == 404
    assert "Sunday lunch" not in main_text(client.get(reverse("homes:dashboard", args=[world.home.slug])))


def test_a_started_event_shows_the_answer_but_no_form(world, client_for, lunch):
    event, reply = lunch
    EventInvitation.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    response = client_for(world.relative).post(reply_url(world, reply), {"answer": "yes", "adults": "1"})
    assert response.status_code == 200
    assert "can no longer be changed" in main_text(response)
    reply.refresh_from_db()
    assert reply.answer == Answer.WAITING


def test_the_dashboard_panel_lists_only_their_invitations(world, client_for, lunch):
    other_event = EventInvitationFactory(resident=world.unlinked_resident, title="Arthur's birthday tea")
    EventReplyFactory(event=other_event, membership=MembershipFactory(home=world.home, role=Role.FAMILY))
    text = main_text(client_for(world.relative).get(reverse("homes:dashboard", args=[world.home.slug])))
    assert "Invitations" in text
    assert "Sunday lunch with Peggy" in text
    assert "Your answer: not answered yet" in text
    assert "birthday tea" not in text


def test_the_dashboard_takes_the_same_queries_for_5_or_50_invitations(world, client_for):
    client, staff = client_for(world.relative), client_for(world.staff)
    url = reverse("homes:dashboard", args=[world.home.slug])
    _page_queries(client, url)
    _page_queries(staff, url)
    counts = []
    for n in (5, 50):
        events = EventInvitationFactory.create_batch(n, resident=world.resident)
        EventReply.objects.bulk_create(
            [EventReply(home=world.home, event=e, membership=world.relative) for e in events]
        )
        counts.append(_page_queries(client, url))
        counts.append(_page_queries(staff, url))
    assert counts[0] == counts[2]
    assert counts[1] == counts[3]


MY_URLS = [
    "visits:events",
    "visits:event_add",
    "visits:event_detail",
    "visits:event_cancel",
    "visits:event_reply",
    "visits:contributions",
    "visits:contribution_review",
    "visits:contribution_add",
]


@pytest.mark.parametrize("name", MY_URLS)
def test_every_role_gets_an_answer_and_another_home_404(world, client_for, name):
    """The URL sweep of tests/test_scoping.py, for this area's pages only."""
    from tests.urls_sweep import object_kwargs  # noqa: PLC0415

    def url(own):
        kwargs = {"home_slug": world.home.slug}
        if name in object_kwargs():
            kwargs.update(object_kwargs()[name](world, own))
        return reverse(name, kwargs=kwargs)

    for role in ["manager", "champion", "staff", "volunteer", "family"]:
        status = client_for(world.member(role)).get(url(True)).status_code
        assert status in (200, 302, 403, 405), f"{role} got {status}"
    assert client_for(world.outsider).get(url(True)).status_code == 404
    if name in object_kwargs():
        assert client_for(world.manager).get(url(False)).status_code in (404, 405)
        assert client_for(world.manager).post(url(False)).status_code == 404
