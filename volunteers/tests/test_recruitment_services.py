"""Recruitment services: staff adding a volunteer, changing their details and
status, identity check and interview, weekly times, and the portal invitation
(with the hook that links the account when it is accepted)."""

import uuid
from datetime import time, timedelta

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from carehome.errors import DomainError
from carehome.versions import EditConflict
from homes.models import Invitation, Nation, Role
from homes.scoping import home_scope
from homes.services import invitation_accept
from homes.submissions import AlreadySaved
from volunteers import rules
from volunteers.models import Availability, Reference, StatusChange, Volunteer
from volunteers.services import recruitment as services
from volunteers.tests.factories import (
    DbsCheckFactory,
    ReferenceFactory,
    VolunteerFactory,
    VolunteerRoleFactory,
    cleared_volunteer,
)

pytestmark = pytest.mark.django_db
S = Volunteer.Status


def add(world, **fields):
    data = {
        "home": world.home,
        "actor": world.champion.user,
        "full_name": "Bob Marsh",
        "phone": "07700 900321",
        "referees": [
            {"name": "Tom Reid", "relationship": "Old boss", "email": "tom@example.org", "phone": ""}
        ],
    }
    data.update(fields)
    with home_scope(world.home):
        return services.volunteer_add(**data)


def status(world, volunteer, to, reason="", actor=None):
    with home_scope(world.home):
        return services.volunteer_status_set(
            home=world.home, volunteer=volunteer, actor=actor or world.champion.user, status=to, reason=reason
        )


# --- Adding ---------------------------------------------------------------------------------


def test_staff_add_a_volunteer_with_a_referee_and_the_first_status(world):
    role = VolunteerRoleFactory(home=world.home)
    volunteer = add(world, roles=[role], status=S.REFERENCES, availability=[(2, time(10), time(12))])
    volunteer.refresh_from_db()
    assert (volunteer.status, volunteer.source) == ("references", "staff")
    assert list(volunteer.roles.all()) == [role]
    reference = Reference.objects.get(volunteer=volunteer)
    assert reference.recorded_by == world.champion.user
    change = StatusChange.objects.get(volunteer=volunteer)
    assert (change.from_status, change.to_status, change.changed_by, change.reason) == (
        "",
        "references",
        world.champion.user,
        "Added by staff",
    )
    assert {e.actor for e in LogEntry.objects.get_for_object(volunteer)} == {world.champion.user}
    assert LogEntry.objects.get_for_object(Availability.objects.get(volunteer=volunteer)).get().actor == (
        world.champion.user
    )


def test_a_volunteer_cannot_be_added_as_active(world):
    with pytest.raises(DomainError) as caught:
        add(world, status=S.ACTIVE)
    assert caught.value.field == "status"
    assert not Volunteer.objects.exists()


def test_someone_here_with_the_same_email_is_named(world):
    VolunteerFactory(home=world.home, full_name="Robert Marsh", email="bob@example.org")
    with pytest.raises(DomainError) as caught:
        add(world, email="BOB@example.org")
    assert caught.value.field == "email"
    assert caught.value.message.startswith("Robert Marsh already has this email address here")


def test_a_bad_referee_saves_nothing(world):
    with pytest.raises(DomainError) as caught:
        add(world, referees=[{"name": "Tom Reid", "relationship": "", "email": "", "phone": "12"}])
    assert caught.value.field == "referee1_relationship"
    assert not Volunteer.objects.exists() and not Reference.objects.exists()


def test_adding_twice_with_one_form_adds_once(world):
    token = uuid.uuid4()
    first = add(world, form_token=token)
    with pytest.raises(AlreadySaved) as again:
        add(world, form_token=token)
    assert again.value.record == first


# --- Status ------------------------------------------------------------------------------------


