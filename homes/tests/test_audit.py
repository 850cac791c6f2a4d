"""The audit trail: who changed what and when, shown to managers; and what is
never written to it."""

import json
import re

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import PASSWORD
from homes import services
from homes.models import Invitation, Membership, Role, Space
from tests.html import history_entries, text_of

NEW_PASSWORD = "sparrows-on-the-hedge-42"


def history_url(world, record, slug=None):
    content_type = ContentType.objects.get_for_model(record)
    return reverse("homes:history", args=[slug or world.home.slug, content_type.pk, record.pk])


def space_data(**fields):
    data = {"name": "Snug", "kind": Space.Kind.LOUNGE, "capacity": "4", "bookable": "on", "is_active": "on"}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def manager_client(world, client_for):
    return client_for(world.manager)


def test_the_history_page_shows_who_changed_a_space_and_how(world, manager_client):
    manager_client.post(reverse("homes:space_add", args=[world.home.slug]), space_data())
    space = Space.objects.get(home=world.home, name="Snug")
    manager_client.post(
        reverse("homes:space_edit", args=[world.home.slug, space.pk]),
        space_data(name="Snug room", capacity="5", bookable=None),
    )

    response = manager_client.get(history_url(world, space))
    assert response.status_code == 200
    assert "History: Snug room" in text_of(response.content.decode())
    entries = history_entries(response)
    assert len(entries) == 2
    (updated, changes), (created, first) = entries
    assert updated.startswith("Updated by Ruth Adeyemi on ")
    assert changes == {"Name": ("Snug", "Snug room"), "Capacity": ("4", "5"), "Bookable": ("Yes", "No")}
    assert created.startswith("Created by Ruth Adeyemi on ")
    assert first["Name"] == ("—", "Snug")
    assert first["Capacity"] == ("—", "4")
    assert "ID" not in first and "Home" not in first


def test_the_spaces_page_links_to_each_history(world, manager_client):
    response = manager_client.get(reverse("homes:spaces", args=[world.home.slug]))
    assert history_url(world, world.space) in response.content.decode()


def test_the_history_of_a_membership_shows_the_manager_who_changed_it(world, manager_client):
    manager_client.post(
        reverse("homes:membership_edit", args=[world.home.slug, world.staff.pk]),
        {"role": Role.CHAMPION, "job_title": "", "is_active": "on"},
    )
    entries = history_entries(manager_client.get(history_url(world, world.staff)))
    heading, changes = entries[0]
    assert heading.startswith("Updated by Ruth Adeyemi")
    assert changes["Role"] == ("Care staff", "Connection champion")


@pytest.mark.parametrize("role", ["staff", "champion", "volunteer", "family"])
def test_only_managers_see_history(world, client_for, role):
    response = client_for(world.member(role)).get(history_url(world, world.space))
    assert response.status_code == 403
    assert "Garden room" not in text_of(response.content.decode())


def test_the_history_of_another_homes_record_is_not_found(world, manager_client):
    response = manager_client.get(history_url(world, world.foreign_space))
    assert response.status_code == 404
    assert "Other lounge" not in response.content.decode()
    response = manager_client.get(history_url(world, world.foreign_resident))
    assert response.status_code == 404
    assert "Doris" not in response.content.decode()


def test_the_history_of_a_record_that_belongs_to_no_home_is_not_found(world, manager_client):
    # People's accounts are shared between homes: no home's manager reads their history.
    assert manager_client.get(history_url(world, world.staff.user)).status_code == 404
    bad = reverse("homes:history", args=[world.home.slug, 999999, world.space.pk])
    assert manager_client.get(bad).status_code == 404


def test_an_outsider_cannot_reach_the_history_through_their_own_home(world, client_for):
    client = client_for(world.outsider)
    url = history_url(world, world.space, slug=world.other_home.slug)
    assert client.get(url).status_code == 404


def _all_audit_text():
    return json.dumps(list(LogEntry.objects.values()), default=str)


def test_passwords_never_reach_the_audit_log(world, client, client_for, django_capture_on_commit_callbacks):
    # A new person signs up from an invitation...
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            home=world.home,
            actor=world.manager.user,
            email="claire@example.org",
            full_name="Claire",
            role=Role.FAMILY,
        )
    path = re.search(r"(/invitations/[^/\s]+/)", mail.outbox[-1].body).group(1)
    response = client.post(
        path, {"full_name": "Claire Baxter", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    claire = User.objects.get(email="claire@example.org")
    hashes = {claire.password}

    # ...another changes their password...
    staff = world.staff.user
    staff_client = client_for(staff)
    staff_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD + "!", "new_password2": NEW_PASSWORD + "!"},
    )
    staff.refresh_from_db()
    assert staff.check_password(NEW_PASSWORD + "!")
    hashes.add(staff.password)
    # ...and updates their details, which is audited.
    staff_client.post(reverse("account"), {"full_name": "Aisha Bello-Smith", "phone": ""})

    user_type = ContentType.objects.get_for_model(User)
    user_entries = LogEntry.objects.filter(content_type=user_type)
    assert user_entries.filter(object_pk=str(claire.pk), action=LogEntry.Action.CREATE).exists()
    detail_change = user_entries.get(object_pk=str(staff.pk), action=LogEntry.Action.UPDATE)
    assert detail_change.changes_dict == {"full_name": ["Aisha Bello", "Aisha Bello-Smith"]}
    assert detail_change.actor == staff
    for entry in user_entries:
        assert "password" not in entry.changes_dict
        assert "last_login" not in entry.changes_dict

    everything = _all_audit_text()
    for secret in [NEW_PASSWORD, NEW_PASSWORD + "!", PASSWORD, *hashes]:
        assert secret not in everything
    # Nor the secret part of an invitation link.
    invitation.refresh_from_db()
    assert invitation.token_nonce not in everything


def test_invitations_and_acceptances_are_audited_with_who_did_them(
    world, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            home=world.home,
            actor=world.manager.user,
            email="claire@example.org",
            full_name="Claire",
            role=Role.FAMILY,
        )
    path = re.search(r"(/invitations/[^/\s]+/)", mail.outbox[-1].body).group(1)
    client.post(path, {"full_name": "Claire Baxter", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    claire = User.objects.get(email="claire@example.org")

    invitation_log = LogEntry.objects.get_for_object(invitation).order_by("timestamp")
    assert [e.action for e in invitation_log] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert invitation_log[0].actor == world.manager.user
    assert invitation_log[1].actor == claire
    assert invitation_log[0].additional_data == {"home_id": world.home.pk}

    membership = Membership.objects.get(user=claire)
    created = LogEntry.objects.get_for_object(membership).get()
    assert created.action == LogEntry.Action.CREATE
    assert created.actor == claire
    assert Invitation.objects.get(pk=invitation.pk).accepted_by == claire
