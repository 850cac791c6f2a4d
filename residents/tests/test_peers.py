"""The friends page: friendships, suggestions, a buddy for a new resident and
support flags; the services behind them; who may see and change what."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from carehome.errors import DomainError
from homes.models import Interest
from residents.models import Friendship, Resident, SupportFlag
from residents.services.peers import (
    friendship_end,
    friendship_record,
    peers_buddy_assign,
    peers_flag_friends_of,
    support_flag_resolve,
)
from residents.tests.factories import (
    FriendshipFactory,
    PersonalPlanFactory,
    ResidentFactory,
    SupportFlagFactory,
)
from tests.html import field_error, main_text


def friends_url(world, resident=None):
    return reverse("residents:friends", args=[world.home.slug, (resident or world.resident).pk])


def add_url(world, resident=None):
    return reverse("residents:friendship_add", args=[world.home.slug, (resident or world.resident).pk])


def buddy_url(world, resident):
    return reverse("residents:buddy_assign", args=[world.home.slug, resident.pk])


def end_url(world, resident, friendship):
    return reverse("residents:friendship_end", args=[world.home.slug, resident.pk, friendship.pk])


def resolve_url(world, flag):
    return reverse("residents:support_flag_resolve", args=[world.home.slug, flag.resident_id, flag.pk])


def with_plan(resident, *likes, **plan):
    p = PersonalPlanFactory(resident=resident, **plan)
    p.interests.set([Interest.objects.get_or_create(name=n)[0] for n in likes])
    return resident


def open_friendships(home):
    return Friendship.objects.for_home(home).filter(ended_on__isnull=True)


@pytest.fixture
def staff_client(world, client_for):
    return client_for(world.staff)


# --- The page -----------------------------------------------------------------------------------


def test_the_friends_page_shows_friends_and_suggestions_with_reasons(world, staff_client):
    peggy = with_plan(world.resident, "Gardening", "Music")
    with_plan(world.unlinked_resident, "Gardening")
    jean = with_plan(ResidentFactory(home=world.home, full_name="Jean Park"), "Music", places="Leith")
    FriendshipFactory(resident_a=peggy, resident_b=jean, notes="Sit together at lunch.")

    response = staff_client.get(friends_url(world))
    assert response.status_code == 200
    text = main_text(response)
    assert "Peggy's friends" in text
    assert "Jean Park" in text and "10 Jan 2026" in text and "Sit together at lunch." in text
    suggestions = text[text.index("Might enjoy each other's company") :]
    assert "Arthur Hughes" in suggestions and "Both enjoy gardening" in suggestions
    assert "Jean Park" not in suggestions  # already a friend
    assert "Record as friends" in suggestions
    assert 'aria-current="page"' in response.content.decode()


def test_a_resident_with_no_plans_around_gets_a_plain_explanation(world, staff_client):
    text = main_text(staff_client.get(friends_url(world)))
    assert "No friendships recorded yet." in text
    assert "No suggestions yet." in text


def test_the_friends_page_costs_the_same_for_5_or_50_residents(world, staff_client):
    url = friends_url(world)
    with_plan(world.resident, "Gardening", "Music", places="Leith", former_occupation="Nurse")
    staff_client.get(url)  # the first visit remembers the home

    def grow(n):
        for i in range(n):
            other = with_plan(
                ResidentFactory(home=world.home),
                "Gardening" if i % 2 else "Music",
                "Quizzes",
                places="Leith" if i % 3 else "Dundee",
                former_occupation="Nurse" if i % 4 else "Teacher",
                faith_and_groups="Church of Scotland",
            )
            if i % 5 == 0:
                FriendshipFactory(resident_a=world.resident, resident_b=other)
            if i % 7 == 0:
                SupportFlagFactory(resident=world.resident, about=other)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = staff_client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), response

    grow(5)
    small, _ = count()
    grow(45)
    large, response = count()
    assert small == large
    assert main_text(response).count("Record as friends") == 5  # the top five only


# --- Recording a friendship ------------------------------------------------------------------


def test_staff_record_a_friendship_from_a_suggestion(world, staff_client):
    peggy, arthur = world.resident, world.unlinked_resident
    response = staff_client.post(add_url(world), {"other": arthur.pk})
    assert response.status_code == 302
    assert response.url == friends_url(world)
    friendship = open_friendships(world.home).get()
    assert (friendship.resident_a_id, friendship.resident_b_id) == tuple(sorted([peggy.pk, arthur.pk]))
    assert friendship.kind == Friendship.Kind.FRIEND
    assert friendship.started_on == timezone.localdate()
    assert friendship.recorded_by == world.staff.user
    text = main_text(staff_client.get(response.url))
    assert "Peggy and Arthur are now recorded as friends." in text
    entry = LogEntry.objects.get_for_object(friendship).get()
    assert entry.actor == world.staff.user


def test_the_friendship_form_page(world, staff_client):
    response = staff_client.get(add_url(world))
    assert response.status_code == 200
    text = main_text(response)
    assert "Record a friendship" in text and "Arthur Hughes" in text
    assert "Doris Foreign" not in text


def test_a_duplicate_friendship_is_explained_and_not_saved(world, staff_client):
    FriendshipFactory(resident_a=world.resident, resident_b=world.unlinked_resident)
    response = staff_client.post(add_url(world), {"other": world.unlinked_resident.pk})
    assert response.status_code == 200
    assert field_error(response, "other") == "They are already recorded as friends."
    assert open_friendships(world.home).count() == 1


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("self", "Choose someone from the list of people who live here now."),
        ("foreign", "Choose someone from the list of people who live here now."),
        ("left", "Choose someone from the list of people who live here now."),
        ("nonsense", "Choose someone from the list of people who live here now."),
        ("nobody", "Choose who they are friends with."),
    ],
)
def test_bad_choices_are_refused_next_to_the_field(world, staff_client, who, message):
    gone = ResidentFactory(home=world.home, status=Resident.Status.LEFT, left_on=timezone.localdate())
    other = {
        "self": world.resident.pk,
        "foreign": world.foreign_resident.pk,
        "left": gone.pk,
        "nonsense": "x",
        "nobody": "",
    }[who]
    response = staff_client.post(add_url(world), {"other": other, "notes": "Hello"})
    assert response.status_code == 200
    assert field_error(response, "other") == message
    assert not Friendship.objects.exists()


def test_notes_that_are_too_long_are_refused(world, staff_client):
    response = staff_client.post(add_url(world), {"other": world.unlinked_resident.pk, "notes": "x" * 301})
    assert field_error(response, "notes") == "Keep the notes under 300 characters."
    assert not Friendship.objects.exists()


def test_ending_a_friendship_keeps_it_in_the_record(world, staff_client):
    friendship = FriendshipFactory(resident_a=world.resident, resident_b=world.unlinked_resident)
    page = staff_client.get(friends_url(world)).content.decode()
    assert "data-confirm=" in page and end_url(world, world.resident, friendship) in page

    response = staff_client.post(end_url(world, world.resident, friendship))
    assert response.status_code == 302
    friendship.refresh_from_db()
    assert friendship.ended_on == timezone.localdate()
    text = main_text(staff_client.get(friends_url(world)))
    assert "is recorded as ended" in text
    assert "No friendships recorded yet." in text
    assert "Earlier" in text and "Friends with Arthur Hughes, 10 Jan 2026 to" in text

    again = staff_client.post(end_url(world, world.resident, friendship))
    assert "That friendship was already ended." in main_text(staff_client.get(again.url))


def test_ending_needs_a_post_and_a_friendship_of_this_resident(world, staff_client):
    mine = FriendshipFactory(resident_a=world.resident, resident_b=world.unlinked_resident)
    theirs = FriendshipFactory(
        resident_a=world.unlinked_resident, resident_b=ResidentFactory(home=world.home)
    )
    assert staff_client.get(end_url(world, world.resident, mine)).status_code == 405
    assert staff_client.post(end_url(world, world.resident, theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.ended_on is None


# --- A buddy for someone new ------------------------------------------------------------------


@pytest.fixture
def newcomer(world):
    return with_plan(
        ResidentFactory(
            home=world.home,
            full_name="Nora Quinn",
            admitted_on=timezone.localdate() - timedelta(days=10),
        ),
        "Gardening",
    )


def test_a_new_resident_without_a_buddy_gets_a_prompt_with_suggestions_first(world, staff_client, newcomer):
    with_plan(world.unlinked_resident, "Gardening")
    response = staff_client.get(friends_url(world, newcomer))
    text = main_text(response)
    assert "Choose a buddy to help Nora settle in" in text
    page = response.content.decode()
    select = page[
        page.index('id="id_buddy_other"') : page.index("</select>", page.index('id="id_buddy_other"'))
    ]
    assert select.index('optgroup label="Might get on well"') < select.index("Arthur Hughes")
    assert select.index("Arthur Hughes") < select.index('optgroup label="Everyone else"')
    assert select.index('optgroup label="Everyone else"') < select.index("Margaret Baxter")
    assert "Nora Quinn" not in select


def test_staff_choose_a_buddy_and_the_prompt_goes(world, staff_client, newcomer):
    response = staff_client.post(buddy_url(world, newcomer), {"other": world.unlinked_resident.pk})
    assert response.status_code == 302
    buddy = open_friendships(world.home).get()
    assert buddy.kind == Friendship.Kind.BUDDY
    text = main_text(staff_client.get(response.url))
    assert "Arthur is now Nora's buddy, to help them settle in." in text
    assert "Choose a buddy" not in text
    assert "Buddy" in text

    again = staff_client.post(buddy_url(world, newcomer), {"other": world.resident.pk})
    assert field_error(again, "other") == "Nora already has a buddy: Arthur."
    assert open_friendships(world.home).count() == 1


def test_no_buddy_prompt_for_someone_who_has_lived_here_a_while(world, staff_client):
    assert "Choose a buddy" not in main_text(staff_client.get(friends_url(world)))


def test_the_buddy_form_refuses_an_empty_choice(world, staff_client, newcomer):
    response = staff_client.post(buddy_url(world, newcomer), {"other": ""})
    assert response.status_code == 200
    assert field_error(response, "other") == "Choose a buddy from the list."
    assert "Might get on well" not in response.content.decode()  # nobody shares anything yet
    assert not Friendship.objects.exists()


# --- Support flags ----------------------------------------------------------------------------


def test_a_support_flag_is_shown_and_marked_as_supported(world, staff_client):
    flag = SupportFlagFactory(
        resident=world.resident, about=world.unlinked_resident, reason="Their friend Arthur has moved out."
    )
    text = main_text(staff_client.get(friends_url(world)))
    assert "May need extra support" in text and "Their friend Arthur has moved out." in text

    response = staff_client.post(resolve_url(world, flag), {"note": "  "})
    assert response.status_code == 200
    assert field_error(response, "note") == "Write a short note about the support given."
    flag.refresh_from_db()
    assert flag.resolved_on is None

    response = staff_client.post(
        resolve_url(world, flag), {"note": "Sat with her at lunch; talked about Arthur."}
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.resolved_on == timezone.localdate()
    assert flag.resolved_by == world.staff.user
    assert flag.resolution_note == "Sat with her at lunch; talked about Arthur."
    text = main_text(staff_client.get(friends_url(world)))
    assert "Thank you. Peggy is marked as supported." in text
    assert "May need extra support" not in text

    done = staff_client.get(resolve_url(world, flag))
    assert "Marked as supported on" in main_text(done) and "Aisha Bello" in main_text(done)


def test_a_flag_of_another_resident_is_404(world, staff_client):
    flag = SupportFlagFactory(resident=world.unlinked_resident)
    url = reverse("residents:support_flag_resolve", args=[world.home.slug, world.resident.pk, flag.pk])
    assert staff_client.post(url, {"note": "Done"}).status_code == 404


# --- Who may do what ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["manager", "champion", "staff"])
def test_staff_roles_see_the_page_and_may_change_it(world, client_for, role):
    response = client_for(world.member(role)).get(friends_url(world))
    assert response.status_code == 200
    assert "Record a friendship" in main_text(response)


@pytest.mark.parametrize("role", ["family", "volunteer"])
def test_a_relative_or_volunteer_is_refused(world, client_for, role):
    client = client_for(world.member(role))
    assert client.get(friends_url(world)).status_code == 403
    assert client.post(add_url(world), {"other": world.unlinked_resident.pk}).status_code == 403
    assert not Friendship.objects.exists()


def test_an_outsider_gets_404_and_another_homes_resident_is_404(world, client_for, staff_client):
    assert client_for(world.outsider).get(friends_url(world)).status_code == 404
    foreign = reverse("residents:friends", args=[world.home.slug, world.foreign_resident.pk])
    assert staff_client.get(foreign).status_code == 404
    foreign_add = reverse("residents:friendship_add", args=[world.home.slug, world.foreign_resident.pk])
    assert staff_client.post(foreign_add, {"other": world.resident.pk}).status_code == 404


# --- Services -----------------------------------------------------------------------------------


def record(world, other, **kwargs):
    kwargs.setdefault("kind", Friendship.Kind.FRIEND)
    return friendship_record(
        home=world.home, actor=world.staff.user, resident=world.resident, other=other, notes="", **kwargs
    )


def test_friendship_record_orders_the_pair(world):
    later = ResidentFactory(home=world.home)
    friendship = friendship_record(
        home=world.home,
        actor=world.staff.user,
        resident=later,
        other=world.resident,
        kind="friend",
        notes=" x ",
    )
    assert friendship.resident_a == world.resident and friendship.resident_b == later
    assert friendship.notes == "x"


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("self", "Choose someone other than Peggy."),
        ("foreign", "Choose someone who lives here."),
        ("left", "Jo no longer lives here."),
        ("duplicate", "They are already recorded as friends."),
    ],
)
def test_friendship_record_refuses(world, case, message):
    other = {
        "self": lambda: world.resident,
        "foreign": lambda: world.foreign_resident,
        "left": lambda: ResidentFactory(
            home=world.home, full_name="Jo Gone", status=Resident.Status.DIED, left_on=timezone.localdate()
        ),
        "duplicate": lambda: (
            FriendshipFactory(resident_a=world.resident, resident_b=world.unlinked_resident)
            and world.unlinked_resident
        ),
    }[case]()
    before = Friendship.objects.count()
    with pytest.raises(DomainError) as error:
        record(world, other)
    assert error.value.message == message
    assert error.value.field == "other"
    assert Friendship.objects.count() == before


def test_a_clash_caught_by_the_database_is_explained(world):
    """The unique constraint is the last word: a clashing row the first check
    does not see (here, one filed under the wrong home) still gives a message."""
    FriendshipFactory(resident_a=world.resident, resident_b=world.unlinked_resident, home=world.other_home)
    with pytest.raises(DomainError, match="They are already recorded as friends."):
        record(world, world.unlinked_resident)
    assert Friendship.objects.count() == 1


def test_friends_and_buddy_are_separate_records(world):
    record(world, world.unlinked_resident)
    record(world, world.unlinked_resident, kind=Friendship.Kind.BUDDY)
    assert open_friendships(world.home).count() == 2


def test_buddy_assign_refuses_a_second_buddy(world):
    peers_buddy_assign(
        home=world.home, actor=world.staff.user, resident=world.resident, buddy=world.unlinked_resident
    )
    with pytest.raises(DomainError, match="Peggy already has a buddy: Arthur."):
        peers_buddy_assign(
            home=world.home,
            actor=world.staff.user,
            resident=world.resident,
            buddy=ResidentFactory(home=world.home),
        )


def test_friendship_end_refuses_another_home_and_an_ended_one(world):
    friendship = FriendshipFactory(resident_a=world.resident, resident_b=world.unlinked_resident)
    with pytest.raises(DomainError):
        friendship_end(home=world.other_home, actor=world.staff.user, friendship=friendship)
    friendship_end(home=world.home, actor=world.staff.user, friendship=friendship)
    with pytest.raises(DomainError, match="already ended"):
        friendship_end(home=world.home, actor=world.staff.user, friendship=friendship)


def test_support_flag_resolve_needs_a_note_and_happens_once(world):
    flag = SupportFlagFactory(resident=world.resident)
    with pytest.raises(DomainError) as error:
        support_flag_resolve(home=world.home, actor=world.staff.user, flag=flag, note=" ")
    assert error.value.field == "note"
    support_flag_resolve(home=world.home, actor=world.staff.user, flag=flag, note="Had a chat.")
    with pytest.raises(DomainError, match="already marked as supported"):
        support_flag_resolve(home=world.home, actor=world.staff.user, flag=flag, note="Again.")
    assert SupportFlag.objects.get().resolution_note == "Had a chat."


# --- When a resident leaves or dies ---------------------------------------------------------------


def test_friends_of_someone_who_dies_are_flagged_and_friendships_end(world):
    arthur = world.unlinked_resident
    jean = ResidentFactory(home=world.home, full_name="Jean Park")
    bystander = ResidentFactory(home=world.home, full_name="Una Related")
    newcomer = ResidentFactory(home=world.home, full_name="Nora Quinn")
    FriendshipFactory(resident_a=arthur, resident_b=world.resident)
    FriendshipFactory(resident_a=arthur, resident_b=jean)
    buddy = FriendshipFactory(resident_a=arthur, resident_b=newcomer, kind=Friendship.Kind.BUDDY)
    unrelated = FriendshipFactory(resident_a=world.resident, resident_b=jean)
    foreign = FriendshipFactory(
        resident_a=world.foreign_resident, resident_b=ResidentFactory(home=world.other_home)
    )
    when = timezone.localdate()

    flags = peers_flag_friends_of(resident=arthur, actor=world.manager.user, when=when, reason="has died")

    assert sorted(f.resident_id for f in flags) == sorted([world.resident.pk, jean.pk, newcomer.pk])
    stored = SupportFlag.objects.for_home(world.home).filter(about=arthur)
    assert {f.reason for f in stored} == {"Their friend Arthur has died."}
    assert all(f.raised_on == when and f.resolved_on is None for f in stored)
    assert not SupportFlag.objects.filter(resident=bystander).exists()
    assert not open_friendships(world.home).filter(resident_a=arthur).exists()
    assert not open_friendships(world.home).filter(resident_b=arthur).exists()
    buddy.refresh_from_db()
    assert buddy.ended_on == when
    unrelated.refresh_from_db()
    foreign.refresh_from_db()
    assert unrelated.ended_on is None and foreign.ended_on is None


def test_a_resident_with_no_friends_leaving_flags_nobody(world):
    flags = peers_flag_friends_of(
        resident=world.unlinked_resident,
        actor=world.manager.user,
        when=timezone.localdate(),
        reason="has moved out",
    )
    assert flags == []
    assert not SupportFlag.objects.exists()


def test_a_flag_raised_on_leaving_shows_on_the_friends_page(world, staff_client):
    FriendshipFactory(resident_a=world.resident, resident_b=world.unlinked_resident)
    peers_flag_friends_of(
        resident=world.unlinked_resident,
        actor=world.manager.user,
        when=timezone.localdate(),
        reason="has moved out",
    )
    text = main_text(staff_client.get(friends_url(world)))
    assert "Their friend Arthur has moved out." in text
    assert "Mark as supported" in text


def test_the_page_of_someone_who_has_died_keeps_the_record_but_suggests_nobody(world, staff_client):
    FriendshipFactory(resident_a=world.resident, resident_b=world.unlinked_resident)
    peers_flag_friends_of(
        resident=world.unlinked_resident,
        actor=world.manager.user,
        when=timezone.localdate(),
        reason="has died",
    )
    world.unlinked_resident.status = Resident.Status.DIED
    world.unlinked_resident.left_on = timezone.localdate()
    world.unlinked_resident.save()
    text = main_text(staff_client.get(friends_url(world, world.unlinked_resident)))
    assert "Arthur no longer lives here, so there are no suggestions." in text
    assert "Record a friendship" not in text
    assert "Friends with Margaret Baxter (Peggy)" in text
    form = staff_client.get(add_url(world, world.unlinked_resident))
    assert "no new friendships can be recorded" in main_text(form)
