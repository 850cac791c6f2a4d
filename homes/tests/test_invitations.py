"""Inviting people to a home, the emailed link, and accepting it.

The email is an outbox row made with the invitation; it is handed to a worker
on commit (Celery runs eagerly in the tests), so the tests that expect an
email run the on-commit callbacks.
"""

import re
import threading
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory
from carehome.errors import DomainError
from homes import services
from homes.models import Invitation, Membership, Role
from homes.tests.factories import HomeFactory, InvitationFactory
from notifications import delivery
from notifications.models import Reminder
from tests.html import field_error, main_text
from tests.threads import scoped_thread

NEW_PASSWORD = "sparrows-on-the-hedge-42"


def link_path(message):
    """The /invitations/<token>/ path in an invitation email."""
    found = re.search(r"https?://[^/\s]+(/invitations/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def invite_url(world):
    return reverse("homes:invite", args=[world.home.slug])


def invite(client, world, **data):
    fields = {"full_name": "Claire Baxter", "email": "claire@example.org", "role": Role.FAMILY, "message": ""}
    fields.update(data)
    return client.post(invite_url(world), fields)


@pytest.fixture
def manager_client(world, client_for):
    return client_for(world.manager)


@pytest.fixture
def sent(world, django_capture_on_commit_callbacks):
    """An invitation created by the manager, its email sent: (invitation, link path)."""
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            home=world.home,
            actor=world.manager.user,
            email="claire@example.org",
            full_name="Claire Baxter",
            role=Role.FAMILY,
        )
    assert len(mail.outbox) == 1
    invitation.refresh_from_db()
    return invitation, link_path(mail.outbox[0])


# --- Inviting --------------------------------------------------------------------


def test_manager_invites_someone_and_one_email_goes_out(
    world, manager_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(
            manager_client, world, email="Claire@Example.org", message="We'd love you to join us."
        )
    assert response.status_code == 302
    assert response.url == reverse("homes:members", args=[world.home.slug])

    invitation = Invitation.objects.get(home=world.home)
    assert invitation.email == "claire@example.org"
    assert (invitation.full_name, invitation.role) == ("Claire Baxter", Role.FAMILY)
    assert invitation.invited_by == world.manager.user
    assert invitation.sent_at is not None
    assert invitation.send_count == 1

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["claire@example.org"]
    assert "Rowan House" in message.subject
    assert "/invitations/" in message.body
    assert "Ruth Adeyemi has invited you" in message.body
    assert "We'd love you to join us." in message.body
    html_body = message.alternatives[0][0]
    assert link_path(message) in html_body

    page = manager_client.get(response.url)
    assert "Invitation sent to claire@example.org" in main_text(page)
    assert "Claire Baxter" in main_text(page)
    assert "Emailed" in main_text(page)


def test_the_invitation_is_not_emailed_until_it_is_saved(
    world, manager_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invite(manager_client, world)
    assert len(callbacks) == 1
    assert mail.outbox == []
    callbacks[0]()
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"full_name": ""}, "full_name", "Enter the person's name."),
        ({"full_name": "   "}, "full_name", "Enter the person's name."),
        ({"email": ""}, "email", "Enter their email address."),
        ({"email": "claire-at-example"}, "email", "Enter an email address like name@example.com."),
        (
            {"role": "overlord"},
            "role",
            "Select a valid choice. overlord is not one of the available choices.",
        ),
        ({"role": Role.ORG_ADMIN}, "role", "Select a valid choice."),
    ],
)
def test_bad_invitation_input_saves_nothing_and_says_why(world, manager_client, data, field, message):
    response = invite(manager_client, world, **data)
    assert response.status_code == 200
    assert field_error(response, field).startswith(message)
    assert not Invitation.objects.exists()


