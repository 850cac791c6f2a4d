"""Families suggest additions to a resident's plan; staff approve (added to the
plan, saying whose it was) or decline with a note the family sees."""

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from carehome.errors import DomainError
from homes.models import Interest, Role
from homes.tests.factories import MembershipFactory
from residents.models import PersonalPlan, PersonWhoMatters, RelativeLink
from residents.tests.factories import PersonalPlanFactory, RelativeLinkFactory, ResidentFactory
from tests.html import field_error, main_text
from visits.models import FamilyContribution
from visits.services.contributions import contribution_review, contribution_suggest
from visits.tests.factories import FamilyContributionFactory

Status = FamilyContribution.Status


def add_url(world, resident=None):
    return reverse("visits:contribution_add", args=[world.home.slug, (resident or world.resident).pk])


def review_url(world, contribution):
    return reverse("visits:contribution_review", args=[world.home.slug, contribution.pk])


def suggest(world, **fields):
    kwargs = {
        "home": world.home,
        "actor": world.relative.user,
        "membership": world.relative,
        "resident": world.resident,
        "kind": "about_me",
        "text": "Mum was a Land Girl in Kent.",
    }
    kwargs.update(fields)
    return contribution_suggest(**kwargs)


# --- Services -----------------------------------------------------------------------


def test_approving_about_me_appends_it_with_whose_it_was(world):
    PersonalPlanFactory(resident=world.resident, about_me="Peggy grew up in Margate.")
    contribution = suggest(world)
    contribution_review(home=world.home, actor=world.staff.user, contribution=contribution, approve=True)
    plan = PersonalPlan.objects.get(resident=world.resident)
    assert plan.about_me == (
        "Peggy grew up in Margate.\n\nMum was a Land Girl in Kent. — added by Linda Baxter (daughter)"
    )
    assert plan.updated_by == world.staff.user
    contribution.refresh_from_db()
    assert contribution.status == Status.APPROVED
    assert contribution.reviewed_by == world.staff.user
    entry = LogEntry.objects.get_for_object(plan).first()
    assert entry.actor == world.staff.user


def test_approving_creates_the_plan_if_there_is_none(world):
    contribution = suggest(world)
    contribution_review(home=world.home, actor=world.staff.user, contribution=contribution, approve=True)
    assert PersonalPlan.objects.get(resident=world.resident).about_me.endswith(
        "— added by Linda Baxter (daughter)"
    )


def test_approving_an_interest_from_the_list_and_in_words(world):
    gardening = Interest.objects.get(name="Gardening")
    listed = suggest(world, kind="interest", text="", interest=gardening)
    described = suggest(world, kind="interest", text="Loves Vera Lynn records.")
    for c in (listed, described):
        contribution_review(home=world.home, actor=world.staff.user, contribution=c, approve=True)
    plan = PersonalPlan.objects.get(resident=world.resident)
    assert list(plan.interests.all()) == [gardening]
    assert plan.interests_notes == "Loves Vera Lynn records. — added by Linda Baxter (daughter)"


def test_approving_a_person_adds_them_to_people_who_matter(world):
    contribution = suggest(
        world,
        kind="person",
        person_name="Joan Pritchard",
        person_relationship="old friend",
        text="They worked together at Woolworths.",
    )
    contribution_review(home=world.home, actor=world.staff.user, contribution=contribution, approve=True)
    person = PersonWhoMatters.objects.get(resident=world.resident)
    assert (person.name, person.relationship) == ("Joan Pritchard", "old friend")
    assert person.notes.startswith("Suggested by Linda Baxter (daughter)")


def test_declining_leaves_the_plan_alone_and_needs_a_note(world):
    contribution = suggest(world)
    with pytest.raises(DomainError) as caught:
        contribution_review(home=world.home, actor=world.staff.user, contribution=contribution, approve=False)
    assert caught.value.field == "note"
    contribution_review(
        home=world.home,
        actor=world.staff.user,
        contribution=contribution,
        approve=False,
        note="We'd love to talk about this with you when you visit.",
    )
    assert not PersonalPlan.objects.filter(resident=world.resident).exists()
    contribution.refresh_from_db()
    assert contribution.status == Status.DECLINED


def test_a_suggestion_is_answered_once(world):
    contribution = suggest(world)
    contribution_review(home=world.home, actor=world.staff.user, contribution=contribution, approve=True)
    with pytest.raises(DomainError, match="already answered"):
        contribution_review(
            home=world.home, actor=world.manager.user, contribution=contribution, approve=True
        )
    assert PersonalPlan.objects.get(resident=world.resident).about_me.count("Land Girl") == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"text": "  "}, "text"),
        ({"kind": "interest", "text": ""}, "interest"),
        ({"kind": "person", "person_name": "", "person_relationship": "friend"}, "person_name"),
        ({"kind": "person", "person_name": "Joan", "person_relationship": ""}, "person_relationship"),
        ({"kind": "recipe"}, "kind"),
        ({"text": "x" * 2001}, "text"),
    ],
)
def test_bad_suggestions_are_refused(world, fields, field):
    with pytest.raises(DomainError) as caught:
        suggest(world, **fields)
    assert caught.value.field == field
    assert not FamilyContribution.objects.exists()


def test_only_for_their_own_resident(world):
    with pytest.raises(DomainError, match="your own relative"):
        suggest(world, resident=world.unlinked_resident)
    RelativeLink.objects.filter(membership=world.relative).update(status=RelativeLink.Status.PAUSED)
    with pytest.raises(DomainError, match="your own relative"):
        suggest(world)


# --- The relative's pages ------------------------------------------------------------


