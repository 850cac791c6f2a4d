"""Co-production services: recording sessions and ideas, and moving ideas on."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from carehome.errors import DomainError
from homes.models import Interest
from residents.models import CoproductionSession, Idea, Resident
from residents.services.coproduction import (
    coproduction_session_record,
    coproduction_session_update,
    idea_record,
    idea_status_set,
)
from residents.tests.factories import CoproductionSessionFactory, IdeaFactory, ResidentFactory

M = CoproductionSession.Method
S = Idea.Status


def record(world, **fields):
    data = {
        "home": world.home,
        "actor": world.champion.user,
        "held_on": timezone.localdate() - timedelta(days=1),
        "method": M.GROUP_DISCUSSION,
        "title": "  Summer outings —   where shall we go? ",
        "participants": [world.resident, world.unlinked_resident],
        "others_present": " Beryl (volunteer) ",
        "notes": " Lots of ideas. ",
    }
    data.update(fields)
    return coproduction_session_record(**data)


def test_recording_a_session_saves_it_with_the_facilitator_and_who_took_part(world):
    session = record(world)
    session.refresh_from_db()
    assert session.home == world.home
    assert session.title == "Summer outings — where shall we go?"
    assert session.others_present == "Beryl (volunteer)"
    assert session.notes == "Lots of ideas."
    assert session.facilitator == world.champion.user
    assert set(session.participants.all()) == {world.resident, world.unlinked_resident}


def test_the_change_history_records_who_recorded_the_session_and_who_took_part(world):
    session = record(world)
    entries = LogEntry.objects.get_for_object(session)
    assert {e.actor for e in entries} == {world.champion.user}
    assert any("participants" in (e.changes_dict or {}) for e in entries)


def test_a_session_in_the_future_is_refused(world):
    with pytest.raises(DomainError) as caught:
        record(world, held_on=timezone.localdate() + timedelta(days=1))
    assert caught.value.field == "held_on"
    assert "future" in caught.value.message
    assert not CoproductionSession.objects.exists()


def test_a_resident_of_another_home_is_refused_and_nothing_is_saved(world):
    with pytest.raises(DomainError) as caught:
        record(world, participants=[world.resident, world.foreign_resident])
    assert caught.value.field == "participants"
    assert not CoproductionSession.objects.exists()


def test_a_session_needs_a_resident_unless_it_is_a_suggestion_box(world):
    with pytest.raises(DomainError) as caught:
        record(world, participants=[])
    assert caught.value.field == "participants"
    assert not CoproductionSession.objects.exists()

    session = record(world, participants=[], method=M.SUGGESTION_BOX, title="Suggestion box: October")
    assert session.participants.count() == 0


def test_updating_a_session_keeps_anyone_who_raised_an_idea(world):
    session = record(world)
    idea_record(
        home=world.home,
        session=session,
        actor=world.staff.user,
        text="Fish and chips",
        raised_by=world.resident,
    )
    with pytest.raises(DomainError) as caught:
        coproduction_session_update(
            session=session,
            actor=world.staff.user,
            held_on=session.held_on,
            method=session.method,
            title="Changed",
            participants=[world.unlinked_resident],
        )
    assert caught.value.field == "participants"
    assert "Peggy raised an idea in this session" in caught.value.message
    session.refresh_from_db()
    assert session.title == "Summer outings — where shall we go?"
    assert set(session.participants.all()) == {world.resident, world.unlinked_resident}

    coproduction_session_update(
        session=session,
        actor=world.staff.user,
        held_on=session.held_on,
        method=M.REMINISCENCE,
        title="Memories of the seaside",
        participants=[world.resident],
    )
    session.refresh_from_db()
    assert (session.title, session.method) == ("Memories of the seaside", M.REMINISCENCE)
    assert list(session.participants.all()) == [world.resident]


def test_an_idea_is_recorded_with_clean_words_and_interest_tags(world):
    session = record(world)
    gardening = Interest.objects.get(name="Gardening")
    idea = idea_record(
        home=world.home,
        session=session,
        actor=world.staff.user,
        text="  A trip to   the garden centre ",
        raised_by=world.resident,
        interests=[gardening],
    )
    idea.refresh_from_db()
    assert idea.text == "A trip to the garden centre"
    assert idea.home == world.home
    assert idea.status == S.NEW
    assert list(idea.interests.all()) == [gardening]
    assert {e.actor for e in LogEntry.objects.get_for_object(idea)} == {world.staff.user}


def test_an_idea_can_only_be_raised_by_someone_who_took_part(world):
    session = record(world, participants=[world.resident])
    with pytest.raises(DomainError) as caught:
        idea_record(
            home=world.home,
            session=session,
            actor=world.staff.user,
            text="Bingo",
            raised_by=world.unlinked_resident,
        )
    assert caught.value.field == "raised_by"
    with pytest.raises(DomainError) as caught:
        idea_record(home=world.home, session=session, actor=world.staff.user, text="   ")
    assert caught.value.field == "text"
    assert not Idea.objects.exists()


@pytest.mark.parametrize(
    ("start", "to", "allowed"),
    [
        (S.NEW, S.PLANNED, True),
        (S.NEW, S.DONE, False),
        (S.PLANNED, S.DONE, True),
        (S.PLANNED, S.NEW, True),
        (S.DONE, S.PLANNED, True),
        (S.DONE, S.NEW, False),
        (S.NOT_TAKEN_FORWARD, S.PLANNED, True),
        (S.NOT_TAKEN_FORWARD, S.DONE, False),
        (S.PLANNED, S.PLANNED, False),
    ],
)
def test_how_an_idea_moves_between_statuses(world, start, to, allowed):
    idea = IdeaFactory(session__home=world.home, status=start)
    if allowed:
        idea_status_set(
            home=world.home, idea=idea, actor=world.staff.user, status=to, note="Booked for Thursday"
        )
        idea.refresh_from_db()
        assert (idea.status, idea.status_note) == (to, "Booked for Thursday")
    else:
        with pytest.raises(DomainError) as caught:
            idea_status_set(home=world.home, idea=idea, actor=world.staff.user, status=to, note="x")
        assert caught.value.field == "status"
        idea.refresh_from_db()
        assert idea.status == start


def test_done_before_planned_is_explained(world):
    idea = IdeaFactory(session__home=world.home)
    with pytest.raises(DomainError) as caught:
        idea_status_set(home=world.home, idea=idea, actor=world.staff.user, status=S.DONE)
    assert (
        caught.value.message == "An idea is marked done once it has been planned. Mark it as planned first."
    )


def test_not_taken_forward_needs_a_reason(world):
    idea = IdeaFactory(session__home=world.home)
    with pytest.raises(DomainError) as caught:
        idea_status_set(
            home=world.home, idea=idea, actor=world.staff.user, status=S.NOT_TAKEN_FORWARD, note="   "
        )
    assert (caught.value.field, caught.value.message) == (
        "note",
        "Tell residents why — write a short reason.",
    )
    idea.refresh_from_db()
    assert idea.status == S.NEW

    before = idea.updated_at
    idea_status_set(
        home=world.home,
        idea=idea,
        actor=world.manager.user,
        status=S.NOT_TAKEN_FORWARD,
        note="Some residents are allergic.",
    )
    idea.refresh_from_db()
    assert idea.status == S.NOT_TAKEN_FORWARD
    assert idea.status_note == "Some residents are allergic."
    assert idea.updated_at > before
    change = LogEntry.objects.get_for_object(idea).order_by("-timestamp").first()
    assert change.actor == world.manager.user
    assert change.changes_dict["status"] == ["new", "not_taken_forward"]


def test_a_resident_who_left_stays_on_a_session_when_it_is_edited(world):
    gone = ResidentFactory(home=world.home, status=Resident.Status.LEFT, left_on=timezone.localdate())
    session = CoproductionSessionFactory(home=world.home)
    session.participants.set([gone])
    coproduction_session_update(
        session=session,
        actor=world.staff.user,
        held_on=session.held_on,
        method=session.method,
        title="What shall we do this winter?",
        participants=[gone, world.resident],
        notes="Added Peggy, who joined late.",
    )
    assert set(session.participants.all()) == {gone, world.resident}