def test_moving_to_active_is_refused_with_each_missing_thing_named(world):
    role = VolunteerRoleFactory(home=world.home, needs_interview=True)
    volunteer = VolunteerFactory(home=world.home, roles=[role], status=S.INDUCTION)
    ReferenceFactory(
        volunteer=volunteer, name="Tom Reid", requested_on=timezone.localdate() - timedelta(days=2)
    )
    with pytest.raises(rules.NotClear) as caught:
        status(world, volunteer, S.ACTIVE)
    message = caught.value.message
    assert message.startswith(
        f"{volunteer.full_name} cannot start yet. Still missing: Identity not checked; "
    )
    for words in (
        "No interview recorded",
        "Waiting for the first reference (Tom Reid, asked ",
        "DBS check",
        "Induction not done",
    ):
        assert words in message
    assert caught.value.field == "status"
    volunteer.refresh_from_db()
    assert volunteer.status == S.INDUCTION
    assert not StatusChange.objects.filter(volunteer=volunteer).exists()


def test_a_cleared_volunteer_moves_to_active_with_who_when_and_why(world):
    volunteer = cleared_volunteer(world.home)
    Volunteer.objects.filter(pk=volunteer.pk).update(status=S.INDUCTION)
    volunteer.refresh_from_db()
    before = volunteer.version
    status(world, volunteer, S.ACTIVE, reason="Induction done on Tuesday")
    volunteer.refresh_from_db()
    assert volunteer.status == S.ACTIVE and volunteer.version == before + 1
    change = StatusChange.objects.get(volunteer=volunteer)
    assert (change.from_status, change.to_status) == ("induction", "active")
    assert (change.changed_by, change.reason) == (world.champion.user, "Induction done on Tuesday")
    assert abs(change.changed_at - timezone.now()) < timedelta(minutes=1)


def test_paused_and_left_need_a_reason_and_left_keeps_it(world):
    volunteer = cleared_volunteer(world.home)
    for to in (S.PAUSED, S.LEFT):
        with pytest.raises(DomainError) as caught:
            status(world, volunteer, to, reason="   ")
        assert (caught.value.field, caught.value.message) == ("reason", services.REASON_NEEDED)
    status(world, volunteer, S.LEFT, reason="Moved to Leeds")
    volunteer.refresh_from_db()
    assert (volunteer.status, volunteer.left_reason) == ("left", "Moved to Leeds")
    status(world, volunteer, S.APPLIED, reason="Back from Leeds")
    volunteer.refresh_from_db()
    assert (volunteer.status, volunteer.left_reason) == ("applied", "")


def test_the_same_status_again_is_refused(world):
    volunteer = VolunteerFactory(home=world.home)
    with pytest.raises(DomainError, match="is already “applied”"):
        status(world, volunteer, S.APPLIED)


def test_a_volunteer_of_another_home_is_refused(world):
    volunteer = VolunteerFactory(home=world.other_home)
    with pytest.raises(DomainError, match="not at Rowan House"):
        services.volunteer_status_set(
            home=world.home, volunteer=volunteer, actor=world.manager.user, status=S.REFERENCES
        )


def test_coming_back_when_someone_else_now_has_the_email_is_refused_clearly(world):
    old = VolunteerFactory(home=world.home, email="ann@example.org", status=S.LEFT, left_reason="Moved")
    VolunteerFactory(home=world.home, full_name="Ann Smith", email="ann@example.org")
    with pytest.raises(DomainError) as caught:
        status(world, old, S.APPLIED)
    assert "Ann Smith already has this email address here" in caught.value.message
    old.refresh_from_db()
    assert old.status == S.LEFT


# --- Changing details ----------------------------------------------------------------------------


def update(world, volunteer, **fields):
    data = {
        "home": world.home,
        "volunteer": volunteer,
        "actor": world.manager.user,
        "version": volunteer.version,
        "full_name": volunteer.full_name,
        "email": volunteer.email,
        "phone": volunteer.phone,
    }
    data.update(fields)
    with home_scope(world.home):
        return services.volunteer_update(**data)


def test_changing_details_roles_and_contact(world):
    volunteer = VolunteerFactory(home=world.home)
    role = VolunteerRoleFactory(home=world.home)
    saved = update(world, volunteer, preferred_name="Bobby", roles=[role], contact=world.staff)
    assert saved.preferred_name == "Bobby" and saved.contact == world.staff
    assert list(saved.roles.all()) == [role]


def test_a_contact_must_be_staff_of_this_home(world):
    volunteer = VolunteerFactory(home=world.home)
    for contact in (world.relative, world.volunteer):
        with pytest.raises(DomainError) as caught:
            update(world, volunteer, contact=contact)
        assert caught.value.field == "contact"
    with pytest.raises(DomainError, match="not at Rowan House"):
        update(world, volunteer, contact=world.outsider)


