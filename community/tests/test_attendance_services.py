"""Who comes and how it went: inviting residents (places respected), their
answers, inviting families through visits' invitations, suggestions, and
attendance as one group entry in the connection log (the timeline shows it,
the idea is done, the partner has had a contact)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from carehome.errors import DomainError
from community.models import Attendee, PartnerContact
from community.selectors.outings import invite_suggestions
from community.services import attendance as services
from community.tests.factories import (
    ActivityFactory,
    AttendeeFactory,
    OccurrenceFactory,
    OutingFactory,
    PartnershipFactory,
)
from homes.models import Interest
from residents.models import Connection, ConnectionParticipant, Idea, Resident
from residents.tests.factories import (
    ConnectionParticipantFactory,
    IdeaFactory,
    PersonalPlanFactory,
    ResidentFactory,
)
from visits.models import EventReply

pytestmark = pytest.mark.django_db


def past_date(world, **fields):
    activity = fields.pop("activity", None) or OutingFactory(home=world.home, transport="walking")
    starts = timezone.now() - timedelta(hours=3)
    return OccurrenceFactory(
        activity=activity, starts_at=starts, ends_at=starts + timedelta(hours=2), **fields
    )


def record(world, occurrence, rows, actor=None):
    actor = actor or world.staff
    return services.attendance_record(
        home=world.home, actor=actor.user, membership=actor, occurrence=occurrence, rows=rows
    )


# --- Inviting residents ---------------------------------------------------------------------------


def test_residents_are_invited_once_each(world):
    occurrence = OccurrenceFactory(activity=OutingFactory(home=world.home))
    made = services.attendees_invite(
        home=world.home, actor=world.staff.user, occurrence=occurrence, residents=[world.resident]
    )
    assert [a.resident for a in made] == [world.resident]
    again = services.attendees_invite(
        home=world.home,
        actor=world.staff.user,
        occurrence=occurrence,
        residents=[world.resident, world.unlinked_resident],
    )
    assert [a.resident for a in again] == [world.unlinked_resident]
    assert Attendee.objects.filter(occurrence=occurrence).count() == 2


def test_more_residents_than_places_are_refused_with_the_places_left(world):
    occurrence = OccurrenceFactory(activity=OutingFactory(home=world.home, capacity=2))
    AttendeeFactory(occurrence=occurrence)
    others = [world.resident, world.unlinked_resident]
    with pytest.raises(DomainError) as error:
        services.attendees_invite(
            home=world.home, actor=world.staff.user, occurrence=occurrence, residents=others
        )
    assert error.value.message == "There is 1 place left of 2, and you chose 2. Choose fewer people."
    assert Attendee.objects.filter(occurrence=occurrence).count() == 1


def test_someone_who_would_rather_not_frees_their_place(world):
    occurrence = OccurrenceFactory(activity=OutingFactory(home=world.home, capacity=1))
    taken = AttendeeFactory(occurrence=occurrence)
    services.attendee_answer_set(
        home=world.home, actor=world.staff.user, attendee=taken, answer=Attendee.Answer.NOT_COMING
    )
    services.attendees_invite(
        home=world.home, actor=world.staff.user, occurrence=occurrence, residents=[world.resident]
    )
    with pytest.raises(DomainError, match="All 1 places are taken"):
        services.attendee_answer_set(
            home=world.home, actor=world.staff.user, attendee=taken, answer=Attendee.Answer.COMING
        )


def test_a_resident_of_another_home_or_who_has_left_cannot_be_invited(world):
    occurrence = OccurrenceFactory(activity=OutingFactory(home=world.home))
    left = ResidentFactory(home=world.home, status=Resident.Status.LEFT)
    for resident in (world.foreign_resident, left):
        with pytest.raises(DomainError, match=services.NOT_LIVING_HERE):
            services.attendees_invite(
                home=world.home, actor=world.staff.user, occurrence=occurrence, residents=[resident]
            )
    assert not Attendee.objects.exists()


def test_a_started_date_takes_no_more_invitations(world):
    occurrence = past_date(world)
    with pytest.raises(DomainError, match=services.DATE_STARTED):
        services.attendees_invite(
            home=world.home, actor=world.staff.user, occurrence=occurrence, residents=[world.resident]
        )


# --- Suggestions --------------------------------------------------------------------------------------


def test_suggestions_put_shared_interests_and_wishes_first_and_quiet_people_first(world):
    fishing = Interest.objects.get(name__iexact="fishing")
    outing = OutingFactory(home=world.home, title="Fishing at the lake")
    outing.interests.set([fishing])
    occurrence = OccurrenceFactory(activity=outing)
    busy = ResidentFactory(home=world.home, full_name="Busy Bee")
    quiet = ResidentFactory(home=world.home, full_name="Quiet Quinn")
    for resident in (busy, quiet):
        PersonalPlanFactory(resident=resident).interests.set([fishing])
    for _ in range(3):
        ConnectionParticipantFactory(resident=busy)
    wisher = ResidentFactory(home=world.home, full_name="Wendy Wish")
    PersonalPlanFactory(resident=wisher, what_matters="I used to go fishing with my dad.")

    rows = invite_suggestions(world.home, occurrence)

    names = [r.resident.full_name for r in rows]
    assert names[:3] == ["Quiet Quinn", "Wendy Wish", "Busy Bee"]
    assert rows[0].reasons[0] == "Interested in fishing"
    assert "No meaningful connection logged in the last 14 days" in rows[0].reasons
    assert rows[1].reasons[0] == "Their plan says: “I used to go fishing with my dad.”"
    assert not rows[3].suggested
    assert world.foreign_resident.full_name not in names


# --- Families ---------------------------------------------------------------------------------------


def test_families_of_invited_residents_are_invited_through_visits(world):
    occurrence = OccurrenceFactory(activity=OutingFactory(home=world.home, title="Fishing trip"))
    AttendeeFactory(occurrence=occurrence, resident=world.resident)
    events, skipped = services.families_invite(
        home=world.home, actor=world.staff.user, occurrence=occurrence, residents=[world.resident]
    )
    assert skipped == []
    assert list(occurrence.family_events.all()) == events
    event = events[0]
    assert (
        event.title == "Fishing trip" and event.kind == "activity" and event.starts_at == occurrence.starts_at
    )
    reply = EventReply.objects.get(event=event)
    assert reply.membership == world.relative and reply.answer == EventReply.Answer.WAITING


def test_a_family_of_a_resident_not_invited_is_refused(world):
    occurrence = OccurrenceFactory(activity=OutingFactory(home=world.home))
    with pytest.raises(DomainError, match=services.NOT_INVITED):
        services.families_invite(
            home=world.home, actor=world.staff.user, occurrence=occurrence, residents=[world.resident]
        )


# --- Attendance ---------------------------------------------------------------------------------------


def test_attendance_before_the_start_is_refused(world):
    occurrence = OccurrenceFactory(activity=OutingFactory(home=world.home))
    with pytest.raises(DomainError, match=services.NOT_STARTED):
        record(world, occurrence, [(world.resident, "active", "")])
    assert not Connection.objects.exists()


def test_attendance_is_one_group_entry_in_the_connection_log(world):
    occurrence = past_date(world)
    AttendeeFactory(occurrence=occurrence, resident=world.resident)
    rows = [(world.resident, "active", "Caught a perch!"), (world.unlinked_resident, "passive", "")]

    connection = record(world, occurrence, rows)

    assert Connection.objects.count() == 1
    assert connection.mode == Connection.Mode.OUTING and connection.with_whom == Connection.WithWhom.GROUP
    assert connection.with_name == occurrence.activity.title
    assert connection.occurred_at == occurrence.starts_at
    parts = {p.resident: (p.response, p.note) for p in connection.participants.all()}
    assert parts == {world.resident: ("active", "Caught a perch!"), world.unlinked_resident: ("passive", "")}
    occurrence.refresh_from_db()
    assert occurrence.connection == connection and occurrence.attendance_recorded_at is not None
    attendees = {a.resident: (a.answer, a.response) for a in Attendee.objects.filter(occurrence=occurrence)}
    assert attendees[world.resident] == ("invited", "active")
    assert attendees[world.unlinked_resident] == ("coming", "passive")  # added on the day


def test_the_timeline_shows_the_outing(world, client_for):
    occurrence = past_date(world)
    record(world, occurrence, [(world.resident, "active", "")])
    page = client_for(world.staff).get(
        reverse("residents:timeline", args=[world.home.slug, world.resident.pk])
    )
    assert occurrence.activity.title in page.content.decode()


def test_recording_again_strikes_out_the_old_entry_and_logs_the_new_one(world):
    occurrence = past_date(world)
    first = record(world, occurrence, [(world.resident, "active", "")])
    same = record(world, occurrence, [(world.resident, "active", "")])
    assert same == first and Connection.objects.count() == 1

    second = record(world, occurrence, [(world.resident, "disengaged", "Too cold")])

    first.refresh_from_db()
    assert first.struck_out_at is not None and first.struck_out_reason == services.RECORDED_AGAIN
    assert second != first and second.struck_out_at is None
    occurrence.refresh_from_db()
    assert occurrence.connection == second
    assert Attendee.objects.get(occurrence=occurrence, resident=world.resident).response == "disengaged"
    assert ConnectionParticipant.objects.filter(connection__struck_out_at__isnull=True).count() == 1


def test_recording_again_follows_the_connection_logs_rule_on_who_may(world):
    occurrence = past_date(world)
    record(world, occurrence, [(world.resident, "active", "")], actor=world.staff)
    with pytest.raises(DomainError, match="Only the person who logged this entry, or a manager"):
        record(world, occurrence, [(world.resident, "passive", "")], actor=world.champion)
    # A manager may.
    record(world, occurrence, [(world.resident, "passive", "")], actor=world.manager)


def test_an_idea_the_outing_came_from_is_done(world):
    idea = IdeaFactory(home=world.home, session__home=world.home, text="Go fishing like we used to")
    occurrence = past_date(world, activity=OutingFactory(home=world.home, idea=idea, transport="walking"))
    record(world, occurrence, [(world.resident, "active", "")])
    idea.refresh_from_db()
    assert idea.status == Idea.Status.DONE


def test_a_partners_activity_is_a_contact_and_a_community_connection(world):
    partnership = PartnershipFactory(home=world.home)
    activity = ActivityFactory(home=world.home, partnership=partnership, space=world.space)
    occurrence = past_date(world, activity=activity)
    connection = record(world, occurrence, [(world.resident, "active", "")])
    assert connection.with_whom == Connection.WithWhom.COMMUNITY
    assert connection.mode == Connection.Mode.GROUP_ACTIVITY
    contact = PartnerContact.objects.get(partnership=partnership)
    assert contact.kind == PartnerContact.Kind.ACTIVITY and contact.on == timezone.localdate(
        occurrence.starts_at
    )
    record(world, occurrence, [(world.resident, "passive", "")])
    assert PartnerContact.objects.filter(partnership=partnership).count() == 1


def test_a_bad_response_saves_nothing(world):
    occurrence = past_date(world)
    with pytest.raises(DomainError) as error:
        record(world, occurrence, [(world.resident, "ecstatic", "")])
    assert error.value.field == f"response_{world.resident.pk}"
    assert not Connection.objects.exists()
