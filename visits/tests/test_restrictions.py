"""Visiting restrictions for one resident (Anne's Law / Regulation 9A):
recording, reviewing and ending them, the home's list, the manager's overdue
panel and the calm notice a relative sees."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from carehome.errors import DomainError
from homes.models import Role
from homes.tests.factories import MembershipFactory
from residents.models import RelativeLink
from residents.tests.factories import PersonWhoMattersFactory, RelativeLinkFactory, ResidentFactory
from tests.html import field_error, main_text
from visits.models import RestrictionReview, VisitRestriction
from visits.selectors.restrictions import active_restriction, is_exempt
from visits.services.access import restriction_add, restriction_end, restriction_review_add
from visits.tests.factories import VisitRestrictionFactory

TODAY = timezone.localdate


def url(world, name, *args):
    return reverse(f"visits:{name}", args=[world.home.slug, *args])


def form_data(world, **fields):
    today = TODAY()
    data = {
        "reason": "Norovirus outbreak on the first floor; Peggy is unwell.",
        "alternatives_considered": "Visits in the garden room; window visits; video calls.",
        "people_involved": "Peggy, her daughter Linda, the GP and the home manager.",
        "starts_on": today.isoformat(),
        "expected_end_on": (today + timedelta(days=10)).isoformat(),
        "next_review_on": (today + timedelta(days=3)).isoformat(),
        "exempt_links": [RelativeLink.objects.get(membership=world.relative).pk],
        "other_exempt_visitors": "Father Michael, chaplain",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


# --- Recording -----------------------------------------------------------------------


def test_manager_records_a_restriction_with_an_exempt_relative(world, client_for):
    client = client_for(world.manager)
    response = client.post(url(world, "restriction_add", world.resident.pk), form_data(world))
    restriction = VisitRestriction.objects.get(resident=world.resident)
    assert response.status_code == 302
    assert response.url == url(world, "restriction_detail", restriction.pk)
    assert restriction.created_by == world.manager.user
    assert [link.membership for link in restriction.exempt_links.all()] == [world.relative]
    page = main_text(client.get(response.url))
    assert "Visits in the garden room" in page
    assert "Linda Baxter (daughter)" in page and "Father Michael, chaplain" in page
    assert active_restriction(world.resident) == restriction
    assert is_exempt(active_restriction(world.resident), world.relative)


def test_the_form_lists_the_residents_family_and_suggests_the_essential_care_supporter(world, client_for):
    PersonWhoMattersFactory(
        resident=world.resident, name="Linda Baxter", relationship="daughter", essential_care_supporter=True
    )
    other = MembershipFactory(home=world.home, role=Role.FAMILY, user__full_name="Someone Else")
    RelativeLinkFactory(resident=world.unlinked_resident, membership=other)
    page = main_text(client_for(world.manager).get(url(world, "restriction_add", world.resident.pk)))
    assert "Linda Baxter (daughter)" in page
    assert "The essential care supporter in Peggy's plan: Linda Baxter (daughter)" in page
    assert "Someone Else" not in page
    assert "no home-wide limits" in page


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"alternatives_considered": ""}, "alternatives_considered", "less restrictive options"),
        ({"people_involved": "  "}, "people_involved", "Say who was involved"),
        ({"reason": ""}, "reason", "Say why visiting must be restricted"),
        ({"expected_end_on": ""}, "expected_end_on", "Enter the expected end date"),
        ({"starts_on": "31/02/2026"}, "starts_on", "as a real date"),
        ({"expected_end_on": TODAY().isoformat()}, "expected_end_on", "must be after the start date"),
        (
            {"expected_end_on": (TODAY() - timedelta(days=2)).isoformat()},
            "expected_end_on",
            "must be after the start date",
        ),
        (
            {"next_review_on": (TODAY() + timedelta(days=20)).isoformat()},
            "next_review_on",
            "between the start date and the expected end date",
        ),
        (
            {
                "starts_on": (TODAY() + timedelta(days=90)).isoformat(),
                "expected_end_on": (TODAY() + timedelta(days=99)).isoformat(),
                "next_review_on": (TODAY() + timedelta(days=95)).isoformat(),
            },
            "starts_on",
            "up to 60 days ahead",
        ),
    ],
)
def test_bad_input_saves_nothing_and_says_why_next_to_the_field(world, client_for, fields, field, message):
    response = client_for(world.manager).post(
        url(world, "restriction_add", world.resident.pk), form_data(world, **fields)
    )
    assert response.status_code == 200
    assert message in field_error(response, field)
    assert not VisitRestriction.objects.exists()


def test_another_residents_family_cannot_be_made_exempt(world, client_for):
    other = MembershipFactory(home=world.home, role=Role.FAMILY)
    link = RelativeLinkFactory(resident=world.unlinked_resident, membership=other)
    response = client_for(world.manager).post(
        url(world, "restriction_add", world.resident.pk), form_data(world, exempt_links=[link.pk])
    )
    assert "this person's family and friends" in field_error(response, "exempt_links")
    assert not VisitRestriction.objects.exists()


def test_a_second_restriction_for_the_same_person_is_refused(world):
    VisitRestrictionFactory(resident=world.resident)
    with pytest.raises(DomainError, match="already has a restriction"):
        restriction_add(
            home=world.home,
            actor=world.manager.user,
            resident=world.resident,
            reason="x",
            alternatives_considered="y",
            people_involved="z",
            starts_on=TODAY(),
            expected_end_on=TODAY() + timedelta(days=2),
            next_review_on=TODAY() + timedelta(days=1),
        )


# --- Reviews and ending --------------------------------------------------------------


def test_a_review_moves_the_next_review_date(world, client_for):
    restriction = VisitRestrictionFactory(resident=world.resident, next_review_on=TODAY() - timedelta(days=1))
    client = client_for(world.manager)
    assert "The review is overdue" in main_text(client.get(url(world, "restriction_detail", restriction.pk)))
    response = client.post(
        url(world, "restriction_review", restriction.pk),
        {
            "reviewed_on": TODAY().isoformat(),
            "outcome": "Still two cases on the floor. Continue; garden visits allowed.",
            "next_review_on": (TODAY() + timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 302
    restriction.refresh_from_db()
    assert restriction.next_review_on == TODAY() + timedelta(days=3)
    review = RestrictionReview.objects.get(restriction=restriction)
    assert review.reviewed_by == world.manager.user
    page = main_text(client.get(url(world, "restriction_detail", restriction.pk)))
    assert "garden visits allowed" in page and "The review is overdue" not in page


def test_a_review_can_extend_the_expected_end(world):
    restriction = VisitRestrictionFactory(resident=world.resident)
    restriction_review_add(
        home=world.home,
        actor=world.manager.user,
        restriction=restriction,
        reviewed_on=TODAY(),
        outcome="Continue for another fortnight.",
        next_review_on=TODAY() + timedelta(days=12),
        expected_end_on=TODAY() + timedelta(days=14),
    )
    restriction.refresh_from_db()
    assert restriction.expected_end_on == TODAY() + timedelta(days=14)


def test_bad_review_saves_nothing(world, client_for):
    restriction = VisitRestrictionFactory(resident=world.resident)
    response = client_for(world.manager).post(
        url(world, "restriction_review", restriction.pk),
        {"reviewed_on": TODAY().isoformat(), "outcome": "", "next_review_on": TODAY().isoformat()},
    )
    assert response.status_code == 200
    assert "Say what the review decided" in field_error(response, "outcome")
    response = client_for(world.manager).post(
        url(world, "restriction_review", restriction.pk),
        {"reviewed_on": TODAY().isoformat(), "outcome": "Fine", "next_review_on": TODAY().isoformat()},
    )
    assert "after this review" in field_error(response, "next_review_on")
    assert not RestrictionReview.objects.exists()


def test_ending_a_restriction(world, client_for):
    restriction = VisitRestrictionFactory(resident=world.resident, starts_on=TODAY() - timedelta(days=3))
    client = client_for(world.manager)
    response = client.post(
        url(world, "restriction_end", restriction.pk), {"ended_on": (TODAY() + timedelta(days=1)).isoformat()}
    )
    assert "cannot be in the future" in field_error(response, "ended_on")
    response = client.post(
        url(world, "restriction_end", restriction.pk),
        {"ended_on": TODAY().isoformat(), "end_note": "All clear."},
    )
    assert response.status_code == 302
    restriction.refresh_from_db()
    assert restriction.ended_on == TODAY() and restriction.end_note == "All clear."
    assert active_restriction(world.resident) is None
    with pytest.raises(DomainError, match="already ended"):
        restriction_end(home=world.home, actor=world.manager.user, restriction=restriction, ended_on=TODAY())


# --- The list, roles, queries --------------------------------------------------------


def test_home_list_highlights_overdue_reviews_and_says_there_are_no_home_wide_limits(world, client_for):
    VisitRestrictionFactory(
        resident=world.resident,
        starts_on=TODAY() - timedelta(days=10),
        next_review_on=TODAY() - timedelta(days=2),
        expected_end_on=TODAY() + timedelta(days=5),
    )
    page = main_text(client_for(world.manager).get(url(world, "restrictions")))
    assert "no home-wide limits" in page
    assert f"Review overdue since {(TODAY() - timedelta(days=2)):%-d %b}" in page


def test_choosing_a_resident_on_the_list_opens_the_form(world, client_for):
    response = client_for(world.manager).get(url(world, "restrictions"), {"resident": world.resident.pk})
    assert response.url == url(world, "restriction_add", world.resident.pk)
    response = client_for(world.manager).get(
        url(world, "restrictions"), {"resident": world.foreign_resident.pk}
    )
    assert response.status_code == 200 and "Choose a resident from the list" in main_text(response)


@pytest.mark.parametrize("role", ["staff", "champion", "volunteer", "family"])
def test_only_managers_reach_restriction_pages(world, client_for, role):
    restriction = VisitRestrictionFactory(resident=world.resident)
    client = client_for(world.member(role))
    assert client.get(url(world, "restrictions")).status_code == 403
    assert client.get(url(world, "restriction_detail", restriction.pk)).status_code == 403
    assert client.get(url(world, "restriction_add", world.resident.pk)).status_code == 403


def test_another_homes_restriction_is_404(world, client_for):
    foreign = VisitRestrictionFactory(resident=world.foreign_resident)
    client = client_for(world.manager)
    assert client.get(url(world, "restriction_detail", foreign.pk)).status_code == 404
    assert client.get(url(world, "restriction_add", world.foreign_resident.pk)).status_code == 404
    assert client.post(url(world, "restriction_end", foreign.pk), {"ended_on": TODAY()}).status_code == 404
    assert client_for(world.outsider).get(url(world, "restrictions")).status_code == 404


def test_list_and_detail_queries_are_constant(world, client_for):
    client = client_for(world.manager)
    restriction = VisitRestrictionFactory(resident=world.resident)

    def count(n):
        for _ in range(n):
            VisitRestrictionFactory(resident=ResidentFactory(home=world.home))
            link = RelativeLinkFactory(
                resident=world.resident, membership=MembershipFactory(home=world.home, role=Role.FAMILY)
            )
            restriction.exempt_links.add(link)
            RestrictionReview.objects.create(
                home=world.home,
                restriction=restriction,
                reviewed_on=TODAY(),
                outcome="Continue",
                reviewed_by=world.manager.user,
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(world, "restrictions")).status_code == 200
            assert client.get(url(world, "restriction_detail", restriction.pk)).status_code == 200
            assert client.get(url(world, "restriction_add", world.resident.pk)).status_code == 200
        return len(queries)

    assert count(5) == count(45)


# --- Dashboard panels ----------------------------------------------------------------


def test_manager_dashboard_shows_overdue_reviews(world, client_for):
    VisitRestrictionFactory(
        resident=world.resident,
        starts_on=TODAY() - timedelta(days=20),
        next_review_on=TODAY() - timedelta(days=4),
        expected_end_on=TODAY() + timedelta(days=5),
    )
    page = main_text(client_for(world.manager).get(reverse("homes:dashboard", args=[world.home.slug])))
    assert f"Review overdue since {(TODAY() - timedelta(days=4)):%-d %b}" in page


def test_an_exempt_relative_is_told_they_can_still_visit(world, client_for):
    restriction = VisitRestrictionFactory(
        resident=world.resident, expected_end_on=TODAY() + timedelta(days=6)
    )
    dashboard = reverse("homes:dashboard", args=[world.home.slug])
    page = main_text(client_for(world.relative).get(dashboard))
    assert f"expected to end on {(TODAY() + timedelta(days=6)):%-d %B %Y}" in page
    assert "essential care supporter" not in page
    restriction.exempt_links.add(RelativeLink.objects.get(membership=world.relative))
    page = main_text(client_for(world.relative).get(dashboard))
    assert "You are listed as an essential care supporter, so you can still visit and book." in page


def test_a_relative_sees_no_notice_for_residents_they_do_not_follow(world, client_for):
    VisitRestrictionFactory(resident=world.unlinked_resident)
    link = RelativeLink.objects.get(membership=world.relative)
    VisitRestrictionFactory(resident=world.resident)
    RelativeLink.objects.filter(pk=link.pk).update(status=RelativeLink.Status.PAUSED)
    page = main_text(client_for(world.relative).get(reverse("homes:dashboard", args=[world.home.slug])))
    assert "restricted" not in page


def test_is_exempt_and_active_restriction_keep_their_behaviour(world):
    future = VisitRestrictionFactory(
        resident=world.resident,
        starts_on=TODAY() + timedelta(days=2),
        expected_end_on=TODAY() + timedelta(days=9),
        next_review_on=TODAY() + timedelta(days=4),
    )
    assert active_restriction(world.resident) is None
    assert active_restriction(world.resident, on=TODAY() + timedelta(days=3)) == future
    assert not is_exempt(future, world.relative)
