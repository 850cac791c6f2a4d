"""No silent overwrites: two people open the same record's edit form; the
second to save is shown what the first saved (who, when, the fields that
differ next to their own text), keeps their text, and can save over it
knowingly by pressing Save again (carehome.versions)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from homes.models import Role
from homes.tests.factories import MembershipFactory
from residents.models import PersonalPlan, PersonWhoMatters
from residents.tests.factories import PersonalPlanFactory
from tests.html import main_text
from visits.services.info import INFO_FIELDS
from visits.tests.factories import VisitingInfoFactory, VisitRestrictionFactory

CONFLICT = "saved a change to this"


def hidden(response, name):
    match = re.search(rf'name="{name}" value="([^"]*)"', response.content.decode())
    assert match, f"no hidden {name} on the page"
    return match.group(1)


def conflict_box(response):
    match = re.search(
        r'<section class="alert alert-warning"[^>]*id="edit-conflict">(.*?)</section>',
        response.content.decode(),
        re.S,
    )
    assert match, "no conflict shown"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))


@pytest.fixture
def two(world, client_for):
    return client_for(world.staff), client_for(world.manager)


def race(first, second, url, mine, theirs, *, extra=None):
    """Both open ``url``; ``first`` saves ``mine``, then ``second`` saves
    ``theirs``. Returns the second's response."""
    extra = extra or {}
    opened = [first.get(url), second.get(url)]
    assert [r.status_code for r in opened] == [200, 200]
    versions = [hidden(r, "version") for r in opened]
    assert versions[0] == versions[1]
    done = first.post(url, {**extra, **mine, "version": versions[0]})
    assert done.status_code == 302, main_text(done)
    return second.post(url, {**extra, **theirs, "version": versions[1]})


def test_two_people_editing_the_same_plan_section_over_http(world, two):
    staff, manager = two
    PersonalPlanFactory(resident=world.resident, what_matters="Tea.", about_me="Born in Leeds.")
    url = reverse("residents:plan_edit", args=[world.home.slug, world.resident.pk, "matters"])
    second = race(
        staff,
        manager,
        url,
        {"what_matters": "Tea in the garden at 3."},
        {"what_matters": "Music on Sunday mornings."},
        extra={"about_me": "Born in Leeds."},
    )

    assert second.status_code == 200
    assert f"Aisha Bello {CONFLICT}" in main_text(second)
    box = conflict_box(second)
    assert "Tea in the garden at 3." in box and "Music on Sunday mornings." in box
    assert "Born in Leeds" not in box  # only the fields that differ
    assert "Music on Sunday mornings." in re.search(
        r'<textarea name="what_matters"[^>]*>(.*?)</textarea>', second.content.decode(), re.S
    ).group(1)
    plan = PersonalPlan.objects.get(resident=world.resident)
    assert plan.what_matters == "Tea in the garden at 3."  # nothing of the first is lost

    # Pressing Save again (the page now carries the new version) saves theirs knowingly.
    again = manager.post(
        url,
        {
            "what_matters": "Music on Sunday mornings.",
            "about_me": "Born in Leeds.",
            "version": hidden(second, "version"),
        },
    )
    assert again.status_code == 302
    plan.refresh_from_db()
    assert plan.what_matters == "Music on Sunday mornings."
    assert plan.version == 3


def test_two_people_starting_a_plan_that_does_not_exist_yet(world, two):
    staff, manager = two
    url = reverse("residents:plan_edit", args=[world.home.slug, world.resident.pk, "goals"])
    second = race(staff, manager, url, {"goals": "Bowls again."}, {"goals": "Walk to the park."})
    assert CONFLICT in main_text(second)
    assert PersonalPlan.objects.get(resident=world.resident).goals == "Bowls again."


def test_saving_the_same_text_again_is_not_a_conflict(world, two):
    staff, manager = two
    PersonalPlanFactory(resident=world.resident)
    url = reverse("residents:plan_edit", args=[world.home.slug, world.resident.pk, "goals"])
    second = race(staff, manager, url, {"goals": "Bowls again."}, {"goals": "Bowls again."})
    assert second.status_code == 302


def test_person_who_matters(world, two):
    staff, manager = two
    person = PersonWhoMatters.objects.create(
        home=world.home, resident=world.resident, name="Susan Baxter", relationship="daughter", by_phone=True
    )
    url = reverse("residents:person_edit", args=[world.home.slug, world.resident.pk, person.pk])
    base = {"name": "Susan Baxter", "relationship": "daughter", "ways": ["by_phone"], "is_active": "on"}
    second = race(staff, manager, url, {**base, "phone": "01632 960123"}, {**base, "phone": "01632 960999"})
    assert CONFLICT in main_text(second)
    assert "01632 960123" in conflict_box(second)
    person.refresh_from_db()
    assert person.phone == "01632 960123"


# --- Resident details, a space, visiting information, a restriction -----------------


@pytest.fixture
def two_managers(world, client_for):
    """Pages only a manager may change: the world's manager and a second one."""
    other = MembershipFactory(home=world.home, role=Role.MANAGER, user__full_name="Grace Mensah")
    return client_for(other), client_for(world.manager)


def textarea(response, name):
    match = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', response.content.decode(), re.S)
    assert match, f"no {name} box on the page"
    return match.group(1).strip()


def input_value(response, name):
    match = re.search(rf'<input type="text" name="{name}" value="([^"]*)"', response.content.decode())
    assert match, f"no {name} input on the page"
    return match.group(1)