def test_inviting_someone_who_already_belongs_is_refused(
    world, manager_client, django_capture_on_commit_callbacks
):
    email = world.staff.user.email
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(manager_client, world, email=email.upper())
    assert response.status_code == 200
    assert field_error(response, "email") == f"{email} already belongs to Rowan House."
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_a_member_of_another_home_can_be_invited(world, manager_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(manager_client, world, email=world.outsider.user.email)
    assert response.status_code == 302
    assert Invitation.objects.filter(home=world.home, email=world.outsider.user.email).exists()


def test_a_second_open_invitation_for_the_same_email_is_refused(world, manager_client, sent):
    before = Invitation.objects.count()
    response = invite(manager_client, world, email="CLAIRE@example.org", full_name="Claire B")
    assert response.status_code == 200
    assert field_error(response, "email") == (
        "claire@example.org already has an invitation waiting. Re-send it from the list below instead."
    )
    assert Invitation.objects.count() == before
    assert len(mail.outbox) == 1


def test_after_withdrawing_the_person_can_be_invited_again(world, manager_client, sent):
    invitation, _ = sent
    manager_client.post(reverse("homes:invitation_revoke", args=[world.home.slug, invitation.pk]))
    response = invite(manager_client, world)
    assert response.status_code == 302
    assert Invitation.objects.filter(home=world.home, email="claire@example.org").count() == 2


@pytest.mark.parametrize("role", ["staff", "champion", "volunteer", "family"])
def test_only_managers_may_invite(world, client_for, role):
    client = client_for(world.member(role))
    assert client.get(invite_url(world)).status_code == 403
    response = invite(client, world)
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_staff_cannot_resend_or_withdraw(world, client_for, sent):
    invitation, _ = sent
    client = client_for(world.staff)
    for name in ("homes:invitation_resend", "homes:invitation_revoke"):
        assert client.post(reverse(name, args=[world.home.slug, invitation.pk])).status_code == 403
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert len(mail.outbox) == 1


def test_staff_do_not_see_the_invitations(world, client_for, sent):
    response = client_for(world.staff).get(reverse("homes:members", args=[world.home.slug]))
    assert response.status_code == 200
    assert "claire@example.org" not in main_text(response)
    assert "Invite someone" not in main_text(response)


# --- Accepting: a new person ----------------------------------------------------------


def sign_up(client, path, **data):
    fields = {"full_name": "Claire Baxter", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    fields.update(data)
    return client.post(path, fields)


def test_the_link_shows_who_invited_them_and_where(client, sent):
    _, path = sent
    response = client.get(path)
    assert response.status_code == 200
    text = main_text(response)
    assert "Join Rowan House" in text
    assert "family or friend" in text
    assert "You will sign in with claire@example.org" in text


def test_a_new_person_sets_up_an_account_and_lands_in_the_home(client, world, sent):
    invitation, path = sent
    response = sign_up(client, path, full_name="  Claire Baxter  ")
    assert response.status_code == 302
    assert response.url == reverse("homes:dashboard", args=[world.home.slug])

    user = User.objects.get(email="claire@example.org")
    assert user.full_name == "Claire Baxter"
    assert user.check_password(NEW_PASSWORD)
    membership = Membership.objects.get(user=user)
    assert (membership.home, membership.role, membership.is_active) == (world.home, Role.FAMILY, True)
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert invitation.accepted_by == user

    assert int(client.session[SESSION_KEY]) == user.pk
    dashboard = client.get(response.url)
    assert dashboard.status_code == 200
    assert "Welcome to Rowan House." in main_text(dashboard)

    # They can sign in again later with the password they chose.
    other = client.__class__()
    assert (
        other.post("/login/", {"username": "claire@example.org", "password": NEW_PASSWORD}).status_code == 302
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"password2": "sparrows-on-the-hedge-43"}, "password2", "The two passwords are different."),
        ({"password1": "k1t-3ab", "password2": "k1t-3ab"}, "password1", "This password is too short."),
        (
            {"password1": "password123", "password2": "password123"},
            "password1",
            "This password is too common.",
        ),
        (
            {"password1": "83920174655", "password2": "83920174655"},
            "password1",
            "This password is entirely numeric.",
        ),
        (
            {"password1": "claire.baxter", "password2": "claire.baxter"},
            "password1",
            "The password is too similar to the",
        ),
        ({"full_name": ""}, "full_name", "Enter your name."),
        ({"password1": ""}, "password1", "Choose a password."),
    ],
)
def test_bad_sign_up_creates_nothing_and_keeps_the_invitation_open(client, sent, data, field, message):
    invitation, path = sent
    response = sign_up(client, path, **data)
    assert response.status_code == 200
    assert message in field_error(response, field)
    assert not User.objects.filter(email__iexact="claire@example.org").exists()
    assert not Membership.objects.filter(user__email="claire@example.org").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert SESSION_KEY not in client.session
    # The same link still works afterwards.
    assert sign_up(client, path).status_code == 302