def test_saving_over_a_newer_change_is_refused(world):
    volunteer = VolunteerFactory(home=world.home, full_name="Bob Marsh")
    opened = volunteer.version
    update(world, volunteer, full_name="Robert Marsh")
    with pytest.raises(EditConflict) as caught:
        update(world, volunteer, full_name="Bobby Marsh", version=opened)
    assert [d["field"] for d in caught.value.differences] == ["full_name"]
    volunteer.refresh_from_db()
    assert volunteer.full_name == "Robert Marsh"


# --- Identity check and interview ----------------------------------------------------------------


def screening(world, volunteer, **fields):
    with home_scope(world.home):
        return services.volunteer_screening_save(
            home=world.home,
            volunteer=volunteer,
            actor=world.manager.user,
            version=volunteer.version,
            **fields,
        )


def test_the_identity_check_and_interview_record_who_did_them(world):
    volunteer = VolunteerFactory(home=world.home)
    day = timezone.localdate() - timedelta(days=1)
    saved = screening(
        world, volunteer, identity_checked_on=day, identity_documents="Passport", interviewed_on=day
    )
    assert saved.identity_checked_by == world.manager.user and saved.interviewed_by == world.manager.user
    cleared = screening(world, saved, identity_checked_on=None, identity_documents="", interviewed_on=day)
    assert cleared.identity_checked_by is None and cleared.interviewed_by == world.manager.user


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        (
            {
                "identity_checked_on": timezone.localdate() + timedelta(days=1),
                "identity_documents": "Passport",
            },
            "identity_checked_on",
        ),
        (
            {
                "identity_checked_on": timezone.localdate().replace(year=1999),
                "identity_documents": "Passport",
            },
            "identity_checked_on",
        ),
        ({"identity_checked_on": timezone.localdate()}, "identity_documents"),
        ({"identity_documents": "Passport"}, "identity_checked_on"),
        ({"interview_notes": "Lovely chat"}, "interviewed_on"),
        ({"interviewed_on": timezone.localdate() + timedelta(days=3)}, "interviewed_on"),
    ],
)
def test_screening_dates_and_documents_must_make_sense(world, fields, field):
    volunteer = VolunteerFactory(home=world.home)
    with pytest.raises(DomainError) as caught:
        screening(world, volunteer, **fields)
    assert caught.value.field == field
    volunteer.refresh_from_db()
    assert volunteer.identity_checked_on is None and volunteer.interviewed_on is None


# --- Weekly times -------------------------------------------------------------------------------------


def test_weekly_times_are_replaced_at_once_and_overlaps_joined(world):
    volunteer = VolunteerFactory(home=world.home)
    Availability.objects.create(
        home=world.home, volunteer=volunteer, weekday=0, starts_at=time(9), ends_at=time(10)
    )
    rows = [
        (2, time(10), time(12)),
        (2, time(11), time(14)),
        (2, time(14), time(15)),
        (4, time(18), time(20)),
    ]
    with home_scope(world.home):
        services.volunteer_availability_set(
            home=world.home, volunteer=volunteer, actor=world.staff.user, availability=rows
        )
    saved = Availability.objects.filter(volunteer=volunteer).order_by("weekday")
    assert [(a.weekday, a.starts_at, a.ends_at) for a in saved] == [
        (2, time(10), time(15)),
        (4, time(18), time(20)),
    ]


def test_a_bad_time_keeps_the_old_ones(world):
    volunteer = VolunteerFactory(home=world.home)
    Availability.objects.create(
        home=world.home, volunteer=volunteer, weekday=0, starts_at=time(9), ends_at=time(10)
    )
    with home_scope(world.home), pytest.raises(DomainError) as caught:
        services.volunteer_availability_set(
            home=world.home,
            volunteer=volunteer,
            actor=world.staff.user,
            availability=[(1, time(10), time(12)), (3, time(12), time(11))],
        )
    assert caught.value.message == services.UNTIL_BEFORE_FROM
    assert Availability.objects.filter(volunteer=volunteer).count() == 1


