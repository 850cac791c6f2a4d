"""The invitation email as an outbox message ("homes.invitation"): made with
the invitation, sent once, never for a link that was replaced, used or withdrawn."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from homes import services
from homes.models import Invitation, Role
from homes.tests.factories import HomeFactory, MembershipFactory
from notifications import delivery
from notifications.models import ContactPreference, Reminder


def invite(home, actor, email="claire@example.org", **extra):
    return services.invitation_create(
        home=home, actor=actor, email=email, full_name="Claire Baxter", role=Role.FAMILY, **extra
    )


def rows(invitation):
    return list(Reminder.objects.filter(kind="homes.invitation", object_id=invitation.pk).order_by("id"))


def deliver_waiting():
    """What the sweeper would hand a worker a minute later."""
    Reminder.objects.filter(status=Reminder.Status.PENDING).update(
        not_before=timezone.now() - timedelta(minutes=1)
    )
    return delivery.deliver(list(Reminder.objects.order_by("id").values_list("pk", flat=True)))


def token_in(message):
    found = re.search(r"/invitations/([^/\s]+)/", message.body)
    assert found, message.body
    return found.group(1)


def test_the_invitation_is_an_outbox_row_made_with_it(world):
    invitation = invite(world.home, world.manager.user)
    (row,) = rows(invitation)
    assert row.home == world.home
    assert (row.channel, row.recipient, row.user) == ("email", "email:claire@example.org", None)
    assert row.data == {"nonce": invitation.token_nonce}
    assert row.expires_at == invitation.expires_at
    assert row.status == Reminder.Status.PENDING
    assert mail.outbox == []  # not until the transaction commits


def test_delivering_the_same_row_twice_sends_one_email(world):
    invitation = invite(world.home, world.manager.user)
    (row,) = rows(invitation)
    Reminder.objects.filter(pk=row.pk).update(not_before=timezone.now() - timedelta(minutes=1))

    assert delivery.deliver([row.pk])["sent"] == 1
    assert delivery.deliver([row.pk])["skipped"] == 1

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["claire@example.org"]
    invitation.refresh_from_db()
    assert invitation.send_count == 1
    assert invitation.sent_at is not None


def test_the_email_keeps_its_wording_link_and_footer(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(world.home, world.manager.user, message="We'd love you to join us.")
    (message,) = mail.outbox
    assert message.subject == "You're invited to join Rowan House on Kith"
    assert "Ruth Adeyemi has invited you to join Rowan House on Kith as family or friend" in message.body
    assert "Their note: We'd love you to join us." in message.body
    assert "To accept, open this link within 14 days:" in message.body
    assert services.invitation_from_token(token_in(message)) == invitation
    # The same link in both parts (the token is signed with the second it was
    # made: worked out again here, a second later, it would differ).
    (link,) = re.findall(r"https?://\S+/invitations/[^/\s]+/", message.body)
    assert link.startswith(services.invitation_url(invitation).split("/invitations/")[0])
    html = message.alternatives[0][0]
    assert f'href="{link}"' in html
    assert "Accept the invitation" in html
    # Essential: it says why it still comes, and has no one-click unsubscribe.
    assert "sent even if you have turned reminders off" in message.body
    assert "List-Unsubscribe" not in message.extra_headers


def test_a_home_name_with_an_apostrophe_is_written_plainly(world, django_capture_on_commit_callbacks):
    home = HomeFactory(name="St Mary's")
    manager = MembershipFactory(home=home, role=Role.MANAGER, user__full_name="Ann O'Neill")
    with django_capture_on_commit_callbacks(execute=True):
        invite(home, manager.user)
    (message,) = mail.outbox
    assert message.subject == "You're invited to join St Mary's on Kith"
    assert "Ann O'Neill has invited you to join St Mary's" in message.body


def test_a_resend_kills_the_first_row_and_sends_only_the_new_link(world, django_capture_on_commit_callbacks):
    invitation = invite(world.home, world.manager.user)  # its email not handed out yet
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(home=world.home, invitation=invitation, actor=world.manager.user)

    first, second = rows(invitation)
    assert (first.status, first.cancelled_reason) == (Reminder.Status.CANCELLED, "A newer link was sent.")
    assert second.status == Reminder.Status.SENT
    assert second.data == {"nonce": Invitation.objects.get(pk=invitation.pk).token_nonce}
    (message,) = mail.outbox
    assert services.invitation_from_token(token_in(message)) == invitation
    assert Invitation.objects.get(pk=invitation.pk).send_count == 1


def test_a_row_already_handed_out_for_a_replaced_link_is_not_sent(world):
    invitation = invite(world.home, world.manager.user)
    (row,) = rows(invitation)
    # The link changed after the worker was given the row (a resend racing it).
    Invitation.objects.filter(pk=invitation.pk).update(token_nonce="f" * 32)

    assert deliver_waiting()["cancelled"] == 1
    row.refresh_from_db()
    assert (row.status, row.cancelled_reason) == (Reminder.Status.CANCELLED, "A newer link was sent.")
    assert mail.outbox == []
    assert Invitation.objects.get(pk=invitation.pk).send_count == 0


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"revoked_at": timezone.now()}, "The invitation was withdrawn."),
        ({"accepted_at": timezone.now()}, "The invitation was already accepted."),
    ],
)
def test_nothing_is_sent_for_a_withdrawn_or_accepted_invitation(world, change, reason):
    invitation = invite(world.home, world.manager.user)
    Invitation.objects.filter(pk=invitation.pk).update(**change)
    assert deliver_waiting()["sent"] == 0
    assert mail.outbox == []
    (row,) = rows(invitation)
    assert (row.status, row.cancelled_reason) == (Reminder.Status.CANCELLED, reason)


def test_withdrawing_cancels_the_waiting_email(world):
    invitation = invite(world.home, world.manager.user)
    services.invitation_revoke(home=world.home, invitation=invitation, actor=world.manager.user)
    (row,) = rows(invitation)
    assert (row.status, row.cancelled_reason) == (Reminder.Status.CANCELLED, "The invitation was withdrawn.")
    assert deliver_waiting()["sent"] == 0
    assert mail.outbox == []


def test_nothing_is_sent_once_the_invitation_has_expired(world):
    invitation = invite(world.home, world.manager.user)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    Reminder.objects.filter(pk=rows(invitation)[0].pk).update(expires_at=None)  # the kind checks too
    assert deliver_waiting()["sent"] == 0
    assert mail.outbox == []
    assert rows(invitation)[0].cancelled_reason == "The invitation has expired."


def test_an_address_that_stopped_reminders_still_gets_its_invitation(
    world, django_capture_on_commit_callbacks
):
    ContactPreference.objects.create(email_address="claire@example.org", reminders_off_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        invite(world.home, world.manager.user)
    assert [m.to for m in mail.outbox] == [["claire@example.org"]]
