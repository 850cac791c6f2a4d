"""Co-production pages: the sessions list and ideas board, recording and
changing a session, adding ideas and moving them on."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from homes.models import Interest
from residents.models import CoproductionSession, Idea, Resident
from residents.tests.factories import CoproductionSessionFactory, IdeaFactory, ResidentFactory
from tests.html import field_error, main_text, text_of

M = CoproductionSession.Method
S = Idea.Status


def url(name, world, *args):
    return reverse(f"residents:{name}", args=[world.home.slug, *args])


@pytest.fixture
def staff_client(world, client_for):
    return client_for(world.staff)


def yesterday():
    return timezone.localdate() - timedelta(days=1)


def session_data(world, **fields):
    data = {
        "held_on": yesterday().isoformat(),
        "method": M.REMINISCENCE,
        "title": "Memories of the seaside",
        "participants": [world.resident.pk, world.unlinked_resident.pk],
        "others_present": "Beryl (volunteer)",
        "notes": "Postcards and a stick of rock.",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def make_session(world, *, participants=(), **fields):
    session = CoproductionSessionFactory(home=world.home, **fields)
    session.participants.set(participants)
    return session


# --- The sessions list and the ideas board -------------------------------------------------


def test_the_list_explains_co_production_and_shows_sessions_newest_first(world, staff_client):
    old = make_session(world, title="Handling session: 1950s kitchen", held_on=date(2026, 9, 2))
    new = make_session(
        world,
        title="Memories of the seaside",
        held_on=date(2026, 10, 20),
        method=M.REMINISCENCE,
        participants=[world.resident, world.unlinked_resident],
    )
    IdeaFactory(session=new, status=S.NEW)
    IdeaFactory(session=new, status=S.NEW)
    IdeaFactory(session=new, status=S.PLANNED)
    IdeaFactory(session=old, status=S.NOT_TAKEN_FORWARD, status_note="Too far away.")
    make_session_other = CoproductionSessionFactory(home=world.other_home, title="Birch secret session")

    response = staff_client.get(url("coproduction_list", world))
    assert response.status_code == 200
    text = main_text(response)
    assert "Co-production means planning activities with residents, not for them" in text
    assert text.index("Memories of the seaside") < text.index("Handling session: 1950s kitchen")
    assert make_session_other.title not in text
    rows = re.findall(r"<tr>(.*?)</tr>", response.content.decode(), re.S)
    seaside = text_of(next(r for r in rows if "Memories of the seaside" in r))
    assert seaside == "20 Oct 2026 Memories of the seaside Reminiscence 2 2 new 1 planned"
    kitchen = text_of(next(r for r in rows if "1950s kitchen" in r))
    assert kitchen == "2 Sep 2026 Handling session: 1950s kitchen Group discussion 0 1 not taken forward"


def test_sessions_are_paged_twenty_at_a_time(world, staff_client):
    for n in range(23):
        make_session(world, title=f"Session number {n:02d}", held_on=date(2026, 1, 1) + timedelta(days=n))
    first = main_text(staff_client.get(url("coproduction_list", world)))
    assert "Session number 22" in first
    assert "Session number 02" not in first
    assert "Page 1 of 2" in first
    second = main_text(staff_client.get(url("coproduction_list", world) + "?page=2"))
    assert "Session number 02" in second
    assert "Session number 22" not in second


def board_group(response, status):
    page = response.content.decode()
    found = re.search(rf'aria-labelledby="board-{status}">(.*?)</section>', page, re.S)
    return text_of(found.group(1)) if found else None


def test_the_ideas_board_groups_ideas_by_status_with_tags_and_who_raised_them(world, staff_client):
    session = make_session(world, title="Summer outings", participants=[world.resident])
    garden = IdeaFactory(session=session, text="A trip to the garden centre", raised_by=world.resident)
    garden.interests.set([Interest.objects.get(name="Gardening")])
    IdeaFactory(session=session, text="A brass band visit", status=S.PLANNED, status_note="Booked for May")
    IdeaFactory(session=session, text="Fish and chip supper", status=S.DONE)
    IdeaFactory(session=session, text="A cat", status=S.NOT_TAKEN_FORWARD, status_note="Allergies.")

    response = staff_client.get(url("coproduction_list", world))
    new = board_group(response, "new")
    assert new.startswith("New (1)")
    assert "A trip to the garden centre" in new
    assert "Interests: Gardening" in new
    assert "Raised by Margaret Baxter (Peggy)" in new
    assert "Summer outings" in new
    assert "Booked for May" in board_group(response, "planned")
    assert "Fish and chip supper" in board_group(response, "done")
    assert "Why: Allergies." in board_group(response, "not_taken_forward")
    # The resident's name leads to their page.
    detail = reverse("residents:detail", args=[world.home.slug, world.resident.pk])
    assert f'href="{detail}"' in response.content.decode()


def test_the_board_filters_by_status_and_interest(world, staff_client):
    session = make_session(world)
    music = Interest.objects.get(name="Music")
    band = IdeaFactory(session=session, text="A brass band visit", status=S.PLANNED)
    band.interests.set([music])
    IdeaFactory(session=session, text="Sing-along", status=S.NEW).interests.set([music])
    IdeaFactory(session=session, text="Garden centre", status=S.PLANNED)

    response = staff_client.get(url("coproduction_list", world) + "?status=planned")
    assert board_group(response, "new") is None
    planned = board_group(response, "planned")
    assert "A brass band visit" in planned
    assert "Garden centre" in planned

    response = staff_client.get(url("coproduction_list", world) + f"?status=planned&interest={music.pk}")
    planned = board_group(response, "planned")
    assert "A brass band visit" in planned
    assert "Garden centre" not in planned

    # Nonsense filters are ignored rather than an error.
    response = staff_client.get(url("coproduction_list", world) + "?status=nonsense&interest=abc&page=x")
    assert response.status_code == 200
    assert "Sing-along" in board_group(response, "new")


def test_a_busy_group_shows_the_latest_ideas_and_links_to_the_rest(world, staff_client):
    session = make_session(world)
    for n in range(32):
        IdeaFactory(session=session, text=f"Finished idea {n:02d}", status=S.DONE)
    done = board_group(staff_client.get(url("coproduction_list", world)), "done")
    assert done.startswith("Done (32)")
    assert "Showing the latest 30. See all 32 done ideas" in done
    all_done = board_group(staff_client.get(url("coproduction_list", world) + "?status=done"), "done")
    assert "Finished idea 00" in all_done
    assert "Finished idea 31" in all_done


def test_no_sessions_yet_says_what_to_do(world, staff_client):
    text = main_text(staff_client.get(url("coproduction_list", world)))
    assert "No sessions recorded yet" in text


# --- Recording a session -------------------------------------------------------------------


def test_the_form_offers_the_homes_current_residents_and_explains_each_method(world, staff_client):
    ResidentFactory(
        home=world.home, full_name="Walter Gone", status=Resident.Status.LEFT, left_on=yesterday()
    )
    response = staff_client.get(url("coproduction_add", world))
    text = main_text(response)
    assert "Margaret Baxter (Peggy)" in text
    assert "Arthur Hughes" in text
    assert "Walter Gone" not in text
    assert "Doris Foreign" not in text
    assert "Memories, photos or music from the past spark ideas." in text
    assert "<legend" in response.content.decode()


def test_staff_record_a_session_and_land_on_its_page(world, staff_client):
    response = staff_client.post(url("coproduction_add", world), session_data(world))
    session = CoproductionSession.objects.get(home=world.home)
    assert response.status_code == 302
    assert response.url == url("coproduction_detail", world, session.pk)
    assert session.facilitator == world.staff.user
    assert set(session.participants.all()) == {world.resident, world.unlinked_resident}

    page = staff_client.get(response.url)
    text = main_text(page)
    assert "“Memories of the seaside” was recorded. Now add the ideas that came up." in text
    assert "Reminiscence" in text
    assert "Run by Aisha Bello" in text
    assert "Residents who took part (2)" in text
    assert "Beryl (volunteer)" in text


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"held_on": ""}, "held_on", "Enter the date it happened, like 12/11/2026."),
        ({"held_on": "31/02/2026"}, "held_on", "Enter a real date, like 12/11/2026."),
        (
            {"held_on": (date.today() + timedelta(days=2)).isoformat()},
            "held_on",
            "That date is in the future. Record a session after it has happened.",
        ),
        ({"held_on": "1970-05-01"}, "held_on", "Check the year: that date is a long time ago."),
        ({"method": None}, "method", "Choose how the session was run."),
        ({"method": "seance"}, "method", "Choose how the session was run from the list."),
        ({"title": "   "}, "title", "Give the session a short title, like “Summer outings”."),
        (
            {"participants": None},
            "participants",
            "Tick at least one resident who took part. Only a suggestion box can have nobody named.",
        ),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_nothing_is_saved(
    world, staff_client, fields, field, message
):
    response = staff_client.post(url("coproduction_add", world), session_data(world, **fields))
    assert response.status_code == 200
    assert field_error(response, field) == message
    assert not CoproductionSession.objects.exists()


def test_a_resident_of_another_home_posted_by_hand_is_refused(world, staff_client):
    data = session_data(world, participants=[world.resident.pk, world.foreign_resident.pk])
    response = staff_client.post(url("coproduction_add", world), data)
    assert response.status_code == 200
    assert field_error(response, "participants") == "Choose people from the list of residents who live here."
    assert not CoproductionSession.objects.exists()
    assert "Doris Foreign" not in main_text(response)


def test_a_suggestion_box_may_have_nobody_named(world, staff_client):
    data = session_data(world, method=M.SUGGESTION_BOX, title="Suggestion box: October", participants=None)
    response = staff_client.post(url("coproduction_add", world), data)
    assert response.status_code == 302
    session = CoproductionSession.objects.get(home=world.home)
    assert session.participants.count() == 0
    assert "Nobody named: ideas from the suggestion box." in main_text(staff_client.get(response.url))


# --- Changing a session ---------------------------------------------------------------------


def test_a_session_is_changed_and_keeps_people_who_have_since_left(world, staff_client):
    gone = ResidentFactory(
        home=world.home, full_name="Walter Gone", status=Resident.Status.LEFT, left_on=yesterday()
    )
    session = make_session(world, participants=[gone, world.resident])
    response = staff_client.get(url("coproduction_edit", world, session.pk))
    assert "Walter Gone" in main_text(response)
    assert 'value="What shall we do this winter?"' in response.content.decode()

    response = staff_client.post(
        url("coproduction_edit", world, session.pk),
        session_data(world, title="Winter plans", participants=[gone.pk, world.unlinked_resident.pk]),
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "Winter plans"
    assert set(session.participants.all()) == {gone, world.unlinked_resident}


def test_someone_who_raised_an_idea_cannot_be_unticked(world, staff_client):
    session = make_session(world, participants=[world.resident, world.unlinked_resident])
    IdeaFactory(session=session, raised_by=world.resident)
    response = staff_client.post(
        url("coproduction_edit", world, session.pk),
        session_data(world, participants=[world.unlinked_resident.pk]),
    )
    assert response.status_code == 200
    assert (
        field_error(response, "participants") == "Peggy raised an idea in this session, so keep them ticked."
    )
    assert set(session.participants.all()) == {world.resident, world.unlinked_resident}


# --- Ideas ----------------------------------------------------------------------------------


def test_an_idea_is_added_on_the_session_page_with_interest_tags(world, staff_client):
    session = make_session(world, participants=[world.resident])
    baking = Interest.objects.get(name="Baking")
    cooking = Interest.objects.get(name="Cooking")
    page = staff_client.get(url("coproduction_detail", world, session.pk))
    content = page.content.decode()
    assert "Home, food and making" in content  # interests grouped by category
    assert "<legend" in content

    response = staff_client.post(
        url("idea_add", world, session.pk),
        {"text": "Bake Welsh cakes", "raised_by": world.resident.pk, "interests": [baking.pk, cooking.pk]},
    )
    idea = Idea.objects.get(session=session)
    assert response.status_code == 302
    assert response.url == url("coproduction_detail", world, session.pk) + f"#idea-{idea.pk}"
    assert set(idea.interests.all()) == {baking, cooking}
    assert idea.raised_by == world.resident

    text = main_text(staff_client.get(response.url))
    assert "The idea “Bake Welsh cakes” was added." in text
    assert "Ideas raised (1)" in text
    assert "Interests: Baking , Cooking" in text
    assert "Raised by Margaret Baxter (Peggy)" in text


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"text": "  "}, "text", "Write the idea in a few words, like “A trip to the garden centre”."),
        ({"text": "x" * 301}, "text", "Keep the idea under 300 characters; put more in the session notes."),
        (
            {"text": "Bingo", "raised_by": "other"},
            "raised_by",
            "Choose someone who took part in this session, or nobody.",
        ),
        ({"text": "Bingo", "interests": ["99999"]}, None, "Choose interests from the list."),
    ],
)
def test_a_bad_idea_is_explained_and_nothing_is_saved(world, staff_client, data, field, message):
    session = make_session(world, participants=[world.resident])
    if data.get("raised_by") == "other":
        data["raised_by"] = world.unlinked_resident.pk  # lives here, but did not take part
    response = staff_client.post(url("idea_add", world, session.pk), data)
    assert response.status_code == 200
    if field:
        assert field_error(response, field) == message
    else:
        assert message in main_text(response)
    assert not Idea.objects.exists()
    assert "Add an idea" in main_text(response)


def test_an_idea_cannot_name_a_resident_of_another_home(world, staff_client):
    session = make_session(world, participants=[world.resident])
    response = staff_client.post(
        url("idea_add", world, session.pk), {"text": "Bingo", "raised_by": world.foreign_resident.pk}
    )
    assert field_error(response, "raised_by") == "Choose someone who took part in this session, or nobody."
    assert not Idea.objects.exists()


def test_adding_an_idea_is_post_only(world, staff_client):
    session = make_session(world)
    assert staff_client.get(url("idea_add", world, session.pk)).status_code == 405


def status_url(world, idea):
    return url("idea_status", world, idea.pk)


def test_an_idea_is_moved_to_planned_from_the_board_and_back_to_the_board(world, staff_client):
    idea = IdeaFactory(session=make_session(world), text="A brass band visit")
    board = url("coproduction_list", world) + "?status=new"
    page = staff_client.get(board)
    assert f'action="{status_url(world, idea)}"' in page.content.decode()

    response = staff_client.post(
        status_url(world, idea), {"status": S.PLANNED, "note": "Booked for 14 May", "next": board}
    )
    assert response.status_code == 302
    assert response.url == f"{board}#idea-{idea.pk}"
    idea.refresh_from_db()
    assert (idea.status, idea.status_note) == (S.PLANNED, "Booked for 14 May")
    assert "“A brass band visit” is now planned." in main_text(staff_client.get(response.url))


def test_after_a_change_the_page_goes_back_only_to_this_homes_pages(world, staff_client):
    idea = IdeaFactory(session=make_session(world))
    session_page = url("coproduction_detail", world, idea.session.pk)
    for nasty in ["https://evil.example.com/", "//evil.example.com/h/rowan/", "/h/birch/residents/"]:
        idea.status = S.NEW
        idea.save()
        response = staff_client.post(status_url(world, idea), {"status": S.PLANNED, "next": nasty})
        assert response.url == f"{session_page}#idea-{idea.pk}"


def test_not_taken_forward_without_a_reason_is_explained_on_the_ideas_page(world, staff_client):
    idea = IdeaFactory(session=make_session(world), text="A cat of our own")
    response = staff_client.post(status_url(world, idea), {"status": S.NOT_TAKEN_FORWARD, "note": " "})
    assert response.status_code == 200
    prefix = f"id_idea{idea.pk}_"
    assert field_error(response, "note", prefix) == "Tell residents why — write a short reason."
    assert "A cat of our own" in main_text(response)
    idea.refresh_from_db()
    assert idea.status == S.NEW

    response = staff_client.post(
        status_url(world, idea), {"status": S.NOT_TAKEN_FORWARD, "note": "Some residents are allergic."}
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert (idea.status, idea.status_note) == (S.NOT_TAKEN_FORWARD, "Some residents are allergic.")


def test_done_straight_from_new_is_explained(world, staff_client):
    idea = IdeaFactory(session=make_session(world))
    response = staff_client.post(status_url(world, idea), {"status": S.DONE})
    assert field_error(response, "status", f"id_idea{idea.pk}_") == (
        "An idea is marked done once it has been planned. Mark it as planned first."
    )
    idea.refresh_from_db()
    assert idea.status == S.NEW


def test_the_status_page_offers_only_the_next_steps(world, staff_client):
    idea = IdeaFactory(session=make_session(world), status=S.PLANNED)
    response = staff_client.get(status_url(world, idea))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'value="done"' in content
    assert 'value="not_taken_forward"' in content
    assert 'value="planned"' not in content
    for bad in ["", "sideways"]:
        response = staff_client.post(status_url(world, idea), {"status": bad})
        assert field_error(response, "status", f"id_idea{idea.pk}_").startswith("Choose")


# --- Who may see it -------------------------------------------------------------------------


def coproduction_urls(world):
    session = make_session(world, participants=[world.resident])
    idea = IdeaFactory(session=session)
    return [
        url("coproduction_list", world),
        url("coproduction_add", world),
        url("coproduction_detail", world, session.pk),
        url("coproduction_edit", world, session.pk),
        url("idea_add", world, session.pk),
        url("idea_status", world, idea.pk),
    ]


@pytest.mark.parametrize("role", ["family", "volunteer"])
def test_relatives_and_volunteers_get_403_on_every_co_production_page(world, client_for, role):
    client = client_for(world.member(role))
    for page in coproduction_urls(world):
        assert client.get(page).status_code in (403, 405), page
        assert client.post(page, {"text": "x", "status": S.PLANNED}).status_code == 403, page
    assert Idea.objects.count() == 1
    assert Idea.objects.get().status == S.NEW


def test_another_homes_manager_gets_404_on_every_co_production_page(world, client_for):
    client = client_for(world.outsider)
    for page in coproduction_urls(world):
        assert client.get(page).status_code == 404, page
        assert client.post(page, {"text": "x"}).status_code == 404, page


def test_another_homes_sessions_and_ideas_are_404(world, client_for):
    foreign = CoproductionSessionFactory(home=world.other_home)
    foreign_idea = IdeaFactory(session=foreign)
    client = client_for(world.manager)
    for name in ["coproduction_detail", "coproduction_edit"]:
        assert client.get(url(name, world, foreign.pk)).status_code == 404
    assert client.post(url("idea_add", world, foreign.pk), {"text": "Sneaky"}).status_code == 404
    assert client.post(url("idea_status", world, foreign_idea.pk), {"status": S.PLANNED}).status_code == 404
    assert not Idea.objects.filter(text="Sneaky").exists()
    foreign_idea.refresh_from_db()
    assert foreign_idea.status == S.NEW


@pytest.mark.parametrize("role", ["staff", "champion", "manager"])
def test_everyone_who_works_here_can_run_co_production(world, client_for, role):
    client = client_for(world.member(role))
    for page in coproduction_urls(world):
        assert client.get(page).status_code in (200, 405), page


def test_the_dashboard_counts_new_ideas_for_staff_only(world, client_for):
    session = make_session(world)
    IdeaFactory.create_batch(3, session=session)
    IdeaFactory(session=session, status=S.PLANNED)
    IdeaFactory(session=CoproductionSessionFactory(home=world.other_home))
    dashboard = reverse("homes:dashboard", args=[world.home.slug])
    text = main_text(client_for(world.champion).get(dashboard))
    assert "New ideas from residents" in text
    assert "3 ideas waiting for an answer" in text
    assert "New ideas from residents" not in main_text(client_for(world.relative).get(dashboard))


# --- Constant number of queries -------------------------------------------------------------


def grow(world, n):
    """n sessions, each with two participants and an idea with two tags, in several statuses."""
    tags = list(Interest.objects.all()[:2])
    residents = [ResidentFactory(home=world.home) for _ in range(n)]
    statuses = [S.NEW, S.PLANNED, S.DONE, S.NOT_TAKEN_FORWARD]
    sessions = []
    for i in range(n):
        session = make_session(world, participants=[residents[i], residents[(i + 1) % n]])
        idea = IdeaFactory(session=session, raised_by=residents[i], status=statuses[i % 4], status_note="x")
        idea.interests.set(tags)
        sessions.append(session)
    return sessions


def count_queries(client, page):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(page)
    assert response.status_code == 200, page
    return len(ctx.captured_queries)


def page_queries(world, client, n):
    sessions = grow(world, n)
    session = sessions[0]
    # One session with n ideas and n participants.
    extra = [ResidentFactory(home=world.home) for _ in range(n)]
    session.participants.add(*extra)
    for i in range(n):
        IdeaFactory(session=session, raised_by=extra[i]).interests.set(Interest.objects.all()[:2])
    idea = session.ideas.first()
    pages = {
        "list": url("coproduction_list", world),
        "list filtered": url("coproduction_list", world) + f"?interest={Interest.objects.first().pk}",
        "add": url("coproduction_add", world),
        "detail": url("coproduction_detail", world, session.pk),
        "edit": url("coproduction_edit", world, session.pk),
        "status": url("idea_status", world, idea.pk),
    }
    return {name: count_queries(client, page) for name, page in pages.items()}


def test_pages_cost_the_same_queries_for_5_or_50_sessions_and_ideas(world, staff_client):
    few = page_queries(world, staff_client, 5)
    Idea.objects.all().delete()
    CoproductionSession.objects.all().delete()
    many = page_queries(world, staff_client, 50)
    assert few == many
    assert max(many.values()) <= 15, many


def test_editing_a_session_shows_its_date_in_the_date_picker(world, client_for):
    session = CoproductionSessionFactory(home=world.home, held_on=date(2026, 11, 12))
    page = client_for(world.champion).get(url("coproduction_edit", world, session.pk)).content.decode()
    # A date input only shows an ISO date; "12/11/2026" would leave the picker empty.
    assert 'value="2026-11-12"' in page