def test_resident_details(world, two):
    staff, manager = two
    resident = world.resident
    url = reverse("residents:edit", args=[world.home.slug, resident.pk])
    base = {
        "full_name": resident.full_name,
        "preferred_name": resident.preferred_name,
        "date_of_birth": "",
        "unit": "",
        "status": resident.status,
    }
    second = race(staff, manager, url, {**base, "room": "12A"}, {**base, "room": "14B"})

    assert second.status_code == 200
    assert f"Aisha Bello {CONFLICT}" in main_text(second)
    box = conflict_box(second)
    assert "Room" in box and "12A" in box and "14B" in box  # saved now, next to theirs
    assert "Peggy" not in box  # only the fields that differ
    assert input_value(second, "room") == "14B"  # their own text is kept
    resident.refresh_from_db()
    assert resident.room == "12A"  # nothing of the first is lost


def test_space(world, two_managers):
    grace, ruth = two_managers
    space = world.space
    url = reverse("homes:space_edit", args=[world.home.slug, space.pk])
    base = {
        "name": space.name,
        "kind": space.kind,
        "capacity": space.capacity,
        "bookable": "on",
        "opens_at": space.opens_at.strftime("%H:%M"),
        "closes_at": space.closes_at.strftime("%H:%M"),
        "buffer_minutes": space.buffer_minutes,
        "is_active": "on",
    }
    second = race(
        grace,
        ruth,
        url,
        {**base, "description": "Looks over the garden."},
        {**base, "description": "A piano and comfy chairs."},
    )

    assert second.status_code == 200
    assert f"Grace Mensah {CONFLICT}" in main_text(second)
    box = conflict_box(second)
    assert "Looks over the garden." in box and "A piano and comfy chairs." in box
    assert "Garden room" not in box
    assert textarea(second, "description") == "A piano and comfy chairs."
    space.refresh_from_db()
    assert space.description == "Looks over the garden."


def test_visiting_information(world, two_managers):
    grace, ruth = two_managers
    info = VisitingInfoFactory(home=world.home, welcome="Visiting is your right.")
    url = reverse("visits:info_edit", args=[world.home.slug])
    base = {name: getattr(info, name) for name in INFO_FIELDS}
    second = race(
        grace,
        ruth,
        url,
        {**base, "parking": "Park on Mill Lane; the car park is being resurfaced."},
        {**base, "parking": "Free car park at the front."},
    )

    assert second.status_code == 200
    assert f"Grace Mensah {CONFLICT}" in main_text(second)
    box = conflict_box(second)
    assert "Park on Mill Lane; the car park is being resurfaced." in box
    assert "Free car park at the front." in box
    assert "Visiting is your right." not in box
    assert textarea(second, "parking") == "Free car park at the front."
    info.refresh_from_db()
    assert info.parking == "Park on Mill Lane; the car park is being resurfaced."
    assert info.welcome == "Visiting is your right."


def _restriction_race(world, first, second, first_post, second_post):
    """Both open the restriction's page; ``first`` posts a form, then ``second``
    posts one. ``*_post`` are (form name, data). Returns the second's response."""
    restriction = VisitRestrictionFactory(resident=world.resident)
    page = reverse("visits:restriction_detail", args=[world.home.slug, restriction.pk])
    opened = [first.get(page), second.get(page)]
    assert [r.status_code for r in opened] == [200, 200]
    versions = [hidden(r, "version") for r in opened]
    assert versions[0] == versions[1]
    for client, version, (form, data) in (
        (first, versions[0], first_post),
        (second, versions[1], second_post),
    ):
        response = client.post(
            reverse(f"visits:restriction_{form}", args=[world.home.slug, restriction.pk]),
            {**data, "version": version},
        )
        if client is first:
            assert response.status_code == 302, main_text(response)
    restriction.refresh_from_db()
    return restriction, response


def test_two_reviews_of_a_restriction(world, two_managers):
    grace, ruth = two_managers
    today = timezone.localdate()
    theirs = (today + timedelta(days=2)).isoformat()
    restriction, second = _restriction_race(
        world,
        grace,
        ruth,
        ("review", {"reviewed_on": today, "outcome": "Two cases left. Continue.", "next_review_on": theirs}),
        (
            "review",
            {
                "reviewed_on": today,
                "outcome": "No new cases since Monday.",
                "next_review_on": (today + timedelta(days=5)).isoformat(),
            },
        ),
    )

    assert second.status_code == 200
    assert f"Grace Mensah {CONFLICT}" in main_text(second)
    box = conflict_box(second)
    assert "Next review" in box
    assert (today + timedelta(days=2)).strftime("%-d %B %Y") in box  # what is saved now
    assert (today + timedelta(days=5)).strftime("%-d %B %Y") in box  # theirs
    assert textarea(second, "outcome") == "No new cases since Monday."
    assert restriction.next_review_on == today + timedelta(days=2)
    assert [r.outcome for r in restriction.reviews.all()] == ["Two cases left. Continue."]


def test_ending_a_restriction_just_reviewed(world, two_managers):
    grace, ruth = two_managers
    today = timezone.localdate()
    restriction, second = _restriction_race(
        world,
        grace,
        ruth,
        (
            "review",
            {
                "reviewed_on": today,
                "outcome": "Two cases left. Continue.",
                "next_review_on": (today + timedelta(days=2)).isoformat(),
            },
        ),
        ("end", {"ended_on": today.isoformat(), "end_note": "Outbreak over; visiting as normal."}),
    )

    assert second.status_code == 200
    assert f"Grace Mensah {CONFLICT}" in main_text(second)
    assert "Outbreak over; visiting as normal." in conflict_box(second)
    assert input_value(second, "end_note") == "Outbreak over; visiting as normal."
    assert restriction.ended_on is None  # not ended behind the review's back
    assert restriction.next_review_on == today + timedelta(days=2)
    assert [r.outcome for r in restriction.reviews.all()] == ["Two cases left. Continue."]
