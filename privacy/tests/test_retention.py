"""Retention: who is due, holds, and the nightly anonymising (real tables,
real history), as a manager and the beat would see them."""

from datetime import time, timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from community.models import Story
from community.tests.factories import StoryFactory, StoryPhotoFactory, local
from homes.models import Invitation, SpaceHold
from homes.scoping import home_scope
from homes.tests.factories import HomeFactory, InvitationFactory, MembershipFactory, SpaceFactory
from privacy import render
from privacy.models import Anonymisation, RetentionHold
from privacy.retention import due_count, leavers
from privacy.services import subject_for
from privacy.tasks import anonymise_due_records
from privacy.tests.factories import hold_on, leaver_in, request_for
from residents.models import Connection, ConnectionParticipant, PersonalPlan, RelativeLink, Resident
from residents.tests.factories import (
    ConnectionFactory,
    ConnectionParticipantFactory,
    IdeaFactory,
    PersonalPlanFactory,
    RelativeLinkFactory,
)
from visits.models import Visit
from visits.tests.factories import VisitFactory
from volunteers.models import Volunteer
from volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def edna(world):
    """Edna left eleven years ago; her plan, a visit, a connection of her own,
    one shared with Arthur (who still lives here) and a photo with him."""
    w = world
    edna = leaver_in(w.home, years_ago=11, name="Edna Former")
    with home_scope(w.home):
        edna.preferred_name = "Eddie"
        edna.save()
        PersonalPlanFactory(resident=edna, what_matters="Her allotment and Eddie's brass band")
        VisitFactory(resident=edna, visitor_name="Gordon Former", note="Brings the band's photos")
        ConnectionParticipantFactory(
            resident=edna, connection__home=w.home, connection__note="Edna sang", note="Edna loved it"
        )
        together = ConnectionFactory(home=w.home, note="Edna Former and Arthur played dominoes")
        ConnectionParticipantFactory(resident=edna, connection=together, note="Edna won")
        ConnectionParticipantFactory(resident=w.unlinked_resident, connection=together, note="Arthur laughed")
        StoryPhotoFactory(
            story__home=w.home, residents=[edna, w.unlinked_resident], description="At the fair"
        )
        StoryPhotoFactory(story__home=w.home, residents=[edna], description="Edna at the fair")
        StoryFactory(home=w.home, title="Eddie's brass band", text="Edna Former conducted; Arthur clapped.")
    return edna


def test_only_those_past_their_time_are_due(world, edna):
    w = world
    recent = leaver_in(w.home, years_ago=3, name="Recent Former")
    with home_scope(w.home):
        found = {leaver.obj.pk: leaver for leaver in leavers(w.home)}
    assert found[edna.pk].due_on <= timezone.localdate()
    assert found[recent.pk].due_on > timezone.localdate()
    assert w.resident.pk not in found  # Peggy lives here


def test_the_dashboards_count_agrees_with_the_page(world, edna):
    w = world
    leaver_in(w.home, years_ago=3, name="Recent Former")
    hold_on(w.home, leaver_in(w.home, years_ago=12, name="Held Former"))
    gone = MembershipFactory(home=w.home, role="family")
    still = MembershipFactory(home=w.home, role="family")
    with home_scope(w.home):
        RelativeLinkFactory(resident=edna, membership=gone)
        RelativeLinkFactory(resident=edna, membership=still)
        RelativeLinkFactory(resident=w.resident, membership=still)  # Peggy lives here: still linked
    VolunteerFactory(home=w.home, status=Volunteer.Status.LEFT, left_reason="Moved away")  # just now
    old = VolunteerFactory(home=w.home, status=Volunteer.Status.LEFT, left_reason="Moved away")
    with home_scope(w.home):
        Volunteer.objects.for_home(w.home).filter(pk=old.pk).update(
            status_changed_at=timezone.now() - timedelta(days=365 * 7)
        )
        due = [x for x in leavers(w.home) if x.due_on <= timezone.localdate() and x.hold is None]
        assert sorted((x.kind, x.obj.pk) for x in due) == sorted(
            [("resident", edna.pk), ("relative", gone.pk), ("volunteer", old.pk)]
        )
        assert due_count(w.home) == 3


