"""The personal plan page: the whole plan on one screen, the review box, what
changed since the last review, printing, and who may see it."""

import re
from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from homes.models import Interest
from residents.models import PersonalPlan
from residents.selectors.plans import plan_snapshot
from residents.services.plans import long_date
from residents.tests.factories import (
    PersonalPlanFactory,
    PersonWhoMattersFactory,
    PlanReviewFactory,
    ResidentFactory,
)
from tests.html import main_text, text_of


def section_text(response, slug):
    """The words of one part of the plan page (``<section aria-labelledby="plan-<slug>">``)."""
    page = response.content.decode()
    found = re.search(rf'<section[^>]*aria-labelledby="plan-{slug}"[^>]*>(.*?)</section>', page, re.S)
    assert found, f"no section plan-{slug}"
    return text_of(found.group(1))


def plan_url(world, resident=None):
    return reverse("residents:plan", args=[world.home.slug, (resident or world.resident).pk])


@pytest.fixture
def full_plan(world):
    plan = PersonalPlanFactory(
        resident=world.resident,
        what_matters="My garden, my cat Smudge and a proper cup of tea.",
        about_me="I was a bus conductor in Leeds for thirty years.",
        hearing="Hearing aid in the left ear.",
        language="English and Welsh",
        video_calls=PersonalPlan.VideoCalls.WITH_SUPPORT,
        own_devices="A big-button mobile",
        former_occupation="Bus conductor",
        places="Leeds; Whitby every summer",
        goals="Get to the allotment again.",
        anxious_going_out="Go with someone she knows.",
        review_due_on=timezone.localdate() + timedelta(days=60),
    )
    plan.interests.set(Interest.objects.filter(name__in=["Gardening", "Cats", "Bowls"]))
    PersonWhoMattersFactory(
        resident=world.resident,
        name="Susan Baxter",
        relationship="daughter",
        phone="01632 960123",
        email="susan@example.com",
        by_visit=True,
        by_phone=True,
        essential_care_supporter=True,
    )
    PersonWhoMattersFactory(
        resident=world.resident, name="Old Neighbour", relationship="neighbour", is_active=False
    )
    return plan


def test_staff_read_the_whole_plan_on_one_page(world, client_for, full_plan):
    response = client_for(world.staff).get(plan_url(world))
    assert response.status_code == 200
    text = main_text(response)
    assert "Margaret Baxter (Peggy)" in text
    assert "My garden, my cat Smudge" in section_text(response, "matters")
    assert "I was a bus conductor in Leeds" in section_text(response, "story")
    communication = section_text(response, "communication")
    assert "Hearing Hearing aid in the left ear." in communication
    assert "Language English and Welsh" in communication
    assert "Not written yet: sight, speech and understanding" in communication
    people = section_text(response, "people")
    assert "Susan Baxter Daughter Essential care supporter" in people
    assert "Keeps in touch by Visits, phone calls" in people
    assert "Would like contact Every week" in people
    assert "01632 960123" in people and "susan@example.com" in people
    assert "No longer in touch Old Neighbour (neighbour)" in people
    technology = section_text(response, "technology")
    assert "Video calls Welcome with support" in technology
    assert "Own devices A big-button mobile" in technology
    interests = section_text(response, "interests")
    assert "Bowls Cats Gardening" in interests
    assert "Former occupation Bus conductor" in interests
    goals = section_text(response, "goals")
    assert "Get to the allotment again." in goals and "Go with someone she knows." in goals
    assert "data-print" in response.content.decode()
    assert "Print this plan" in text


def test_a_plan_nobody_has_written_yet_still_opens_with_kind_prompts(world, client_for):
    assert not PersonalPlan.objects.filter(resident=world.resident).exists()
    response = client_for(world.staff).get(plan_url(world))
    assert response.status_code == 200
    assert "Not written yet — add what matters to Peggy" in section_text(response, "matters")
    assert "Not written yet — add someone who matters to Peggy" in section_text(response, "people")
    edit = reverse("residents:plan_edit", args=[world.home.slug, world.resident.pk, "matters"])
    assert f'href="{edit}"' in response.content.decode()
    assert "has not been reviewed yet" in section_text(response, "review")
    assert "Record a review" in section_text(response, "review")
    # Opening the page creates nothing.
    assert not PersonalPlan.objects.filter(resident=world.resident).exists()


def test_the_review_box_shows_who_took_part_and_an_overdue_review(world, client_for, full_plan):
    today = timezone.localdate()
    full_plan.review_due_on = today - timedelta(days=21)
    full_plan.save()
    PlanReviewFactory(
        plan=full_plan,
        reviewed_on=today - timedelta(days=200),
        relatives_took_part="Susan Baxter",
        notes="Try a video call with her grandson once a month.",
        snapshot={},
    )
    review = section_text(client_for(world.staff).get(plan_url(world)), "review")
    assert f"Last reviewed on {long_date(today - timedelta(days=200))}" in review
    assert "Who took part: Peggy Key worker Susan Baxter" in review
    assert "What was agreed Try a video call" in review
    assert "Overdue by 3 weeks" in review