# --- The portal invitation ---------------------------------------------------------------------------


def invite(world, volunteer):
    with home_scope(world.home):
        return services.volunteer_invite(home=world.home, volunteer=volunteer, actor=world.manager.user)


def test_an_invitation_is_made_and_accepting_it_links_the_account(world):
    volunteer = VolunteerFactory(home=world.home, full_name="Bob Marsh", email="bob@example.org")
    invitation = invite(world, volunteer)
    assert (invitation.role, invitation.email, invitation.full_name) == (
        Role.VOLUNTEER,
        "bob@example.org",
        "Bob Marsh",
    )
    volunteer.refresh_from_db()
    assert volunteer.invitation == invitation
    again = invite(world, volunteer)  # sent again with a fresh link, not a second invitation
    assert again.pk == invitation.pk and Invitation.objects.filter(home=world.home).count() == 1
    with home_scope(world.home):
        membership = invitation_accept(
            invitation=again, full_name="Bob Marsh", password="kith-Volunteer-2026!"
        )
    volunteer.refresh_from_db()
    assert membership.role == Role.VOLUNTEER
    assert volunteer.user == membership.user
    with pytest.raises(DomainError, match="already have a Kith account"):
        invite(world, volunteer)


def test_an_invitation_needs_an_email_address(world):
    volunteer = VolunteerFactory(home=world.home, email="")
    with pytest.raises(DomainError, match="Add their email address first"):
        invite(world, volunteer)
    assert not Invitation.objects.exists()


def test_accepting_some_other_invitation_links_nobody(world):
    from homes.services import invitation_create

    volunteer = VolunteerFactory(home=world.home, email="sam@example.org")
    with home_scope(world.home):
        staff_invitation = invitation_create(
            home=world.home,
            actor=world.manager.user,
            email="sam@example.org",
            full_name="Sam",
            role=Role.STAFF,
        )
        invitation_accept(invitation=staff_invitation, full_name="Sam", password="kith-Volunteer-2026!")
    volunteer.refresh_from_db()
    assert volunteer.user is None


# --- The rules the board and the page read ----------------------------------------------------------


def test_an_active_volunteer_with_an_expired_check_is_blocked(world):
    volunteer = cleared_volunteer(world.home)
    volunteer.checks.update(valid_until=timezone.localdate() - timedelta(days=1))
    with home_scope(world.home):
        loaded = rules.with_facts(Volunteer.objects.for_home(world.home)).get(pk=volunteer.pk)
    assert [b.kind for b in rules.blockers(loaded, status=False)] == ["check"]


def test_pvg_members_leaving_in_scotland_are_found(world):
    from volunteers.selectors.recruitment import pvg_to_close

    world.home.nation = Nation.SCOTLAND
    world.home.save()
    volunteer = cleared_volunteer(world.home)
    with home_scope(world.home):
        assert pvg_to_close(world.home, volunteer)
    volunteer.checks.update(left_notified_on=timezone.localdate())
    with home_scope(world.home):
        assert not pvg_to_close(world.home, volunteer)
    other = VolunteerFactory(home=world.home)
    DbsCheckFactory(volunteer=other)
    with home_scope(world.home):
        assert not pvg_to_close(world.home, other)


def test_a_new_email_address_gets_a_new_invitation_and_the_old_link_stops(world):
    volunteer = VolunteerFactory(home=world.home, email="bob@example.org")
    first = invite(world, volunteer)
    Volunteer.objects.filter(pk=volunteer.pk).update(email="robert@example.org")
    volunteer.refresh_from_db()
    second = invite(world, volunteer)
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.email == "robert@example.org" and second.pk != first.pk


def test_an_invitation_from_the_members_page_links_the_volunteer_with_that_email(world):
    from homes.services import invitation_create

    volunteer = VolunteerFactory(home=world.home, email="sam@example.org")
    with home_scope(world.home):
        invitation = invitation_create(
            home=world.home,
            actor=world.manager.user,
            email="sam@example.org",
            full_name="Sam",
            role=Role.VOLUNTEER,
        )
        membership = invitation_accept(
            invitation=invitation, full_name="Sam", password="kith-Volunteer-2026!"
        )
    volunteer.refresh_from_db()
    assert volunteer.user == membership.user