def test_the_nightly_run_anonymises_her_and_keeps_what_others_need(world, edna):
    w = world
    with home_scope(w.home):
        PersonalPlan.objects.for_home(w.home).filter(resident=edna).update(what_matters="Her allotment")
        plan = PersonalPlan.objects.for_home(w.home).get(resident=edna)
        plan.what_matters = "Her allotment, changed so history holds it"
        plan.save()
    assert anonymise_due_records() == 1
    assert anonymise_due_records() == 0  # a second run changes nothing
    with home_scope(w.home):
        edna.refresh_from_db()
        assert edna.full_name == f"Former resident {edna.pk}" and edna.preferred_name == ""
        assert PersonalPlan.objects.for_home(w.home).get(resident=edna).what_matters == ""
        assert list(
            Visit.objects.for_home(w.home).filter(resident=edna).values_list("visitor_name", "note")
        ) == [("Removed", "")]
        # The connection shared with Arthur stays in his record, without her name.
        shared = Connection.objects.for_home(w.home).get(participants__resident=w.unlinked_resident)
        assert shared.note == "a former resident and Arthur played dominoes"
        assert ConnectionParticipant.objects.for_home(w.home).get(
            connection=shared, resident=w.unlinked_resident
        ).note == ("Arthur laughed")
        assert ConnectionParticipant.objects.for_home(w.home).get(connection=shared, resident=edna).note == ""
        # The group photo stays, still tagged with her (her consents still decide where it
        # shows); the photo of her alone is gone.
        assert [p.description for p in edna.story_photos.all()] == ["At the fair"]
        assert w.unlinked_resident.story_photos.get().description == "At the fair"
        # The story stays, without her name.
        story = Story.objects.for_home(w.home).get(title__contains="brass band")
        assert (story.title, story.text) == (
            "a former resident's brass band",
            "a former resident conducted; Arthur clapped.",
        )
        # Her change history went with the values it held.
        kind = ContentType.objects.get_for_model(PersonalPlan)
        assert not LogEntry.objects.filter(content_type=kind, object_pk=str(plan.pk)).exists()
        log = Anonymisation.objects.for_home(w.home).get(resident=edna)
        assert log.done_by is None and log.rows > 5
    # Nothing of her names is left in everything held about her.
    record = request_for(w.home, resident=edna)
    with home_scope(w.home):
        held = render.as_json(subject_for(record), record)
    for name in ("Edna", "Eddie", "Gordon", "allotment"):
        assert name not in held, name


def test_a_held_record_is_kept_until_the_hold_ends(world, edna, client_for):
    w = world
    hold = hold_on(w.home, edna)
    assert anonymise_due_records() == 0
    with home_scope(w.home):
        assert Resident.objects.for_home(w.home).get(pk=edna.pk).full_name == "Edna Former"
    client = client_for(w.manager)
    url = reverse("privacy:retention_release", args=[w.home.slug, hold.pk])
    refused = client.post(url, {"note": "  "})
    assert "Say why the hold ends" in " ".join(refused.context["form"].errors["note"])
    assert client.post(url, {"note": "Complaint closed"}).status_code == 302
    assert anonymise_due_records() == 1


def test_an_open_request_for_her_data_keeps_her_records(world, edna, client_for):
    w = world
    record = request_for(w.home, resident=edna)
    assert anonymise_due_records() == 0
    with home_scope(w.home):
        assert due_count(w.home) == 0
    page = client_for(w.manager).get(reverse("privacy:retention", args=[w.home.slug])).content.decode()
    assert "still being prepared" in page and record.reference in page
    with home_scope(w.home):
        type(record).objects.for_home(w.home).filter(pk=record.pk).update(
            status="sent", closed_on=timezone.localdate(), close_note="Handed over"
        )
    assert anonymise_due_records() == 1


def test_a_volunteer_who_now_works_here_keeps_their_account(world):
    w = world
    long_ago = timezone.now() - timedelta(days=365 * 7)
    volunteer = VolunteerFactory(
        home=w.home, user=w.staff.user, status=Volunteer.Status.LEFT, left_reason="Joined the staff"
    )
    with home_scope(w.home):
        Volunteer.objects.for_home(w.home).filter(pk=volunteer.pk).update(status_changed_at=long_ago)
    assert anonymise_due_records() == 1
    w.staff.user.refresh_from_db()
    assert w.staff.user.full_name == "Aisha Bello" and w.staff.user.is_active
    with home_scope(w.home):
        assert type(w.staff).objects.for_home(w.home).get(pk=w.staff.pk).is_active


