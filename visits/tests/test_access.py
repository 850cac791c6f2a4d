"""Door codes for approved regular visitors: the manager's page, approving
regular visitors, the relative's page (every showing logged), the emails that
never carry the code, and the scheduled rotation."""

import threading
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
from tests.threads import scoped_thread
from visits.models import DoorCode, DoorCodeView, VisitingInfo
from visits.services.access import door_code_rotate, regular_visitor_set
from visits.tasks_access import rotate_due_door_codes
from visits.tests.factories import DoorCodeFactory


def url(world, name, *args):
    return reverse(f"visits:{name}", args=[world.home.slug, *args])


def approve(world, membership=None):
    link = RelativeLink.objects.get(membership=membership or world.relative)
    regular_visitor_set(home=world.home, actor=world.manager.user, link_id=link.pk, approved=True)
    return link


def current(home):
    return DoorCode.objects.get(home=home, replaced_at__isnull=True)


# --- The manager's page ------------------------------------------------------------------


def test_manager_sees_no_code_yet_then_sets_one(world, client_for):
    client = client_for(world.manager)
    assert "No door code has been set yet" in main_text(client.get(url(world, "door_code")))
    response = client.post(url(world, "door_code"), {"action": "change", "code": "583920"})
    assert response.status_code == 302
    assert current(world.home).code == "583920"
    page = client.get(url(world, "door_code"))
    assert "583920" in main_text(page)
    assert "Ruth Adeyemi" in main_text(page)


def test_change_it_now_replaces_the_code_and_keeps_the_old_one(world, client_for):
    old = DoorCodeFactory(home=world.home, code="1111")
    client_for(world.manager).post(url(world, "door_code"), {"action": "change", "code": ""})
    old.refresh_from_db()
    assert old.replaced_at is not None
    new = current(world.home)
    assert new.code != "1111" and new.code.isdigit() and 4 <= len(new.code) <= 6
    assert new.created_by == world.manager.user


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("12a4", "Enter a door code of 4 to 8 digits"),
        ("²²²²", "Enter a door code of 4 to 8 digits"),  # digits to Python, not on a keypad
        ("123", "Enter a door code of 4 to 8 digits"),
        ("4721", "That is the code already in use"),
        ("123456789", "at most 8 digits"),
    ],
)
def test_bad_codes_are_refused_next_to_the_field(world, client_for, code, message):
    DoorCodeFactory(home=world.home, code="4721")
    response = client_for(world.manager).post(url(world, "door_code"), {"action": "change", "code": code})
    assert response.status_code == 200
    assert message in field_error(response, "code")
    assert DoorCode.objects.filter(home=world.home).count() == 1


def test_rotation_interval_is_saved_and_checked(world, client_for):
    client = client_for(world.manager)
    response = client.post(url(world, "door_code"), {"action": "interval", "days": "0"})
    assert "from 1 to 365" in field_error(response, "days")
    assert not VisitingInfo.objects.filter(home=world.home).exists()
    client.post(url(world, "door_code"), {"action": "interval", "days": "14"})
    assert VisitingInfo.objects.get(home=world.home).door_code_rotate_days == 14


def test_the_log_shows_who_saw_which_code_newest_first(world, client_for):
    code = DoorCodeFactory(home=world.home, code="2468")
    first = DoorCodeView.objects.create(home=world.home, door_code=code, membership=world.relative)
    other = MembershipFactory(home=world.home, role=Role.FAMILY, user__full_name="Derek Baxter")
    DoorCodeView.objects.create(home=world.home, door_code=code, membership=other)
    DoorCodeView.objects.filter(pk=first.pk).update(viewed_at=timezone.now() - timedelta(days=1))
    text = main_text(client_for(world.manager).get(url(world, "door_code")))
    assert "2 times the code was shown" in text
    assert text.index("Derek Baxter") < text.index("Linda Baxter")


def test_door_code_page_queries_are_constant(world, client_for):
    client = client_for(world.manager)
    code = DoorCodeFactory(home=world.home)

    def views(n):
        DoorCodeView.objects.bulk_create(
            [DoorCodeView(home=world.home, door_code=code, membership=world.relative) for _ in range(n)]
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(world, "door_code")).status_code == 200
        return len(queries)

    assert views(5) == views(45)


@pytest.mark.parametrize("role", ["staff", "champion", "volunteer", "family"])
def test_only_managers_see_the_door_code_page(world, client_for, role):
    DoorCodeFactory(home=world.home)
    assert client_for(world.member(role)).get(url(world, "door_code")).status_code == 403
    assert client_for(world.member(role)).get(url(world, "regular_visitors")).status_code == 403