def test_a_used_link_says_so(client, sent):
    _, path = sent
    sign_up(client, path)
    response = client.__class__().get(path)
    assert response.status_code == 410
    assert "This invitation has already been used" in main_text(response)
    # Posting to it again changes nothing.
    again = sign_up(client.__class__(), path, full_name="Someone Else")
    assert again.status_code == 410
    assert User.objects.filter(email="claire@example.org").count() == 1
    assert User.objects.get(email="claire@example.org").full_name == "Claire Baxter"


def test_an_expired_link_says_whom_to_contact(client, sent):
    invitation, path = sent
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(path)
    assert response.status_code == 410
    text = main_text(response)
    assert "This invitation has expired" in text
    assert "contact Rowan House" in text
    assert "01632 960999" in text
    assert sign_up(client, path).status_code == 410
    assert not User.objects.filter(email="claire@example.org").exists()


def test_a_tampered_link_does_not_work(client, sent):
    _, path = sent
    token = path.split("/")[2]
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "not-a-token", token + "x"):
        response = client.get(f"/invitations/{bad}/")
        assert response.status_code == 404, bad
        assert "This link does not work" in main_text(response)
    response = sign_up(client, f"/invitations/{token}x/")
    assert response.status_code == 404
    assert not User.objects.filter(email="claire@example.org").exists()


def test_resending_replaces_the_link_and_pushes_the_expiry(
    world, manager_client, client, sent, django_capture_on_commit_callbacks
):
    invitation, old_path = sent
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            reverse("homes:invitation_resend", args=[world.home.slug, invitation.pk]), follow=True
        )
    assert "A new link is on its way to claire@example.org." in main_text(response)
    assert len(mail.outbox) == 2
    new_path = link_path(mail.outbox[1])
    assert new_path != old_path
    invitation.refresh_from_db()
    assert invitation.expires_at > timezone.now() + timedelta(days=13)
    assert invitation.send_count == 2

    old = client.get(old_path)
    assert old.status_code == 404
    assert "This link does not work" in main_text(old)
    assert client.get(new_path).status_code == 200
    assert sign_up(client, new_path).status_code == 302
    assert Membership.objects.filter(user__email="claire@example.org", home=world.home).exists()


def test_an_expired_invitation_can_be_resent_and_then_works(
    world, manager_client, client, sent, django_capture_on_commit_callbacks
):
    invitation, _ = sent
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(reverse("homes:invitation_resend", args=[world.home.slug, invitation.pk]))
    assert sign_up(client, link_path(mail.outbox[-1])).status_code == 302


def test_a_withdrawn_invitation_says_so(world, manager_client, client, sent):
    invitation, path = sent
    response = manager_client.post(
        reverse("homes:invitation_revoke", args=[world.home.slug, invitation.pk]), follow=True
    )
    assert "The invitation for claire@example.org was withdrawn." in main_text(response)
    assert (
        "claire@example.org" not in main_text(response).split("Invitations waiting")[1].split("Everyone")[0]
    )

    page = client.get(path)
    assert page.status_code == 410
    assert "This invitation was withdrawn" in main_text(page)
    assert sign_up(client, path).status_code == 410
    assert not User.objects.filter(email="claire@example.org").exists()


def test_an_accepted_invitation_cannot_be_resent_or_withdrawn(world, manager_client, client, sent):
    invitation, path = sent
    sign_up(client, path)
    response = manager_client.post(
        reverse("homes:invitation_resend", args=[world.home.slug, invitation.pk]), follow=True
    )
    assert "This invitation has already been accepted." in main_text(response)
    response = manager_client.post(
        reverse("homes:invitation_revoke", args=[world.home.slug, invitation.pk]), follow=True
    )
    assert "This invitation has already been accepted." in main_text(response)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert len(mail.outbox) == 1


# --- Accepting: someone who already has an account -----------------------------------------


