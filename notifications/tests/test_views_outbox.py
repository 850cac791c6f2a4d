"""The manager's Messages page, "Try again", the test message, letters to post,
quiet hours and the dashboard panels."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from notifications import services
from notifications.models import Channel, ContactPreference, MessageSettings, Outcome, Reminder
from notifications.tests.sweep_messages import reminder_for
from tests.html import field_error, main_text

Status = Reminder.Status


def url(world, name, *args):
    return reverse(f"notifications:{name}", args=[world.home.slug, *args])


def failed(world, user=None, **fields):
    fields.setdefault("last_error", "The mail server refused it: 550 no such mailbox.")
    fields.setdefault("attempts", 3)
    return reminder_for(world.home, user or world.relative.user, **fields)


def letter(world, user=None, *, address="12 Elm Road\nLeeds\nLS1 4AB", due=None, status=Status.PENDING):
    user = user or world.relative.user
    ContactPreference.objects.update_or_create(
        user=user, defaults={"by_post": True, "postal_address": address}
    )
    return reminder_for(world.home, user, channel=Channel.POST, status=status, due=due or timezone.now())


# --- The Messages page ------------------------------------------------------------


def test_empty_outbox_says_so_in_plain_words(world, client_for):
    response = client_for(world.manager).get(url(world, "outbox"))
    assert response.status_code == 200
    text = main_text(response)
    assert "Messages" in text
    assert "Nothing has failed." in text
    assert "No messages are waiting to be sent." in text
    assert "Nothing has been sent yet." in text


def test_outbox_shows_failed_first_with_what_who_how_and_why(world, client_for):
    failed(world, due=timezone.now() - timedelta(hours=2))
    reminder_for(world.home, world.staff.user, status=Status.PENDING, due=timezone.now() + timedelta(days=1))
    reminder_for(world.home, world.manager.user, status=Status.SENT, sent_at=timezone.now())
    reminder_for(
        world.home, world.manager.user, status=Status.CANCELLED, due=timezone.now(), channel=Channel.SMS
    )
    text = main_text(client_for(world.manager).get(url(world, "outbox")))
    assert "1 could not be sent 1 waiting to send 1 sent in the last 7 days 1 cancelled this week" in text
    failed_part = text[text.index("Could not be sent") : text.index("Coming up")]
    assert "Test message" in failed_part
    assert "Linda Baxter" in failed_part
    assert "Email" in failed_part
    assert "550 no such mailbox" in failed_part
    assert "Try again" in failed_part
    assert "Aisha Bello" in text[text.index("Coming up") : text.index("Recently sent")]
    assert "Ruth Adeyemi" in text[text.index("Recently sent") :]


def test_an_address_is_shown_for_someone_without_an_account(world, client_for):
    Reminder.objects.filter(pk=failed(world).pk).update(user=None, recipient="email:dot@example.org")
    assert "dot@example.org" in main_text(client_for(world.manager).get(url(world, "outbox")))


def test_another_homes_messages_are_not_shown(world, client_for):
    reminder_for(world.other_home, world.outsider.user, last_error="Birch trouble")
    text = main_text(client_for(world.manager).get(url(world, "outbox")))
    assert "Birch trouble" not in text and "Iain Outsider" not in text


def test_outbox_queries_are_constant(world, client_for, django_assert_max_num_queries):
    client = client_for(world.manager)

    def rows(n):
        for _ in range(n):
            user = UserFactory()
            failed(world, user)
            reminder_for(world.home, user, status=Status.PENDING, due=timezone.now() + timedelta(hours=1))
            reminder_for(world.home, user, status=Status.SENT, sent_at=timezone.now())

    rows(5)
    with django_assert_max_num_queries(12) as small:
        response = client.get(url(world, "outbox"))
    assert response.status_code == 200
    assert main_text(response).count("Try again") >= 5
    rows(45)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url(world, "outbox"))
    assert response.status_code == 200
    assert main_text(response).count("Try again") >= 50


@pytest.fixture
def lateness(settings):
    """Overdue after 5 minutes past due, stuck after 2 minutes sending, whatever the environment says."""
    settings.NOTIFY_OVERDUE_AFTER = 300
    settings.NOTIFY_SENDING_TIMEOUT = 120
    return settings


def part(text, start, end=None):
    return text[text.index(start) : text.index(end) if end else None]


def test_an_overdue_message_is_listed_with_its_age(world, client_for, lateness):
    late = timezone.now() - timedelta(minutes=12, seconds=5)
    reminder_for(world.home, world.relative.user, status=Status.PENDING, due=late, not_before=late)
    just_due = timezone.now() - timedelta(minutes=1)
    reminder_for(world.home, world.staff.user, status=Status.PENDING, due=just_due, not_before=just_due)
    letter(world, world.manager.user, due=late)  # posted by staff, never overdue here
    text = main_text(client_for(world.manager).get(url(world, "outbox")))
    overdue = part(text, "Overdue: 1 message", "Coming up")
    assert "should have gone more than 5 minutes ago and is still waiting" in overdue
    assert "Test message — Rowan House" in overdue
    assert "To Linda Baxter · Email · due 12 minutes ago" in overdue
    assert "Aisha Bello" not in overdue and "Ruth Adeyemi" not in overdue
    assert "Stuck while sending" not in text
    assert "Overdue: due 12 minutes ago." in part(text, "Coming up", "Recently sent")


def test_a_stuck_message_is_listed_and_said_to_go_back_to_the_queue(world, client_for, lateness):
    now = timezone.now()
    reminder_for(
        world.home,
        world.relative.user,
        status=Status.SENDING,
        channel=Channel.SMS,
        claimed_at=now - timedelta(minutes=7, seconds=5),
    )
    reminder_for(world.home, world.staff.user, status=Status.SENDING, claimed_at=now - timedelta(seconds=30))
    text = main_text(client_for(world.manager).get(url(world, "outbox")))
    stuck = part(text, "Stuck while sending: 1 message", "Coming up")
    assert "Kith will return it to the queue automatically" in stuck
    assert "To Linda Baxter · Text message · sending for 7 minutes" in stuck
    assert "Aisha Bello" not in stuck
    assert "Overdue:" not in part(text, "Running late", "Coming up")
    assert "Sending now." in part(text, "Coming up", "Recently sent")  # Aisha's, on time


def test_nothing_late_means_no_running_late_section(world, client_for, lateness):
    reminder_for(
        world.home, world.relative.user, status=Status.PENDING, due=timezone.now() + timedelta(hours=1)
    )
    assert "Running late" not in main_text(client_for(world.manager).get(url(world, "outbox")))


def test_a_message_sent_but_recorded_late_is_sent_not_failed(world, client_for):
    reminder_for(
        world.home,
        world.relative.user,
        status=Status.SENT,
        sent_at=timezone.now(),
        attempts=1,
        outcome=Outcome.RECORDED_LATE,
    )
    text = main_text(client_for(world.manager).get(url(world, "outbox")))
    assert "0 could not be sent" in text
    assert "Nothing has failed." in text
    assert "Try again" not in text
    sent = part(text, "Recently sent")
    assert "Linda Baxter" in sent
    assert "Sent; recording it here was delayed" in sent


@pytest.mark.parametrize(
    ("outcome", "words"),
    [
        (Outcome.NOT_PREPARED, "Kith could not prepare it."),
        (Outcome.REFUSED, "The provider refused it."),
        (Outcome.UNREACHABLE, "Could not reach the provider after 3 tries."),
        (Outcome.WORKER_STOPPED, "The sender stopped while sending it."),
    ],
)
def test_a_failed_message_says_why_and_offers_try_again(world, client_for, outcome, words):
    row = failed(world, outcome=outcome, last_error="Detail for the curious.")
    response = client_for(world.manager).get(url(world, "outbox"))
    failed_part = part(main_text(response), "Could not be sent", "Coming up")
    assert f"{words} Detail for the curious." in failed_part
    assert "Try again" in failed_part
    assert f'action="{url(world, "retry", row.pk)}"' in response.content.decode()


def test_a_failed_message_the_provider_may_have_has_no_try_again(world, client_for):
    # Not a state the sender leaves today; the page and the service must still not resend it.
    row = failed(world, outcome=Outcome.RECORDED_LATE)
    response = client_for(world.manager).get(url(world, "outbox"))
    assert url(world, "retry", row.pk) not in response.content.decode()
    assert "The provider may already have it, so Kith will not send it again." in main_text(response)
    with pytest.raises(services.DomainError, match="not waiting for a retry"):
        services.reminder_retry(home=world.home, actor=world.manager.user, reminder_id=row.pk)
    row.refresh_from_db()
    assert row.status == Status.FAILED


def test_try_again_on_a_message_sent_but_recorded_late_does_not_resend_it(
    world, client_for, django_capture_on_commit_callbacks
):
    row = reminder_for(
        world.home,
        world.relative.user,
        status=Status.SENT,
        sent_at=timezone.now(),
        outcome=Outcome.RECORDED_LATE,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.manager).post(url(world, "retry", row.pk), follow=True)
    assert "This message is not waiting for a retry any more." in main_text(response)
    assert mail.outbox == []
    row.refresh_from_db()
    assert (row.status, row.outcome) == (Status.SENT, Outcome.RECORDED_LATE)


def test_try_again_clears_the_outcome(world):
    row = failed(world, outcome=Outcome.UNREACHABLE)
    services.reminder_retry(home=world.home, actor=world.manager.user, reminder_id=row.pk)
    row.refresh_from_db()
    assert (row.status, row.outcome, row.attempts) == (Status.PENDING, "", 0)


def test_outbox_queries_stay_constant_with_late_and_stuck_rows(
    world, client_for, lateness, django_assert_max_num_queries
):
    client = client_for(world.manager)
    now = timezone.now()

    def rows(n):
        for _ in range(n):
            user = UserFactory()
            failed(world, user, outcome=Outcome.REFUSED)
            late = now - timedelta(minutes=30)
            reminder_for(world.home, user, status=Status.PENDING, due=late, not_before=late)
            reminder_for(world.home, user, status=Status.SENDING, claimed_at=now - timedelta(minutes=10))
            reminder_for(world.home, user, status=Status.SENT, sent_at=now, outcome=Outcome.RECORDED_LATE)

    rows(3)
    with django_assert_max_num_queries(14) as small:
        response = client.get(url(world, "outbox"))
    text = main_text(response)
    assert "Overdue: 3 messages" in text and "Stuck while sending: 3 messages" in text
    rows(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url(world, "outbox"))
    text = main_text(response)
    assert "Overdue: 33 messages" in text and "The oldest 20 are listed." in text
    assert "Stuck while sending: 33 messages" in text
    assert text.count("Sent; recording it here was delayed") == 33


@pytest.mark.parametrize("role", ["staff", "champion", "volunteer", "family"])
def test_only_managers_see_the_outbox(world, client_for, role):
    assert client_for(world.member(role)).get(url(world, "outbox")).status_code == 403


def test_another_homes_manager_gets_404(world, client_for):
    assert client_for(world.outsider).get(url(world, "outbox")).status_code == 404


# --- Try again ---------------------------------------------------------------------


def test_try_again_sends_a_failed_message(world, client_for, django_capture_on_commit_callbacks):
    row = failed(world)
    mail.outbox.clear()
    client = client_for(world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(world, "retry", row.pk))
    assert response.status_code == 302
    page = client.get(response.url)
    assert "We'll try again now." in main_text(page)
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert [m.to for m in mail.outbox] == [[world.relative.user.email]]


def test_try_again_on_a_message_that_is_not_failed_is_a_friendly_message(world, client_for):
    row = reminder_for(world.home, world.relative.user, status=Status.SENT, sent_at=timezone.now())
    client = client_for(world.manager)
    response = client.post(url(world, "retry", row.pk), follow=True)
    assert response.status_code == 200
    assert "not waiting for a retry any more" in main_text(response)
    row.refresh_from_db()
    assert row.status == Status.SENT


def test_try_again_on_another_homes_message_is_404(world, client_for):
    row = reminder_for(world.other_home, world.outsider.user)
    assert client_for(world.manager).post(url(world, "retry", row.pk)).status_code == 404
    row.refresh_from_db()
    assert row.status == Status.FAILED


def test_try_again_needs_a_post_and_a_manager(world, client_for):
    row = failed(world)
    assert client_for(world.manager).get(url(world, "retry", row.pk)).status_code == 405
    assert client_for(world.staff).post(url(world, "retry", row.pk)).status_code == 403
    row.refresh_from_db()
    assert row.status == Status.FAILED


def test_send_me_a_test_message(world, client_for, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    client = client_for(world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(world, "test_message"))
    assert "A test message is on its way to you" in main_text(client.get(response.url))
    (email,) = mail.outbox
    assert email.to == [world.manager.user.email]
    assert "messages to you by email are working" in email.body
    assert client_for(world.staff).post(url(world, "test_message")).status_code == 403


# --- Letters to post -----------------------------------------------------------------


def test_letters_to_post_are_printable_letters(world, client_for):
    letter(world)
    response = client_for(world.staff).get(url(world, "post_list"))
    assert response.status_code == 200
    text = main_text(response)
    assert "Letters to post" in text
    assert "Linda Baxter 12 Elm Road Leeds LS1 4AB" in text
    assert "Hello Linda," in text
    assert "messages to you by post are working" in text
    assert "Mark as posted" in text
    assert 'class="letter"' in response.content.decode()


def test_only_letters_due_within_three_days_and_pending_are_listed(world, client_for):
    letter(world, due=timezone.now() + timedelta(days=5))
    letter(world, UserFactory(full_name="Sent Already"), status=Status.SENT)
    reminder_for(world.home, world.staff.user, status=Status.PENDING)  # email, not post
    text = main_text(client_for(world.staff).get(url(world, "post_list")))
    assert "There are no letters to post in the next three days." in text


def test_mark_as_posted(world, client_for):
    row = letter(world)
    client = client_for(world.staff)
    response = client.post(url(world, "mark_posted", row.pk), follow=True)
    assert "Marked as posted: the letter to Linda Baxter." in main_text(response)
    assert "There are no letters to post" in main_text(response)
    row.refresh_from_db()
    assert row.status == Status.SENT and row.sent_at is not None
    again = client.post(url(world, "mark_posted", row.pk), follow=True)
    assert "already marked as posted" in main_text(again)


def test_mark_as_posted_on_another_homes_letter_is_404(world, client_for):
    row = reminder_for(world.other_home, world.outsider.user, channel=Channel.POST, status=Status.PENDING)
    assert client_for(world.staff).post(url(world, "mark_posted", row.pk)).status_code == 404
    row.refresh_from_db()
    assert row.status == Status.PENDING


def test_a_letter_about_something_gone_does_not_break_the_page(world, client_for):
    row = letter(world)
    Reminder.objects.filter(pk=row.pk).update(object_id=999_999)
    text = main_text(client_for(world.staff).get(url(world, "post_list")))
    assert "This letter could not be prepared" in text


@pytest.mark.parametrize("role", ["volunteer", "family"])
def test_letters_are_for_staff(world, client_for, role):
    assert client_for(world.member(role)).get(url(world, "post_list")).status_code == 403


def test_letters_queries_are_bounded(world, client_for):
    client = client_for(world.staff)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url(world, "post_list"))
        return len(captured), response

    letter(world, UserFactory())
    one, _ = queries()
    letter(world, UserFactory())
    two, _ = queries()
    for _ in range(41):
        letter(world, UserFactory())
    # At most 30 letters are rendered, each costing the same few queries (the object it is about).
    many, response = queries()
    assert many <= one + 29 * (two - one) + 1
    assert main_text(response).count("Mark as posted") == 30
    assert "43 letters are waiting" in main_text(response)


# --- Quiet hours ---------------------------------------------------------------------


def test_quiet_hours_show_the_defaults_and_save(world, client_for):
    client = client_for(world.manager)
    page = client.get(url(world, "settings"))
    assert 'value="21:00"' in page.content.decode() and 'value="08:00"' in page.content.decode()
    response = client.post(url(world, "settings"), {"quiet_from": "20:30", "quiet_until": "08:30"})
    assert response.status_code == 302
    saved = MessageSettings.objects.get(home=world.home)
    assert (saved.quiet_from.isoformat(), saved.quiet_until.isoformat()) == ("20:30:00", "08:30:00")
    assert "Saved." in main_text(client.get(response.url))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"quiet_from": "21:00", "quiet_until": "23:00"}, "quiet_until", "at least 6 hours"),
        ({"quiet_from": "", "quiet_until": "08:00"}, "quiet_from", "Enter when quiet hours start"),
        ({"quiet_from": "21:00", "quiet_until": "8am"}, "quiet_until", "Enter when quiet hours end"),
    ],
)
def test_bad_quiet_hours_are_refused_next_to_the_field(world, client_for, data, field, message):
    response = client_for(world.manager).post(url(world, "settings"), data)
    assert response.status_code == 200
    assert message in field_error(response, field)
    assert not MessageSettings.objects.filter(home=world.home).exists()


def test_quiet_hours_are_for_managers(world, client_for):
    assert client_for(world.staff).get(url(world, "settings")).status_code == 403
    assert client_for(world.outsider).get(url(world, "settings")).status_code == 404


# --- Dashboard panels ----------------------------------------------------------------


def dashboard(world, client_for, who):
    return main_text(client_for(who).get(reverse("homes:dashboard", args=[world.home.slug])))


def test_manager_panel_counts_messages_that_could_not_be_sent(world, client_for):
    assert "Every reminder has gone out or is waiting" in dashboard(world, client_for, world.manager)
    failed(world)
    failed(world, UserFactory())
    response = client_for(world.manager).get(reverse("homes:dashboard", args=[world.home.slug]))
    assert "2 messages could not be sent." in main_text(response)
    assert "panel panel-alert" in response.content.decode()


def test_staff_see_letters_to_post_only_when_there_are_some(world, client_for):
    text = dashboard(world, client_for, world.staff)
    assert "Letters to post" not in text and "could not be sent" not in text
    letter(world)
    assert "1 letter to print and post" in dashboard(world, client_for, world.staff)
    assert "Letters to post" not in dashboard(world, client_for, world.relative)


def test_dashboard_panels_cost_fixed_queries(world, client_for, django_assert_max_num_queries):
    client = client_for(world.manager)
    home = reverse("homes:dashboard", args=[world.home.slug])
    failed(world)
    letter(world)
    with django_assert_max_num_queries(100) as few:
        response = client.get(home)
    assert response.status_code == 200
    text = main_text(response)
    assert "1 message could not be sent." in text and "1 letter to print and post" in text
    for _ in range(10):
        user = UserFactory()
        failed(world, user)
        letter(world, user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(home)
    assert response.status_code == 200
    text = main_text(response)
    assert "11 messages could not be sent." in text and "11 letters to print and post" in text


def test_the_messages_page_names_everything_its_selector_gives(world):
    # The view hands the page's context over lazily, by these names (homes.fragments.deferred).
    from homes.scoping import home_scope
    from notifications import selectors

    with home_scope(world.home):
        assert set(selectors.outbox_page(world.home)) == set(selectors.OUTBOX_PAGE_NAMES)
