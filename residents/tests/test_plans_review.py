"""Recording a review of the plan: who took part, what was agreed, the next
review date, and a snapshot that shows what changes afterwards."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from carehome.errors import DomainError
from homes.models import Interest
from residents.models import PersonalPlan, PlanReview
from residents.services.plans import plan_review_record
from residents.tests.factories import PersonalPlanFactory, PersonWhoMattersFactory
from tests.html import field_error, main_text


def review_url(world, resident=None):
    return reverse("residents:plan_review", args=[world.home.slug, (resident or world.resident).pk])


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def people(world):
    return {
        "susan": PersonWhoMattersFactory(
            resident=world.resident, name="Susan Baxter", relationship="daughter"
        ),
        "tom": PersonWhoMattersFactory(resident=world.resident, name="Tom Baxter", relationship="grandson"),
        "gone": PersonWhoMattersFactory(
            resident=world.resident, name="Old Friend", relationship="friend", is_active=False
        ),
    }


def review_data(today, **fields):
    data = {
        "reviewed_on": today.isoformat(),
        "resident_took_part": "on",
        "key_worker_took_part": "on",
        "relatives_other": "",
        "others_took_part": "Advocate",
        "notes": "Try a video call with Tom once a month.",
        "review_due_on": (today + timedelta(days=180)).isoformat(),
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_staff_record_a_review_with_who_took_part(world, client_for, people, today):
    plan = PersonalPlanFactory(resident=world.resident, what_matters="Tea.", language="English")
    plan.interests.set(Interest.objects.filter(name__in=["Golf", "Bowls"]))
    client = client_for(world.staff)
    form = client.get(review_url(world))
    assert form.status_code == 200
    page = form.content.decode()
    assert "Susan Baxter (daughter)" in page and "Tom Baxter (grandson)" in page
    assert "Old Friend" not in page  # no longer in touch

    response = client.post(
        review_url(world), review_data(today, people=[people["susan"].pk], relatives_other="Cousin Jean")
    )
    assert response.status_code == 302
    assert response.url.endswith("#plan-review")
    review = PlanReview.objects.get()
    assert review.home == world.home and review.plan == plan
    assert review.reviewed_on == today and review.reviewed_by == world.staff.user
    assert review.relatives_took_part == "Susan Baxter, Cousin Jean"
    assert review.others_took_part == "Advocate"
    assert review.snapshot["what_matters"] == "Tea."
    assert review.snapshot["interests"] == ["Bowls", "Golf"]
    assert review.snapshot["people"] == ["Susan Baxter (daughter)", "Tom Baxter (grandson)"]
    assert set(PersonalPlan.SNAPSHOT_FIELDS) <= set(review.snapshot)
    plan.refresh_from_db()
    assert plan.review_due_on == today + timedelta(days=180)

    text = main_text(client.get(response.url))
    assert "The review on" in text and "was recorded" in text
    assert "Who took part: Peggy Key worker Susan Baxter, Cousin Jean Advocate" in text
    assert "Nothing has changed since the review" in text


def test_what_changed_shows_edits_made_after_the_review(world, client_for, people, today):
    PersonalPlanFactory(resident=world.resident, language="English")
    client = client_for(world.staff)
    client.post(review_url(world), review_data(today))
    client.post(
        reverse("residents:plan_edit", args=[world.home.slug, world.resident.pk, "communication"]),
        {"language": "English and Welsh"},
    )
    people["tom"].is_active = False
    people["tom"].save()
    text = main_text(client.get(reverse("residents:plan", args=[world.home.slug, world.resident.pk])))
    assert "How I like to communicate Language Before English Now English and Welsh" in text
    assert "People who matter Removed Tom Baxter (grandson)" in text


def test_reviewing_a_plan_nobody_has_written_starts_it(world, client_for, today):
    response = client_for(world.staff).post(review_url(world), review_data(today))
    assert response.status_code == 302
    plan = PersonalPlan.objects.get(resident=world.resident)
    assert plan.reviews.count() == 1
    assert plan.review_due_on == today + timedelta(days=180)


def test_without_people_who_matter_the_form_offers_free_text(world, client_for):
    page = client_for(world.staff).get(review_url(world)).content.decode()
    assert 'name="people"' not in page
    assert "Relatives or friends who took part (optional)" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reviewed_on": ""}, "reviewed_on", "Enter the date of the review, like 12/11/2026."),
        ({"reviewed_on": "31/02/2026"}, "reviewed_on", "Enter a real date"),
        ("tomorrow", "reviewed_on", "can't be in the future"),
        ({"reviewed_on": "2024-02-01"}, "reviewed_on", "can't be before Peggy moved in (1 March 2024)"),
        ({"review_due_on": ""}, "review_due_on", "Enter when the next review is due"),
        ("due_same_day", "review_due_on", "The next review must be after this one."),
        ("due_in_13_months", "review_due_on", "within 12 months"),
        ({"people": ["999999"]}, "people", "Choose people from Peggy's list."),
        ({"notes": "x" * 4001}, "notes", "keep it to 4000 characters"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(  # noqa: PLR0917
    world, client_for, people, today, changes, field, message
):
    plan = PersonalPlanFactory(resident=world.resident)
    if changes == "tomorrow":
        changes = {"reviewed_on": (today + timedelta(days=1)).isoformat()}
    elif changes == "due_same_day":
        changes = {"review_due_on": today.isoformat()}
    elif changes == "due_in_13_months":
        changes = {"review_due_on": (today + timedelta(days=400)).isoformat()}
    response = client_for(world.staff).post(review_url(world), review_data(today, **changes))
    assert response.status_code == 200
    assert message in field_error(response, field)
    assert not PlanReview.objects.exists()
    plan.refresh_from_db()
    assert plan.review_due_on is None


def test_a_person_of_another_resident_cannot_be_smuggled_in(world, client_for, people, today):
    arthurs = PersonWhoMattersFactory(resident=world.unlinked_resident)
    response = client_for(world.staff).post(review_url(world), review_data(today, people=[arthurs.pk]))
    assert "Choose people from Peggy's list." in field_error(response, "people")
    assert not PlanReview.objects.exists()


def test_roles_and_other_homes(world, client_for, today):
    assert client_for(world.relative).get(review_url(world)).status_code == 403
    assert client_for(world.relative).post(review_url(world), review_data(today)).status_code == 403
    assert client_for(world.outsider).post(review_url(world), review_data(today)).status_code == 404
    foreign = review_url(world, world.foreign_resident)
    assert client_for(world.manager).post(foreign, review_data(today)).status_code == 404
    assert not PlanReview.objects.exists()


# --- The service, called directly ---------------------------------------------


def _record(world, today, **kwargs):
    args = {
        "home": world.home,
        "actor": world.staff.user,
        "resident": world.resident,
        "today": today,
        "reviewed_on": today,
        "review_due_on": today + timedelta(days=90),
    }
    args.update(kwargs)
    return plan_review_record(**args)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"reviewed_on": date(2030, 1, 1)}, "reviewed_on"),
        ({"reviewed_on": date(2020, 1, 1)}, "reviewed_on"),
        ({"review_due_on": None}, "review_due_on"),
        ({"review_due_on": date(2000, 1, 1)}, "review_due_on"),
        ({"relatives_other": "x" * 301}, "relatives_other"),
    ],
)
def test_the_service_checks_the_rules_itself(world, today, kwargs, field):
    with pytest.raises(DomainError) as raised:
        _record(world, today, **kwargs)
    assert raised.value.field == field
    assert not PlanReview.objects.exists()
    assert not PersonalPlan.objects.exists()


def test_the_service_refuses_people_of_another_resident(world, today):
    arthurs = PersonWhoMattersFactory(resident=world.unlinked_resident)
    with pytest.raises(DomainError) as raised:
        _record(world, today, people=[arthurs])
    assert raised.value.field == "people"


def test_a_review_on_29_february_may_be_due_a_year_later(world, today):
    world.resident.admitted_on = date(2023, 1, 1)
    review = _record(world, date(2024, 3, 1), reviewed_on=date(2024, 2, 29), review_due_on=date(2025, 2, 28))
    assert review.plan.review_due_on == date(2025, 2, 28)
    with pytest.raises(DomainError):
        _record(world, date(2024, 3, 1), reviewed_on=date(2024, 2, 29), review_due_on=date(2025, 3, 1))