@pytest.fixture
def sent_to_outsider(world, django_capture_on_commit_callbacks):
    """Iain, a manager at Birch Court, invited to Rowan House as staff."""
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            home=world.home,
            actor=world.manager.user,
            email=world.outsider.user.email.upper(),
            full_name="Iain Outsider",
            role=Role.STAFF,
        )
    return invitation, link_path(mail.outbox[-1])


def test_an_existing_account_accepts_with_its_password(world, client, sent_to_outsider):
    invitation, path = sent_to_outsider
    page = client.get(path)
    assert "You already have a Kith account" in main_text(page)
    assert b'name="full_name"' not in page.content

    response = client.post(path, {"password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("homes:dashboard", args=[world.home.slug])
    user = world.outsider.user
    assert Membership.objects.get(user=user, home=world.home).role == Role.STAFF
    assert Membership.objects.get(user=user, home=world.other_home).role == Role.MANAGER
    assert User.objects.filter(email__iexact=user.email).count() == 1
    assert int(client.session[SESSION_KEY]) == user.pk


def test_an_existing_account_with_the_wrong_password_gets_nothing(world, client, sent_to_outsider):
    invitation, path = sent_to_outsider
    response = client.post(path, {"password": "not-my-password"})
    assert response.status_code == 200
    assert field_error(response, "password") == "That password is not right. Try again, or reset it."
    assert not Membership.objects.filter(user=world.outsider.user, home=world.home).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert SESSION_KEY not in client.session

    empty = client.post(path, {"password": ""})
    assert field_error(empty, "password") == "Enter your password."


def test_the_invited_person_already_signed_in_just_accepts(world, client_for, sent_to_outsider):
    _, path = sent_to_outsider
    client = client_for(world.outsider)
    page = client.get(path)
    assert page.status_code == 200
    assert f"You are signed in as {world.outsider.user.email}" in main_text(page)
    response = client.post(path)
    assert response.status_code == 302
    assert Membership.objects.filter(user=world.outsider.user, home=world.home, role=Role.STAFF).exists()


def test_someone_else_signed_in_is_told_the_link_is_not_for_them(world, client_for, sent):
    invitation, path = sent
    client = client_for(world.staff)
    response = client.get(path)
    assert response.status_code == 403
    assert "This invitation is for someone else" in main_text(response)
    assert client.post(path).status_code == 403
    assert not User.objects.filter(email="claire@example.org").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_paused_member_who_is_invited_again_gets_access_back(
    world, client, django_capture_on_commit_callbacks
):
    staff = world.staff
    staff.is_active = False
    staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            home=world.home,
            actor=world.manager.user,
            email=staff.user.email,
            full_name="Aisha",
            role=Role.CHAMPION,
        )
    response = client.post(link_path(mail.outbox[-1]), {"password": PASSWORD})
    assert response.status_code == 302
    staff.refresh_from_db()
    assert (staff.is_active, staff.role) == (True, Role.CHAMPION)
    assert Membership.objects.filter(user=staff.user).count() == 1


# --- Two people using one link at once ---------------------------------------------------


def _race(invitation, attempts):
    """Run each attempt in its own thread (its own database connection) at once."""
    barrier = threading.Barrier(len(attempts))
    results = [None] * len(attempts)

    def run(i, kwargs):
        try:
            copy = Invitation.objects.for_home(invitation.home).get(pk=invitation.pk)
            barrier.wait(timeout=10)
            results[i] = services.invitation_accept(invitation=copy, **kwargs)
        except DomainError as error:
            results[i] = error
        except Exception as error:  # anything else is a bug the test reports
            results[i] = error
        finally:
            connection.close()

    threads = [scoped_thread(invitation.home, run, i, kw) for i, kw in enumerate(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_people_accepting_one_invitation_at_once_make_one_account():
    home = HomeFactory(name="Rowan House", slug="rowan")
    invitation = InvitationFactory(home=home, email="claire@example.org", role=Role.FAMILY)

    results = _race(
        invitation,
        [
            {"full_name": "Claire Baxter", "password": NEW_PASSWORD},
            {"full_name": "Claire B", "password": NEW_PASSWORD + "x"},
        ],
    )

    memberships = [r for r in results if isinstance(r, Membership)]
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(memberships) == 1, results
    assert len(errors) == 1, results
    assert isinstance(errors[0], DomainError), repr(errors[0])
    assert errors[0].message == "This invitation has already been used. Sign in instead."
    assert User.objects.filter(email__iexact="claire@example.org").count() == 1
    assert Membership.objects.filter(home=home).count() == 1
    assert Invitation.objects.get(pk=invitation.pk).accepted_by == memberships[0].user


@pytest.mark.django_db(transaction=True)
def test_one_account_accepting_in_two_tabs_at_once_gets_one_membership():
    home = HomeFactory(name="Rowan House", slug="rowan")
    user = UserFactory(email="claire@example.org")
    invitation = InvitationFactory(home=home, email="claire@example.org", role=Role.FAMILY)

    results = _race(invitation, [{"user": user}, {"user": user}])

    assert sum(isinstance(r, Membership) for r in results) == 1, results
    assert sum(isinstance(r, DomainError) for r in results) == 1, results
    assert Membership.objects.filter(home=home, user=user).count() == 1


# --- The email goes through the outbox ------------------------------------------------------


def _invitation_rows(invitation):
    return Reminder.objects.filter(kind="homes.invitation", object_id=invitation.pk).order_by("id")


def _deliver_waiting():
    """What the sweeper would do a minute later, run here."""
    Reminder.objects.filter(status=Reminder.Status.PENDING).update(
        not_before=timezone.now() - timedelta(minutes=1)
    )
    return delivery.deliver(list(Reminder.objects.values_list("pk", flat=True)))


def test_sending_the_same_invitation_twice_sends_one_email(world, sent):
    invitation, _ = sent
    row = _invitation_rows(invitation).get()
    assert row.status == Reminder.Status.SENT
    assert row.recipient == "email:claire@example.org"
    assert delivery.deliver([row.pk, row.pk])["skipped"] == 2
    assert len(mail.outbox) == 1
    invitation.refresh_from_db()
    assert invitation.send_count == 1
    assert invitation.sent_at is not None


def test_an_email_for_a_replaced_link_is_not_sent(world):
    invitation = services.invitation_create(
        home=world.home,
        actor=world.manager.user,
        email="claire@example.org",
        full_name="Claire Baxter",
        role=Role.FAMILY,
    )
    services.invitation_resend(home=world.home, invitation=invitation, actor=world.manager.user)
    _deliver_waiting()
    first, second = _invitation_rows(invitation)
    assert (first.status, first.cancelled_reason) == (Reminder.Status.CANCELLED, "A newer link was sent.")
    assert second.status == Reminder.Status.SENT
    assert len(mail.outbox) == 1
    invitation.refresh_from_db()
    assert services.invitation_from_token(link_path(mail.outbox[0]).split("/")[2]) == invitation


def test_no_email_for_a_withdrawn_or_accepted_invitation(world):
    withdrawn = services.invitation_create(
        home=world.home, actor=world.manager.user, email="w@example.org", full_name="W", role=Role.FAMILY
    )
    services.invitation_revoke(home=world.home, invitation=withdrawn, actor=world.manager.user)
    accepted = services.invitation_create(
        home=world.home, actor=world.manager.user, email="a@example.org", full_name="A", role=Role.FAMILY
    )
    Invitation.objects.filter(pk=accepted.pk).update(accepted_at=timezone.now())
    outcomes = _deliver_waiting()
    assert outcomes["sent"] == 0
    assert mail.outbox == []
    assert _invitation_rows(withdrawn).get().cancelled_reason == "The invitation was withdrawn."
    assert _invitation_rows(accepted).get().cancelled_reason == "The invitation was already accepted."


def test_the_emailed_link_belongs_to_its_invitation(world, sent):
    invitation, path = sent
    token = path.split("/")[2]
    assert services.invitation_from_token(token) == invitation
    other = InvitationFactory(home=world.other_home, email="claire@example.org")
    assert services.invitation_from_token(services.invitation_token(other)) == other
    assert services.invitation_from_token(token) != other


def test_an_invitation_from_another_home_cannot_be_resent_from_this_one(world, manager_client):
    foreign = InvitationFactory(home=world.other_home)
    response = manager_client.post(reverse("homes:invitation_resend", args=[world.home.slug, foreign.pk]))
    assert response.status_code == 404
    assert mail.outbox == []