def test_a_manager_holds_a_record_with_a_reason(world, edna, client_for):
    w = world
    client = client_for(w.manager)
    page = client.get(reverse("privacy:retention", args=[w.home.slug])).content.decode()
    assert "Edna Former" in page and "Due now" in page
    dashboard = client.get(reverse("homes:dashboard", args=[w.home.slug])).content.decode()
    assert "1 record of people who left is due to be anonymised tonight" in dashboard
    url = reverse("privacy:retention_hold", args=[w.home.slug, "resident", edna.pk])
    refused = client.post(url, {"reason": ""})
    assert "Say why these records must be kept" in " ".join(refused.context["form"].errors["reason"])
    assert client.post(url, {"reason": "Complaint open since 3 March"}).status_code == 302
    with home_scope(w.home):
        assert (
            RetentionHold.objects.for_home(w.home).get(resident=edna).reason == "Complaint open since 3 March"
        )
    assert (
        client.get(reverse("privacy:retention_hold", args=[w.home.slug, "nobody", edna.pk])).status_code
        == 404
    )


def test_a_manager_anonymises_now_after_confirming(world, edna, client_for):
    w = world
    client = client_for(w.manager)
    url = reverse("privacy:retention_anonymise", args=[w.home.slug, "resident", edna.pk])
    assert "cannot be undone" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    with home_scope(w.home):
        assert Anonymisation.objects.for_home(w.home).get(resident=edna).done_by == w.manager.user
    assert client.get(url).status_code == 404  # nothing left to anonymise


def test_a_relative_whose_resident_left_long_ago_is_anonymised_with_their_account(world, edna):
    w = world
    relative = MembershipFactory(home=w.home, role="family", user__full_name="Gordon Former")
    with home_scope(w.home):
        RelativeLinkFactory(resident=edna, membership=relative)
        VisitFactory(resident=edna, booked_by=relative, visitor_name="Gordon Former")
    # Someone who is also a relative at another home keeps their account.
    elsewhere = MembershipFactory(home=w.home, role="family", user__full_name="Wendy Twohomes")
    MembershipFactory(home=HomeFactory(), role="family", user=elsewhere.user)
    with home_scope(w.home):
        RelativeLinkFactory(resident=edna, membership=elsewhere)
    anonymise_due_records()
    relative.user.refresh_from_db()
    assert relative.user.full_name == f"Former member {relative.user.pk}"
    assert relative.user.email.endswith("@removed.invalid") and not relative.user.is_active
    assert not relative.user.has_usable_password()
    elsewhere.user.refresh_from_db()
    assert elsewhere.user.full_name == "Wendy Twohomes" and elsewhere.user.is_active
    with home_scope(w.home):
        assert not type(relative).objects.for_home(w.home).get(pk=elsewhere.pk).is_active
        assert (
            RelativeLink.objects.for_home(w.home).filter(resident=edna).count() == 2
        )  # the links stay, the people are gone


def test_a_volunteer_who_stopped_long_ago_is_anonymised(world):
    w = world
    long_ago = timezone.now() - timedelta(days=365 * 7)
    volunteer = VolunteerFactory(
        home=w.home,
        full_name="Vera Former",
        email="vera@example.com",
        status=Volunteer.Status.LEFT,
        left_reason="Moved to Leeds",
    )
    with home_scope(w.home):
        Volunteer.objects.for_home(w.home).filter(pk=volunteer.pk).update(status_changed_at=long_ago)
    assert anonymise_due_records() == 1
    with home_scope(w.home):
        volunteer.refresh_from_db()
    assert volunteer.full_name == f"Former volunteer {volunteer.pk}" and volunteer.email == ""