def test_outsider_gets_404(world, client_for):
    for name in ["door_code", "regular_visitors", "my_door_code"]:
        assert client_for(world.outsider).get(url(world, name)).status_code == 404


# --- Concurrency -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_managers_changing_the_code_at_once_leave_one_current_code(world):
    DoorCodeFactory(home=world.home, code="1000")
    barrier = threading.Barrier(2)
    outcomes = []

    def rotate(code):
        try:
            barrier.wait()
            door_code_rotate(home=world.home, actor=world.manager.user, code=code)
            outcomes.append("changed")
        except DomainError as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    threads = [scoped_thread(world.home, rotate, c) for c in ("2222", "3333")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 2
    assert DoorCode.objects.filter(home=world.home, replaced_at__isnull=True).count() == 1
    assert DoorCode.objects.filter(home=world.home).count() == 1 + outcomes.count("changed")


# --- Regular visitors --------------------------------------------------------------------


def test_manager_approves_and_withdraws_a_regular_visitor(world, client_for):
    client = client_for(world.manager)
    link = RelativeLink.objects.get(membership=world.relative)
    page = client.get(url(world, "regular_visitors"))
    assert "Linda Baxter" in main_text(page) and "Approve" in main_text(page)
    client.post(url(world, "regular_visitors"), {"link": link.pk, "approve": "1"})
    link.refresh_from_db()
    assert link.regular_visitor_approved_at is not None
    assert link.regular_visitor_approved_by == world.manager.user
    assert "Yes, since" in main_text(client.get(url(world, "regular_visitors")))
    client.post(url(world, "regular_visitors"), {"link": link.pk, "approve": "0"})
    link.refresh_from_db()
    assert link.regular_visitor_approved_at is None and link.regular_visitor_approved_by is None


def test_approval_is_in_the_change_history(world):
    from auditlog.models import LogEntry

    link = approve(world)
    entry = LogEntry.objects.get_for_object(link).first()
    assert "regular_visitor_approved_at" in entry.changes_dict
    assert entry.actor == world.manager.user


def test_a_paused_link_or_another_homes_link_cannot_be_approved(world, client_for):
    link = RelativeLink.objects.get(membership=world.relative)
    RelativeLink.objects.filter(pk=link.pk).update(status=RelativeLink.Status.PAUSED)
    with pytest.raises(DomainError, match="active"):
        regular_visitor_set(home=world.home, actor=world.manager.user, link_id=link.pk, approved=True)
    foreign = RelativeLinkFactory(
        resident=world.foreign_resident, membership=MembershipFactory(home=world.other_home, role=Role.FAMILY)
    )
    response = client_for(world.manager).post(
        url(world, "regular_visitors"), {"link": foreign.pk, "approve": "1"}
    )
    assert response.status_code == 302
    foreign.refresh_from_db()
    assert foreign.regular_visitor_approved_at is None


def test_regular_visitors_page_queries_are_constant(world, client_for):
    client = client_for(world.manager)

    def links(n):
        for _ in range(n):
            RelativeLinkFactory(
                resident=ResidentFactory(home=world.home),
                membership=MembershipFactory(home=world.home, role=Role.FAMILY),
                regular_visitor_approved_at=timezone.now(),
                regular_visitor_approved_by=world.manager.user,
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(world, "regular_visitors")).status_code == 200
        return len(queries)

    assert links(5) == links(45)


# --- The relative's page -----------------------------------------------------------------


def test_a_relative_without_approval_is_refused_and_nothing_is_logged(world, client_for):
    DoorCodeFactory(home=world.home, code="4721")
    response = client_for(world.relative).get(url(world, "my_door_code"))
    assert response.status_code == 403
    assert "shown to regular visitors the home has approved" in main_text(response)
    assert "4721" not in response.content.decode()
    assert not DoorCodeView.objects.exists()


def test_an_approved_relative_sees_the_code_and_each_view_is_logged(world, client_for):
    code = DoorCodeFactory(home=world.home, code="4721")
    approve(world)
    client = client_for(world.relative)
    for _ in range(2):
        response = client.get(url(world, "my_door_code"))
        assert response.status_code == 200
        assert "4721" in main_text(response)
    views = DoorCodeView.objects.filter(home=world.home)
    assert views.count() == 2
    assert {(v.door_code_id, v.membership_id) for v in views} == {(code.pk, world.relative.pk)}


def test_an_approved_relative_is_told_when_no_code_is_set(world, client_for):
    approve(world)
    response = client_for(world.relative).get(url(world, "my_door_code"))
    assert "has not set a door code yet" in main_text(response)
    assert not DoorCodeView.objects.exists()


@pytest.mark.parametrize("status", [RelativeLink.Status.PAUSED, RelativeLink.Status.ENDED])
def test_pausing_or_ending_the_link_refuses_the_next_request(world, client_for, status):
    DoorCodeFactory(home=world.home, code="4721")
    link = approve(world)
    client = client_for(world.relative)
    assert client.get(url(world, "my_door_code")).status_code == 200
    RelativeLink.objects.filter(pk=link.pk).update(status=status)
    response = client.get(url(world, "my_door_code"))
    assert response.status_code == 403
    assert "4721" not in response.content.decode()
    assert DoorCodeView.objects.count() == 1


def test_withdrawn_approval_refuses_the_next_request(world, client_for):
    DoorCodeFactory(home=world.home)
    link = approve(world)
    regular_visitor_set(home=world.home, actor=world.manager.user, link_id=link.pk, approved=False)
    assert client_for(world.relative).get(url(world, "my_door_code")).status_code == 403


def test_staff_cannot_use_the_relatives_page(world, client_for):
    assert client_for(world.staff).get(url(world, "my_door_code")).status_code == 403


def test_dashboard_shows_the_button_but_never_the_code(world, client_for):
    DoorCodeFactory(home=world.home, code="4721")
    client = client_for(world.relative)
    dashboard = reverse("homes:dashboard", args=[world.home.slug])
    assert "Show the door code" not in main_text(client.get(dashboard))
    approve(world)
    page = client.get(dashboard)
    assert "Show the door code" in main_text(page)
    assert "4721" not in page.content.decode()
    assert not DoorCodeView.objects.exists()


# --- Emails ------------------------------------------------------------------------------


def test_approved_visitors_are_told_the_code_changed_but_never_the_code(
    world, client_for, django_capture_on_commit_callbacks
):
    DoorCodeFactory(home=world.home, code="1111")
    approve(world)
    unapproved = MembershipFactory(home=world.home, role=Role.FAMILY)
    RelativeLinkFactory(resident=world.resident, membership=unapproved)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.manager).post(url(world, "door_code"), {"action": "change", "code": "97531"})
    (message,) = mail.outbox
    assert message.to == [world.relative.user.email]
    assert "has changed" in message.subject
    assert "97531" not in message.body
    assert "97531" not in message.alternatives[0][0]
    assert reverse("visits:my_door_code", args=[world.home.slug]) in message.body


