"""Demo plans: every resident gets a believable, varied plan; running the
seed twice adds nothing; a thousand residents take seconds."""

import random
from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from homes.models import Role
from homes.tests.factories import HomeFactory, MembershipFactory
from residents.demo import plans as demo
from residents.models import PersonalPlan, PersonWhoMatters, PlanReview, Resident
from residents.selectors.plans import plan_changes

TODAY = date(2026, 11, 20)


def _residents(home, count, key_worker):
    firsts = ["Margaret", "George", "Gurdeep", "Krystyna", "Doris", "Arthur", "Jean", "Ronald"]
    surnames = ["Baxter", "Evans", "Singh", "Kowalski", "Hughes", "O'Brien"]
    Resident.objects.bulk_create(
        [
            Resident(
                home=home,
                full_name=f"{firsts[n % len(firsts)]} {surnames[n % len(surnames)]} {n}",
                admitted_on=TODAY - timedelta(days=10 + (n * 37) % 2000),
                key_worker=key_worker,
            )
            for n in range(count)
        ]
    )
    return list(Resident.objects.for_home(home).order_by("id"))


def _seed(home, residents, staff):
    demo.seed(home=home, residents=residents, staff=staff, today=TODAY, rng=random.Random(home.slug))


def test_every_resident_gets_a_varied_believable_plan_once(db):
    home = HomeFactory()
    staff = MembershipFactory(home=home, role=Role.STAFF).user
    residents = _residents(home, 30, staff)
    _seed(home, residents, [staff])

    plans = list(PersonalPlan.objects.for_home(home).prefetch_related("interests"))
    assert len(plans) == 30
    assert all(p.what_matters and p.about_me.startswith(("I ", "My ")) and p.former_occupation for p in plans)
    assert len({p.about_me for p in plans}) == 30
    assert len({p.what_matters for p in plans}) > 20
    assert all(2 <= p.interests.count() <= 5 for p in plans)
    assert {p.video_calls for p in plans} == set(PersonalPlan.VideoCalls.values)
    assert any("Punjabi" in p.language for p in plans) and any("Polish" in p.language for p in plans)
    assert any(p.anxious_going_out for p in plans) and any(not p.anxious_going_out for p in plans)

    people = list(PersonWhoMatters.objects.for_home(home))
    per_resident = {}
    for person in people:
        per_resident.setdefault(person.resident_id, []).append(person)
    assert set(per_resident) == {r.pk for r in residents}
    assert all(
        1 <= len([p for p in ps if p.relationship != "great-granddaughter"]) <= 4
        for ps in per_resident.values()
    )
    assert all(p.phone.startswith(("01632 960", "07700 900")) for p in people if p.phone)
    assert all(p.email.endswith("@example.com") for p in people if p.email)
    supporters = {p.resident_id for p in people if p.essential_care_supporter}
    assert 4 <= len(supporters) <= 18

    reviews = list(PlanReview.objects.for_home(home).select_related("plan"))
    assert len(reviews) >= 15
    assert any(r.plan.review_due_on < TODAY for r in reviews), "some reviews should be overdue"
    assert any(r.plan.review_due_on >= TODAY for r in reviews)
    for review in reviews:
        assert review.plan.resident.admitted_on <= review.reviewed_on <= TODAY
    changed = 0
    for review in reviews:
        plan = review.plan
        everyone = list(PersonWhoMatters.objects.filter(resident_id=plan.resident_id))
        if plan_changes(plan, review, interests=list(plan.interests.all()), people=everyone):
            changed += 1
    assert changed >= len(reviews) // 2, "what changed since the last review should show something"

    # Running it again adds nothing.
    counts = (PersonalPlan.objects.count(), PersonWhoMatters.objects.count(), PlanReview.objects.count())
    _seed(home, residents, [staff])
    assert counts == (
        PersonalPlan.objects.count(),
        PersonWhoMatters.objects.count(),
        PlanReview.objects.count(),
    )


def test_a_thousand_residents_take_a_few_queries(db):
    home = HomeFactory()
    staff = MembershipFactory(home=home, role=Role.MANAGER).user
    residents = _residents(home, 1000, staff)
    with CaptureQueriesContext(connection) as ctx:
        _seed(home, residents, [staff])
    assert PersonalPlan.objects.for_home(home).count() == 1000
    assert len(ctx.captured_queries) < 40