def test_the_organisation_admin_sets_the_periods(world, edna, client_for):
    w = world
    admin = MembershipFactory(home=w.home, role="org_admin")
    client = client_for(admin)
    url = reverse("privacy:retention_policy", args=[w.home.slug])
    version = client.get(url).context["form"]["version"].value()
    bad = client.post(
        url, {"residents_years": "0", "relatives_years": "2", "volunteers_years": "6", "version": version}
    )
    assert "between 1 and 30" in " ".join(bad.context["form"].errors["residents_years"])
    ok = {"residents_years": "12", "relatives_years": "2", "volunteers_years": "6", "version": version}
    assert client.post(url, ok).status_code == 302
    assert anonymise_due_records() == 0  # eleven years is no longer long enough
    assert client_for(w.manager).get(url).status_code == 403


def test_the_page_costs_a_fixed_number_of_queries(world, edna, client_for, django_assert_max_num_queries):
    w = world
    client = client_for(w.manager)
    url = reverse("privacy:retention", args=[w.home.slug])
    client.get(url)  # the first page of a session reads the session and the menu's caches
    for n in range(4):
        hold_on(w.home, leaver_in(w.home, years_ago=9, name=f"Former {n}"))
    with django_assert_max_num_queries(15):
        page = client.get(url)
    assert page.status_code == 200 and "Former 3" in page.content.decode()


def test_two_admins_setting_the_periods_at_once_do_not_overwrite_each_other(world, client_for):
    w = world
    url = reverse("privacy:retention_policy", args=[w.home.slug])
    first = client_for(MembershipFactory(home=w.home, role="org_admin"))
    second = client_for(MembershipFactory(home=w.home, role="org_admin"))
    version = first.get(url).context["form"]["version"].value()
    assert second.get(url).context["form"]["version"].value() == version == 0
    data = {"relatives_years": "2", "volunteers_years": "6", "version": version}
    assert first.post(url, {**data, "residents_years": "10"}).status_code == 302
    answer = second.post(url, {**data, "residents_years": "12"})
    assert answer.status_code == 200 and answer.context["form"].conflict is not None
    with home_scope(w.home):
        from privacy.retention import policy_for

        assert policy_for(w.home).residents_years == 10


def _mentions(home, *names):
    """The home's change-history entries that still name any of ``names``."""
    found = []
    for entry in LogEntry.objects.filter(additional_data__home_id=home.pk):
        text = " ".join(str(v) for v in (entry.object_repr, entry.changes, entry.changes_text))
        if any(name.lower() in text.lower() for name in names):
            found.append(entry)
    return found


def test_what_stays_of_others_keeps_its_history_without_her_name(world, edna):
    w = world
    with home_scope(w.home):
        idea = IdeaFactory(session__home=w.home, raised_by=edna, text="A brass band concert")
        sitting = ConnectionFactory(
            home=w.home, with_whom="resident", other_resident=edna, note="Arthur sat with Edna in the garden"
        )
        ConnectionParticipantFactory(resident=w.unlinked_resident, connection=sitting)
        space = SpaceFactory(home=w.home)
        starts = local(edna.left_on - timedelta(days=30), time(14, 0))
        hold = SpaceHold.objects.create(
            home=w.home,
            space=space,
            held_for=SpaceHold.HeldFor.VISIT,
            label="Visit with Eddie",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            blocked_from=starts,
            blocked_until=starts + timedelta(hours=1),
        )
        VisitFactory(resident=edna, hold=hold, starts_at=starts, ends_at=starts + timedelta(hours=1))
        assert _mentions(w.home, "Edna", "Eddie")
    anonymise_due_records()
    with home_scope(w.home):
        # The idea stays, with its history; the history no longer names her.
        kind = ContentType.objects.get_for_model(type(idea))
        assert LogEntry.objects.filter(content_type=kind, object_pk=str(idea.pk)).exists()
        assert _mentions(w.home, "Edna", "Eddie") == []
        sitting.refresh_from_db()
        assert sitting.note == "Arthur sat with a former resident in the garden"
        hold.refresh_from_db()
        assert hold.label == "Visit with a former resident"