def test_what_changed_since_the_last_review(world, client_for, full_plan):
    review_day = timezone.localdate() - timedelta(days=30)
    PlanReviewFactory(
        plan=full_plan,
        reviewed_on=review_day,
        snapshot={
            "what_matters": full_plan.what_matters,
            "language": "English",
            "video_calls": "not_for_me",
            "interests": ["Bowls", "Gardening", "Golf"],
            "people": ["Old Neighbour (neighbour)", "Susan Baxter (daughter)"],
        },
    )
    PersonWhoMattersFactory(resident=world.resident, name="Tom Baxter", relationship="grandson")
    response = client_for(world.staff).get(plan_url(world))
    changes = section_text(response, "changes")
    assert "What matters to me" not in changes  # unchanged
    assert "Language Before English Now English and Welsh" in changes
    assert "Video calls Before Not for me (distressing) Now Welcome with support" in changes
    assert "Added Cats" in changes and "Removed Golf" in changes
    assert "People who matter Added Tom Baxter (grandson) Removed Old Neighbour (neighbour)" in changes


def test_nothing_changed_since_the_review(world, client_for, full_plan):
    snapshot = plan_snapshot(
        full_plan, interests=full_plan.interests.all(), people=list(world.resident.people.all())
    )
    PlanReviewFactory(plan=full_plan, reviewed_on=date(2026, 1, 5), snapshot=snapshot)
    changes = section_text(client_for(world.staff).get(plan_url(world)), "changes")
    assert "Nothing has changed since the review on 5 January 2026." in changes


def test_managers_see_the_change_history_link_and_staff_do_not(world, client_for, full_plan):
    content_type = ContentType.objects.get_for_model(PersonalPlan)
    history = reverse("homes:history", args=[world.home.slug, content_type.pk, full_plan.pk])
    # The link carries the page it came from, as the history page's way back.
    assert f'href="{history}?back=' in client_for(world.manager).get(plan_url(world)).content.decode()
    assert "Change history" not in main_text(client_for(world.staff).get(plan_url(world)))


def test_a_relative_cannot_open_the_plan_and_an_outsider_gets_404(world, client_for, full_plan):
    assert client_for(world.relative).get(plan_url(world)).status_code == 403
    assert client_for(world.volunteer).get(plan_url(world)).status_code == 403
    assert client_for(world.outsider).get(plan_url(world)).status_code == 404


def test_another_homes_resident_is_404(world, client_for):
    url = reverse("residents:plan", args=[world.home.slug, world.foreign_resident.pk])
    assert client_for(world.manager).get(url).status_code == 404


def _queries_for_plan_page(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_the_plan_page_costs_the_same_queries_with_5_or_50_people_who_matter(
    world, client_for, role, settings
):
    settings.KITH_FRAGMENT_CACHE = False  # the page's own queries, every time
    small, large = world.resident, ResidentFactory(home=world.home, full_name="Harold Large")
    for resident, count in ((small, 5), (large, 50)):
        plan = PersonalPlanFactory(resident=resident)
        interests = list(Interest.objects.order_by("name"))
        plan.interests.set(interests[:2] if count == 5 else interests)
        PersonWhoMattersFactory.create_batch(count, resident=resident)
        PersonWhoMattersFactory.create_batch(count // 5, resident=resident, is_active=False)
        PlanReviewFactory(plan=plan, snapshot={"interests": [], "people": []})
    client = client_for(world.member(role))
    client.get(plan_url(world, small))  # warm caches (content types, sessions)
    assert _queries_for_plan_page(client, plan_url(world, small)) == _queries_for_plan_page(
        client, plan_url(world, large)
    )


def test_the_dashboard_lists_plan_reviews_due(world, client_for):
    today = timezone.localdate()
    PersonalPlanFactory(resident=world.resident, review_due_on=today - timedelta(days=3))
    PersonalPlanFactory(resident=world.unlinked_resident, review_due_on=today + timedelta(days=5))
    PersonalPlanFactory(
        resident=ResidentFactory(home=world.home, full_name="Later Person"),
        review_due_on=today + timedelta(days=90),
    )
    PersonalPlanFactory(resident=world.foreign_resident, review_due_on=today - timedelta(days=3))
    response = client_for(world.staff).get(reverse("homes:dashboard", args=[world.home.slug]))
    text = main_text(response)
    assert "Plan reviews due 1 overdue · 1 due in the next two weeks" in text
    assert "Margaret Baxter (Peggy) — was due" in text
    assert "Arthur Hughes — due" in text
    reviews = text.split("Plan reviews due", 1)[1].split("Consent to ask about", 1)[0]
    assert "Later Person" not in reviews and "Doris" not in text  # Later Person is only asked about consent
    # Relatives don't see it.
    family = client_for(world.relative).get(reverse("homes:dashboard", args=[world.home.slug]))
    assert "Plan reviews due" not in main_text(family)