def test_a_duplicate_message_sends_nothing(world, django_capture_on_commit_callbacks):
    approve(world)
    DoorCodeFactory(home=world.home, code="1111")
    with django_capture_on_commit_callbacks(execute=True):
        code = door_code_rotate(home=world.home, actor=world.manager.user, code="2468")
    (notice,) = Reminder.objects.filter(kind="visits.door_code_changed")
    assert deliver([notice.pk])["skipped"] == 1
    assert len(mail.outbox) == 1
    code.refresh_from_db()
    assert code.notified_at is not None


def test_a_notice_for_a_replaced_code_is_not_sent(world, django_capture_on_commit_callbacks):
    approve(world)
    first = door_code_rotate(home=world.home, actor=world.manager.user, code="1357")
    with django_capture_on_commit_callbacks(execute=True):
        door_code_rotate(home=world.home, actor=world.manager.user, code="2468")
    (old,) = Reminder.objects.filter(kind="visits.door_code_changed", object_id=first.pk)
    assert old.status == Reminder.Status.CANCELLED
    # A worker that already had the old one in hand finds it out of date.
    Reminder.objects.filter(pk=old.pk).update(status=Reminder.Status.PENDING)
    assert deliver([old.pk])["cancelled"] == 1
    assert len(mail.outbox) == 1


# --- Scheduled rotation ------------------------------------------------------------------


def test_scheduled_rotation_changes_only_codes_that_are_due(world):
    VisitingInfo.objects.create(home=world.home, door_code_rotate_days=7)
    old = DoorCodeFactory(home=world.home, code="1111", valid_from=timezone.now() - timedelta(days=8))
    fresh = DoorCodeFactory(home=world.other_home, code="2222", valid_from=timezone.now() - timedelta(days=8))
    assert rotate_due_door_codes() == 1  # the other home keeps the default 30 days
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.replaced_at is not None and fresh.replaced_at is None
    new = current(world.home)
    assert new.code != "1111" and new.created_by is None


def test_scheduled_rotation_run_twice_rotates_once(world, django_capture_on_commit_callbacks):
    approve(world)
    DoorCodeFactory(home=world.home, valid_from=timezone.now() - timedelta(days=31))
    with django_capture_on_commit_callbacks(execute=True):
        assert rotate_due_door_codes() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert rotate_due_door_codes() == 0
    assert DoorCode.objects.filter(home=world.home).count() == 2
    assert len(mail.outbox) == 1


def test_the_rotation_is_in_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "visits.tasks_access.rotate_due_door_codes" in tasks