def test_a_relative_leaves_the_history_and_the_invitations_of_a_resident_still_remembered(world):
    w = world
    recent = leaver_in(w.home, years_ago=3, name="Recent Former")  # not due for five years yet
    relative = MembershipFactory(
        home=w.home, role="family", user__full_name="Gordon Former", user__email="gordon@example.com"
    )
    with home_scope(w.home):
        RelativeLinkFactory(resident=recent, membership=relative, relationship="Son")
        InvitationFactory(
            home=w.home,
            role="family",
            email="Gordon@example.com",
            full_name="Gordon Former",
            message="Mum would love to see you",
            accepted_at=timezone.now() - timedelta(days=2000),
            accepted_by=relative.user,
        )
        InvitationFactory(home=w.home, role="family", email="gordon@example.com", full_name="Gordon Former")
        assert _mentions(w.home, "Gordon")
    assert anonymise_due_records() == 1  # Gordon (two years); Recent stays
    with home_scope(w.home):
        invitations = list(Invitation.objects.for_home(w.home).filter(role="family"))
        assert [(i.full_name, i.message) for i in invitations] == [("Removed", "")] * 2
        assert all(i.email.endswith("@removed.invalid") for i in invitations)
        assert all(i.accepted_at or i.revoked_at for i in invitations)  # none left to accept
        assert _mentions(w.home, "Gordon") == []
        recent.refresh_from_db()
        assert recent.full_name == "Recent Former"


def test_a_volunteer_leaves_the_residents_connections_with_them(world):
    w = world
    volunteer = VolunteerFactory(
        home=w.home, full_name="Vera Former", status=Volunteer.Status.LEFT, left_reason="Moved away"
    )
    with home_scope(w.home):
        Volunteer.objects.for_home(w.home).filter(pk=volunteer.pk).update(
            status_changed_at=timezone.now() - timedelta(days=365 * 7)
        )
        visit = ConnectionFactory(
            home=w.home, with_whom="volunteer", with_name="Vera", note="Vera read poems"
        )
        ConnectionParticipantFactory(resident=w.resident, connection=visit)
    assert anonymise_due_records() == 1
    with home_scope(w.home):
        visit.refresh_from_db()
    assert (visit.with_name, visit.note) == ("a former volunteer", "a former volunteer read poems")


def test_a_hold_placed_after_the_run_reached_them_is_refused(world, edna):
    from carehome.errors import DomainError
    from privacy.retention import find_leaver, hold_place

    w = world
    with home_scope(w.home):
        leaver = find_leaver(w.home, "resident", edna.pk)
    anonymise_due_records()
    with home_scope(w.home), pytest.raises(DomainError, match="already anonymised"):
        hold_place(home=w.home, actor=w.manager.user, leaver=leaver, reason="Complaint open")


@pytest.mark.parametrize(
    ("left", "on", "due"),
    [
        ("2024-02-29", "2025-02-28", True),  # 29 February: due on the last day of February
        ("2024-02-29", "2025-02-27", False),
        ("2023-03-01", "2024-02-29", False),
        ("2023-02-28", "2024-02-28", True),
        ("2023-07-01", "2024-07-01", True),  # summer time: 00:30 at home is 23:30 the day before in UTC
        ("2023-07-01", "2024-06-30", False),
    ],
)
def test_the_dashboard_and_the_page_agree_on_the_edges(world, left, on, due):
    from datetime import date

    from privacy.retention import policy_for

    w = world
    left, on = date.fromisoformat(left), date.fromisoformat(on)
    with home_scope(w.home):
        policy = policy_for(w.home)
        policy.residents_years = policy.relatives_years = 1
        policy.save()
        gone = leaver_in(w.home, name="Leap Former")
        Resident.objects.for_home(w.home).filter(pk=gone.pk).update(left_on=left)
        # A relative whose link ended at 00:30 on ``left`` in the home's time (23:30 the
        # day before in UTC, in summer), and whose other link ended with no date kept.
        relative = MembershipFactory(home=w.home, role="family")
        ended = RelativeLinkFactory(resident=w.unlinked_resident, membership=relative, status="ended")
        RelativeLinkFactory(resident=w.resident, membership=relative, status="ended")
        RelativeLink.objects.for_home(w.home).filter(pk=ended.pk).update(
            status_changed_at=local(left, time(0, 30))
        )
        RelativeLink.objects.for_home(w.home).filter(membership=relative).exclude(pk=ended.pk).update(
            status_changed_at=None
        )
        page = [x for x in leavers(w.home) if x.due_on <= on and x.hold is None]
        assert sorted(x.kind for x in page) == (["relative", "resident"] if due else [])
        assert due_count(w.home, on=on) == len(page)
