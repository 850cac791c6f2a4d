"""The demo tells one story: every family account is in the plan of the
resident it follows, under the same name and relationship; links come before
regular visitor approvals (and the door code is seen only after); nobody
called Claire is anyone's son. One demo account waits for approval."""

import io
import logging
import socket
import sys

import pytest
from django.core.management import call_command

from carehome.logfilters import ClientErrorsOnOneLine
from homes.demo import email
from homes.models import Home, Membership, Role
from homes.scoping import crossing_homes
from residents.demo.admissions import FEMALE_ONLY, MALE_ONLY, gender
from residents.models import PersonWhoMatters, RelativeLink
from visits.models import DoorCodeView, VisitRestriction


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--quiet", "--i-know-this-is-not-production")
    with crossing_homes("the test reads every home's demo data"):
        yield list(Home.objects.order_by("id"))


def test_family_accounts_are_in_the_plans_under_fitting_names(demo):
    links = list(RelativeLink.objects.select_related("membership__user", "resident", "person"))
    assert len(links) == 20  # family … family8 in two homes, and the main relative's second link
    for link in links:
        name = link.membership.user.full_name
        assert PersonWhoMatters.objects.filter(
            resident=link.resident, name=name, relationship=link.relationship
        ).exists(), f"{name} ({link.relationship}) is not in {link.resident}'s plan"
        assert link.person is not None and link.person.resident_id == link.resident_id
        assert (link.person.name, link.person.relationship) == (name, link.relationship)
        assert link.person.is_active
    # The main relative is the essential care supporter of the resident under a restriction.
    for restriction in VisitRestriction.objects.prefetch_related("exempt_links__person"):
        for link in restriction.exempt_links.all():
            assert link.person.essential_care_supporter

    # Names fit gender-specific relationships (the demo's name lists know every name).
    named = [(p.name, p.relationship) for p in PersonWhoMatters.objects.all()]
    named += [
        (link.membership.user.full_name, link.relationship)
        for link in RelativeLink.objects.select_related("membership__user")
    ]
    for name, relationship in named:
        assert gender(name) is not None, f"the demo's name list does not know {name}"
        if relationship in MALE_ONLY:
            assert gender(name) == "man", f"{name} ({relationship})"
        if relationship in FEMALE_ONLY:
            assert gender(name) == "woman", f"{name} ({relationship})"
    family = Membership.objects.filter(role=Role.FAMILY).select_related("user")
    assert all(gender(m.user.full_name) for m in family)


def test_links_come_before_approvals_and_the_door_code_after(demo):
    approved = 0
    for link in RelativeLink.objects.select_related("resident"):
        assert link.created_at.date() >= link.resident.admitted_on, link
        if link.regular_visitor_approved_at is not None:
            approved += 1
            assert link.regular_visitor_approved_at >= link.created_at, link
    assert approved >= 4
    views = DoorCodeView.objects.select_related("membership").order_by("viewed_at")
    assert views.exists()
    for view in views:
        first = (
            RelativeLink.objects.filter(membership=view.membership, regular_visitor_approved_at__isnull=False)
            .order_by("regular_visitor_approved_at")
            .first()
        )
        assert first is not None and view.viewed_at >= first.regular_visitor_approved_at


def test_one_family_account_waits_for_approval_and_make_run_lists_it(demo):
    for home in demo:
        waiting = RelativeLink.objects.for_home(home).get(membership__user__email=email("family6", home.slug))
        assert waiting.status == RelativeLink.Status.ACTIVE
        assert waiting.regular_visitor_approved_at is None
        approved = RelativeLink.objects.for_home(home).get(
            membership__user__email=email("family1", home.slug)
        )
        assert approved.is_regular_visitor
        paused = RelativeLink.objects.for_home(home).get(membership__user__email=email("family8", home.slug))
        assert paused.status == RelativeLink.Status.PAUSED

    # make run prints the sign-ins on their own, once the site answers.
    out = io.StringIO()
    call_command("seed_demo", "--sign-ins", "--i-know-this-is-not-production", stdout=out)
    text = out.getvalue()
    assert "family6@rowan-house.example.com" in text and "kith-demo-2026" in text
    out = io.StringIO()
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        address = f"127.0.0.1:{server.getsockname()[1]}"
        call_command(
            "seed_demo", "--sign-ins", "--when-up", address, "--i-know-this-is-not-production", stdout=out
        )
    assert out.getvalue().rstrip().endswith(f"Kith is running at http://{address}/  (Ctrl+C to stop)")


def test_client_errors_log_one_line_and_server_errors_their_traceback():
    one_line = ClientErrorsOnOneLine()
    try:
        raise PermissionError("no")
    except PermissionError:
        exc_info = sys.exc_info()
    for status, kept in [(403, False), (404, False), (500, True)]:
        record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "x", (), exc_info)
        record.status_code = status
        assert one_line.filter(record)
        assert (record.exc_info is not None) is kept


def test_each_homes_messages_page_has_a_history_a_refusal_and_a_late_recording(demo):
    from notifications.models import Reminder  # noqa: PLC0415

    for home in demo:
        rows = Reminder.objects.filter(home=home)
        assert rows.filter(kind="visits.booked", status="sent").exists(), home
        assert rows.filter(status="failed", outcome="refused").exists(), home
        assert rows.filter(status="sent", outcome="recorded_late").exists(), home


def test_each_home_has_last_quarters_self_evaluation_and_this_ones_with_a_plan_one_action_overdue(demo):
    from django.utils import timezone

    from evaluation.models import Evaluation, ImprovementAction

    today = timezone.localdate()
    for home in demo:
        last, current = Evaluation.objects.for_home(home).order_by("period_end")
        assert last.status == Evaluation.Status.COMPLETED and current.status == Evaluation.Status.DRAFT
        assert last.framework.nation == home.nation  # Birch Court: the Care Inspectorate; Rowan House: CQC
        levels = dict(last.ratings.values_list("theme__code", "level"))
        assert None not in levels.values() and len(set(levels.values())) > 1  # different ratings
        now = dict(current.ratings.values_list("theme__code", "level"))
        assert [c for c, v in now.items() if v != levels[c]]  # this quarter differs from the last
        plan = ImprovementAction.objects.for_home(home)
        overdue = plan.filter(status__in=ImprovementAction.OPEN, due_on__lt=today)
        assert overdue.count() == 1 and plan.filter(status=ImprovementAction.Status.DONE).exists()
