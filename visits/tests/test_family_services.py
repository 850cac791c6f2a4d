"""Family accounts, tested through the services: inviting a person who matters,
accepting, pausing/ending/restoring a link, sharing an update."""

import pytest
from auditlog.models import LogEntry
from django.core import mail

from carehome.errors import DomainError
from homes.models import Invitation, Role
from homes.services import invitation_accept
from homes.tests.factories import MembershipFactory
from residents.models import ConsentPurpose, RelativeLink, Resident
from residents.tests.factories import PersonWhoMattersFactory, RelativeLinkFactory, ResidentFactory
from tests.fixtures import agreed_to_uses
from visits.models import PendingFamilyLink, SharedUpdate
from visits.selectors.family import updates_for_family
from visits.services.family import (
    family_invite,
    relative_link_set_status,
    shared_update_add,
)
from visits.tests.factories import SharedUpdateFactory


def invite(world, *, email="sue.baxter@example.org", links=None, **kwargs):
    return family_invite(
        home=world.home,
        actor=world.staff.user,
        email=email,
        full_name=kwargs.pop("full_name", "Sue Baxter"),
        links=links or [(world.resident, "granddaughter", None)],
        **kwargs,
    )


def test_inviting_sends_one_email_and_records_the_pending_link(world, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    person = PersonWhoMattersFactory(resident=world.resident, name="Sue Baxter", relationship="granddaughter")
    with django_capture_on_commit_callbacks(execute=True):
        outcome = invite(
            world, links=[(world.resident, "granddaughter", person)], email="Sue.Baxter@Example.org"
        )
    invitation = outcome.invitation
    assert invitation.role == Role.FAMILY and invitation.email == "sue.baxter@example.org"
    pending = PendingFamilyLink.objects.get(invitation=invitation)
    assert (pending.resident, pending.relationship, pending.person) == (
        world.resident,
        "granddaughter",
        person,
    )
    assert [m.to for m in mail.outbox] == [["sue.baxter@example.org"]]


def test_one_invitation_can_link_to_both_parents(world):
    dad = ResidentFactory(home=world.home, full_name="Ken Baxter")
    outcome = invite(world, links=[(world.resident, "daughter", None), (dad, "daughter", None)])
    assert set(PendingFamilyLink.objects.values_list("resident__full_name", flat=True)) == {
        "Margaret Baxter",
        "Ken Baxter",
    }
    membership = invitation_accept(
        invitation=outcome.invitation, full_name="Sue Baxter", password="x-Long-pw-9!"
    )
    visible = set(Resident.objects.for_member(membership).values_list("full_name", flat=True))
    assert visible == {"Margaret Baxter", "Ken Baxter"}


def test_accepting_links_the_account_and_nothing_else(world):
    outcome = invite(world)
    membership = invitation_accept(
        invitation=outcome.invitation, full_name="Sue Baxter", password="x-Long-pw-9!"
    )
    link = RelativeLink.objects.get(membership=membership)
    assert (link.resident, link.relationship, link.status) == (world.resident, "granddaughter", "active")
    assert list(Resident.objects.for_member(membership)) == [world.resident]


def test_accepting_a_staff_invitation_links_no_one(world):
    from homes.services import invitation_create

    invitation = invitation_create(
        home=world.home, actor=world.manager.user, email="carer@example.org", full_name="Cara", role="staff"
    )
    membership = invitation_accept(invitation=invitation, full_name="Cara", password="x-Long-pw-9!")
    assert not RelativeLink.objects.filter(membership=membership).exists()


def test_an_existing_relative_is_linked_at_once_without_an_email(world, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        outcome = invite(
            world, email=world.relative.user.email, links=[(world.unlinked_resident, "friend", None)]
        )
    assert outcome.invitation is None and outcome.member == world.relative
    assert outcome.linked == [world.unlinked_resident]
    assert mail.outbox == []
    assert not Invitation.objects.exists()
    assert set(Resident.objects.for_member(world.relative)) == {world.resident, world.unlinked_resident}


def test_an_ended_link_stays_ended_when_invited_again(world):
    link = RelativeLink.objects.get(membership=world.relative)
    relative_link_set_status(
        home=world.home, actor=world.manager.user, link=link, action="end", reason="Moved"
    )
    outcome = invite(world, email=world.relative.user.email, links=[(world.resident, "daughter", None)])
    assert outcome.kept == [world.resident] and outcome.linked == []
    link.refresh_from_db()
    assert link.status == RelativeLink.Status.ENDED


def test_an_ended_link_stays_ended_when_an_invitation_is_accepted(world):
    outcome = invite(world)
    membership = MembershipFactory(
        home=world.home, role=Role.FAMILY, user__email="sue.baxter@example.org", is_active=False
    )
    RelativeLinkFactory(resident=world.resident, membership=membership, status=RelativeLink.Status.ENDED)
    invitation_accept(invitation=outcome.invitation, user=membership.user)
    assert RelativeLink.objects.get(membership=membership).status == RelativeLink.Status.ENDED


def test_a_second_invitation_adds_to_the_one_waiting(world, django_capture_on_commit_callbacks):
    first = invite(world).invitation
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        outcome = invite(world, links=[(world.unlinked_resident, "neighbour", None)])
    assert outcome.invitation == first and outcome.added_to_waiting
    assert PendingFamilyLink.objects.filter(invitation=first).count() == 2
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("email", "field"),
    [("not-an-email", "email"), ("", "email")],
)
def test_a_bad_email_is_refused(world, email, field):
    with pytest.raises(DomainError) as caught:
        invite(world, email=email)
    assert caught.value.field == field
    assert not Invitation.objects.exists() and not PendingFamilyLink.objects.exists()


def test_a_team_members_email_cannot_be_a_family_account(world):
    with pytest.raises(DomainError, match="member of the team"):
        invite(world, email=world.staff.user.email)
    assert not PendingFamilyLink.objects.exists()


def test_a_resident_of_another_home_is_refused(world):
    with pytest.raises(DomainError):
        invite(world, links=[(world.resident, "son", None), (world.foreign_resident, "son", None)])
    assert not Invitation.objects.exists() and not PendingFamilyLink.objects.exists()


def test_pausing_hides_the_resident_at_once_and_is_logged(world):
    link = RelativeLink.objects.get(membership=world.relative)
    relative_link_set_status(
        home=world.home, actor=world.manager.user, link=link, action="pause", reason="Safeguarding review"
    )
    link.refresh_from_db()
    assert link.status == "paused" and link.status_reason == "Safeguarding review"
    assert link.status_changed_by == world.manager.user and link.status_changed_at
    assert not Resident.objects.for_member(world.relative).exists()
    entry = LogEntry.objects.get_for_object(link).latest("timestamp")
    assert entry.actor == world.manager.user
    assert set(entry.changes_dict) >= {"status", "status_reason", "status_changed_by"}

    relative_link_set_status(
        home=world.home, actor=world.manager.user, link=link, action="restore", reason="Done"
    )
    assert list(Resident.objects.for_member(world.relative)) == [world.resident]


def test_a_status_change_needs_a_reason_and_a_sensible_step(world):
    link = RelativeLink.objects.get(membership=world.relative)
    with pytest.raises(DomainError) as caught:
        relative_link_set_status(
            home=world.home, actor=world.manager.user, link=link, action="end", reason=" "
        )
    assert caught.value.field == "reason"
    with pytest.raises(DomainError, match="already active"):
        relative_link_set_status(
            home=world.home, actor=world.manager.user, link=link, action="restore", reason="x"
        )
    link.refresh_from_db()
    assert link.status == "active" and link.status_reason == ""


def test_sharing_an_update(world):
    update = shared_update_add(
        home=world.home, actor=world.staff.user, resident=world.resident, text=" Lovely day "
    )
    assert update.text == "Lovely day" and update.shared_by == world.staff.user
    with pytest.raises(DomainError) as caught:
        shared_update_add(home=world.home, actor=world.staff.user, resident=world.resident, text="  ")
    assert caught.value.field == "text"
    assert SharedUpdate.objects.count() == 1


def test_a_relative_sees_only_updates_about_their_own_residents(world):
    SharedUpdateFactory(resident=world.resident, text="Peggy sang.")
    SharedUpdateFactory(resident=world.unlinked_resident, text="Arthur painted.")
    SharedUpdateFactory(resident=world.foreign_resident, text="Doris baked.")
    assert [u.text for u in updates_for_family(world.relative)] == ["Peggy sang."]
    other = MembershipFactory(home=world.home, role=Role.FAMILY)
    link = RelativeLinkFactory(resident=world.unlinked_resident, membership=other)
    assert updates_for_family(other) == []  # Arthur's consent to news does not name them
    agreed_to_uses(world.unlinked_resident, news_to=[link], purposes=[ConsentPurpose.NEWS_FAMILY])
    assert [u.text for u in updates_for_family(other)] == ["Arthur painted."]
    RelativeLink.objects.filter(membership=world.relative).update(status=RelativeLink.Status.ENDED)
    assert updates_for_family(world.relative) == []