def test_relative_suggests_through_the_form_and_sees_the_status(world, client_for):
    client = client_for(world.relative)
    response = client.post(add_url(world), {"kind": "about_me", "text": "Peggy sang in the church choir."})
    assert response.status_code == 302
    page = main_text(client.get(response.url))
    assert "Peggy sang in the church choir." in page
    assert "Waiting for the home" in page
    contribution = FamilyContribution.objects.get()
    contribution_review(home=world.home, actor=world.staff.user, contribution=contribution, approve=True)
    assert "Added to the plan" in main_text(client.get(add_url(world)))
    dashboard = main_text(client.get(reverse("homes:dashboard", args=[world.home.slug])))
    assert "Added to the plan" in dashboard


def test_a_declined_suggestion_shows_the_note(world, client_for):
    contribution = suggest(world)
    contribution_review(
        home=world.home,
        actor=world.staff.user,
        contribution=contribution,
        approve=False,
        note="Let's talk about this at her review.",
    )
    page = main_text(client_for(world.relative).get(add_url(world)))
    assert "Not added" in page
    assert "Let's talk about this at her review." in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "about_me", "text": ""}, "text", "Write what you would like to add to Peggy's story."),
        ({"kind": "interest"}, "interest", "Choose an interest from the list, or describe it"),
        ({"kind": "interest", "interest": "999999"}, "interest", "Choose an interest from the list."),
        ({"kind": "person", "person_relationship": "friend"}, "person_name", "Enter the person's name."),
        ({}, "kind", "Choose what you would like to add."),
    ],
)
def test_bad_suggestions_through_the_form_say_why(world, client_for, data, field, message):
    response = client_for(world.relative).post(add_url(world), data)
    assert response.status_code == 200
    assert message in field_error(response, field)
    assert not FamilyContribution.objects.exists()


def test_relative_gets_404_for_residents_not_theirs(world, client_for):
    client = client_for(world.relative)
    assert client.get(add_url(world, world.unlinked_resident)).status_code == 404
    assert (
        client.post(add_url(world, world.unlinked_resident), {"kind": "about_me", "text": "x"}).status_code
        == 404
    )
    assert client.get(add_url(world, world.foreign_resident)).status_code == 404
    assert client_for(world.staff).get(add_url(world)).status_code == 403
    assert client_for(world.outsider).get(add_url(world)).status_code == 404
    assert not FamilyContribution.objects.exists()


def test_relative_sees_only_their_own_suggestions(world, client_for):
    other = MembershipFactory(home=world.home, role=Role.FAMILY)
    RelativeLinkFactory(resident=world.resident, membership=other, relationship="son")
    FamilyContributionFactory(resident=world.resident, membership=other, text="A secret from the son.")
    assert "A secret from the son." not in main_text(client_for(world.relative).get(add_url(world)))


# --- Staff pages ---------------------------------------------------------------------


def test_staff_approve_and_it_appears_in_the_plan(world, client_for):
    contribution = suggest(world)
    client = client_for(world.staff)
    listing = main_text(client.get(reverse("visits:contributions", args=[world.home.slug])))
    assert "Linda Baxter (daughter)" in listing
    assert "Mum was a Land Girl in Kent." in listing
    response = client.post(review_url(world, contribution), {"decision": "approve", "note": ""})
    assert response.status_code == 302
    assert response.url == reverse("residents:plan", args=[world.home.slug, world.resident.pk])
    assert "added by Linda Baxter (daughter)" in main_text(client.get(response.url))


def test_declining_without_a_note_says_why(world, client_for):
    contribution = suggest(world)
    response = client_for(world.staff).post(review_url(world, contribution), {"decision": "decline"})
    assert "Say why it is not being added" in field_error(response, "note")
    contribution.refresh_from_db()
    assert contribution.status == Status.PENDING


def test_staff_dashboard_counts_pending_suggestions(world, client_for):
    suggest(world)
    text = main_text(client_for(world.staff).get(reverse("homes:dashboard", args=[world.home.slug])))
    assert "1 suggestion waiting for an answer" in text


@pytest.mark.parametrize("url_name", ["visits:contributions"])
def test_relatives_cannot_open_the_staff_list(world, client_for, url_name):
    assert client_for(world.relative).get(reverse(url_name, args=[world.home.slug])).status_code == 403
    contribution = suggest(world)
    assert client_for(world.relative).get(review_url(world, contribution)).status_code == 403


def test_another_homes_suggestion_is_404(world, client_for):
    contribution = FamilyContributionFactory(resident=world.foreign_resident, membership=world.outsider)
    assert client_for(world.manager).get(review_url(world, contribution)).status_code == 404
    assert (
        client_for(world.manager).post(review_url(world, contribution), {"decision": "approve"}).status_code
        == 404
    )


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_pages_take_the_same_queries_for_5_or_50_suggestions(world, client_for):
    staff, relative = client_for(world.staff), client_for(world.relative)
    staff_url = reverse("visits:contributions", args=[world.home.slug])
    counts = []
    for n in (5, 50):
        residents = ResidentFactory.create_batch(3, home=world.home)
        members = MembershipFactory.create_batch(3, home=world.home, role=Role.FAMILY)
        for r, m in zip(residents, members, strict=True):
            RelativeLinkFactory(resident=r, membership=m)
        FamilyContribution.objects.bulk_create(
            [
                FamilyContribution(
                    home=world.home,
                    resident=residents[i % 3],
                    membership=members[i % 3],
                    kind="about_me",
                    text=f"Memory {i}",
                )
                for i in range(n)
            ]
            + [
                FamilyContribution(
                    home=world.home,
                    resident=world.resident,
                    membership=world.relative,
                    kind="about_me",
                    text=f"Mine {i}",
                )
                for i in range(n)
            ]
        )
        counts.append((_queries(staff, staff_url), _queries(relative, add_url(world))))
    assert counts[0] == counts[1]
