"""The outcomes dashboard, the self-evaluations and the improvement plan, as
the manager, the connection champion, a relative and a volunteer use them."""

import re
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from evaluation.models import Evaluation, EvidenceNote, ImprovementAction, Rating
from evaluation.tasks import refresh_recent_figures
from evaluation.tests.factories import action_for, evaluation_for
from homes.models import Nation
from homes.scoping import home_scope
from residents.tests.factories import ConnectionParticipantFactory, ResidentFactory
from tests.html import main_text
from visits.tests.factories import VisitRestrictionFactory

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=timezone.get_current_timezone())  # a Wednesday
PAGES = [
    "evaluation:dashboard",
    "evaluation:evaluations",
    "evaluation:plan",
    "evaluation:start",
    "evaluation:action_add",
]


def url(name, w, *args):
    return reverse(name, args=[w.home.slug, *args])


def errors_next_to(response, field):
    """The error text shown under the field ``field`` (crispy's invalid-feedback)."""
    html = response.content.decode()
    found = re.search(rf'id="error_\d+_id_{field}"[^>]*>(.*?)</', html, re.S)
    return found.group(1).strip() if found else ""


@pytest.fixture
def scotland(world):
    world.home.nation = Nation.SCOTLAND
    world.home.save(update_fields=["nation"])
    return world


@pytest.mark.parametrize("role", ["relative", "volunteer"])
def test_relatives_and_volunteers_cannot_reach_any_dashboard_or_evaluation(world, client_for, role):
    made = evaluation_for(world.home)
    client = client_for(getattr(world, role))
    for name in PAGES:
        assert client.get(url(name, world)).status_code == 403, name
    assert client.get(url("evaluation:detail", world, made.pk)).status_code == 403
    nav = client.get(reverse("homes:dashboard", args=[world.home.slug])).content.decode()
    assert "Outcomes" not in nav


def test_care_staff_may_not_see_the_self_evaluation_but_the_champion_may(world, client_for):
    assert client_for(world.staff).get(url("evaluation:dashboard", world)).status_code == 403
    assert client_for(world.champion).get(url("evaluation:dashboard", world)).status_code == 200


def test_a_manager_of_another_home_gets_404_for_this_homes_evaluation(world, client_for):
    made = evaluation_for(world.home)
    outsider = client_for(world.outsider)
    assert outsider.get(url("evaluation:detail", world, made.pk)).status_code == 404
    theirs = reverse("evaluation:detail", args=[world.other_home.slug, made.pk])
    assert outsider.get(theirs).status_code == 404


def rate(client, rating, level, rationale, version=None):
    page = client.get(reverse("evaluation:rating_edit", args=[rating.home.slug, rating.pk]))
    if version is None:
        version = page.context["form"]["version"].value()
    return client.post(
        reverse("evaluation:rating_edit", args=[rating.home.slug, rating.pk]),
        {"level": level, "rationale": rationale, "version": version},
    )


@time_machine.travel(NOW, tick=False)
def test_a_manager_completes_a_self_evaluation_and_sees_it_beside_the_last(scotland, client_for):
    w = scotland
    last = evaluation_for(w.home, start=date(2026, 4, 1), end=date(2026, 6, 30), rated=4, completed=True)
    manager = client_for(w.manager)
    token = manager.get(url("evaluation:start", w)).context["form"]["form_token"].value()
    started = manager.post(
        url("evaluation:start", w),
        {
            "framework": last.framework_id,
            "period_start": "2026-07-01",
            "period_end": "2026-09-30",
            "form_token": token,
        },
    )
    made = Evaluation.objects.for_home(w.home).get(period_start=date(2026, 7, 1))
    assert started.url == url("evaluation:detail", w, made.pk)
    with home_scope(w.home):
        ratings = list(Rating.objects.for_home(w.home).filter(evaluation=made).select_related("theme"))
    first, rest = ratings[0], ratings[1:]

    # A rating with no reasons is refused next to the field, and nothing is saved.
    refused = rate(manager, first, 5, "")
    assert refused.status_code == 200
    assert "Say in a sentence or two why you gave this rating." in errors_next_to(refused, "rationale")
    first.refresh_from_db()
    assert first.level is None

    assert (
        rate(manager, first, 5, "Weekly choir with the primary school; 9 in 10 took part.").status_code == 302
    )
    # Completing with themes unrated says which, and keeps it open.
    early = manager.post(url("evaluation:complete", w, made.pk), {"summary": "Good.", "version": 1})
    assert "Rate every theme before completing" in main_text(early)
    made.refresh_from_db()
    assert made.status == Evaluation.Status.DRAFT
    for rating in rest:
        assert rate(manager, rating, 3, "Some residents are still left out.").status_code == 302
    made.refresh_from_db()
    done = manager.post(
        url("evaluation:complete", w, made.pk),
        {"summary": "Strong on family; peers next.", "version": made.version},
    )
    assert done.status_code == 302
    made.refresh_from_db()
    assert made.status == Evaluation.Status.COMPLETED

    page = main_text(manager.get(url("evaluation:detail", w, made.pk)))
    assert f"beside {last}" in page
    assert "This time: 5 Very good Last time: 4 Good (up 1)" in page
    assert "This time: 3 Adequate Last time: 4 Good (down 1)" in page
    assert "Strong on family; peers next." in page
    # Completed: kept as it was; its rating pages send the manager back.
    assert manager.get(reverse("evaluation:rating_edit", args=[w.home.slug, first.pk])).status_code == 302


@time_machine.travel(NOW, tick=False)
def test_a_rating_changed_meanwhile_is_not_overwritten(scotland, client_for):
    w = scotland
    made = evaluation_for(w.home)
    with home_scope(w.home):
        rating = Rating.objects.for_home(w.home).filter(evaluation=made).first()
    manager, champion = client_for(w.manager), client_for(w.champion)
    assert rate(champion, rating, 4, "Good: most residents see family weekly.", version=1).status_code == 302
    stale = rate(manager, rating, 6, "Excellent.", version=1)
    assert stale.status_code == 200
    assert "Saved by" in main_text(stale)
    rating.refresh_from_db()
    assert (rating.level, rating.rationale) == (4, "Good: most residents see family weekly.")


@time_machine.travel(NOW, tick=False)
def test_evidence_from_the_records_and_evidence_added_show_under_their_theme(scotland, client_for):
    w = scotland
    made = evaluation_for(w.home, start=date(2026, 10, 1), end=date(2026, 11, 17))
    ada = ResidentFactory(home=w.home, admitted_on=date(2025, 1, 1))
    when = timezone.make_aware(datetime.combine(date(2026, 11, 3), time(10)))
    ConnectionParticipantFactory(resident=ada, connection__occurred_at=when, occurred_at=when)
    manager = client_for(w.manager)
    with home_scope(w.home):
        theme = Rating.objects.for_home(w.home).filter(evaluation=made, theme__code="MC2").get().theme
    page = manager.get(url("evaluation:evidence_add", w, made.pk) + f"?theme={theme.pk}")
    token = page.context["form"]["form_token"].value()
    data = {
        "theme": theme.pk,
        "text": "Families said the new video calls help on weekdays.",
        "form_token": token,
    }
    assert manager.post(url("evaluation:evidence_add", w, made.pk), data).status_code == 302
    assert manager.post(url("evaluation:evidence_add", w, made.pk), data).status_code == 302  # sent twice
    assert EvidenceNote.objects.for_home(w.home).count() == 1
    empty = manager.post(url("evaluation:evidence_add", w, made.pk), {**data, "text": " ", "form_token": ""})
    assert "Write the evidence" in errors_next_to(empty, "text")

    detail = main_text(manager.get(url("evaluation:detail", w, made.pk)))
    assert "Families said the new video calls help on weekdays." in detail
    # One of the three residents had a meaningful connection, in the week of 2 November.
    assert "lowest 0%, highest 33%" in detail
    assert "Also evidence for this theme, added by hand" in detail


@time_machine.travel(NOW, tick=False)
def test_the_improvement_plan_keeps_actions_with_who_and_when(world, client_for):
    champion = client_for(world.champion)
    page = champion.get(url("evaluation:action_add", world))
    token = page.context["form"]["form_token"].value()
    bad = champion.post(
        url("evaluation:action_add", world),
        {"action": "", "due_on": "2031-01-01", "owner": world.outsider.user.pk, "form_token": token},
    )
    assert "Say what you will do." in errors_next_to(bad, "action")
    assert "Choose someone who works at the home." in errors_next_to(bad, "owner")
    assert not ImprovementAction.objects.for_home(world.home).exists()
    good = champion.post(
        url("evaluation:action_add", world),
        {
            "action": "Pair each new resident with a buddy in their first week.",
            "due_on": "2026-11-10",
            "owner": world.manager.user.pk,
            "form_token": token,
        },
    )
    assert good.status_code == 302
    item = ImprovementAction.objects.for_home(world.home).get()
    plan = main_text(champion.get(url("evaluation:plan", world)))
    assert "Pair each new resident with a buddy in their first week. Ruth Adeyemi 10 Nov 2026 overdue" in plan

    edit = url("evaluation:action_edit", world, item.pk)
    done = champion.post(
        edit,
        {
            "action": item.action,
            "due_on": "2026-11-10",
            "owner": world.manager.user.pk,
            "status": "done",
            "progress": "Six buddies matched.",
            "version": item.version,
        },
    )
    assert done.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.done_on) == ("done", NOW.date())
    stale = champion.post(
        edit,
        {"action": "Changed", "due_on": "2026-11-10", "status": "planned", "version": 1},
    )
    assert stale.status_code == 200
    item.refresh_from_db()
    assert item.action != "Changed"


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_shows_the_weeks_figures_and_new_records_after_a_refresh(world, client_for):
    living = [ResidentFactory(home=world.home, admitted_on=date(2025, 1, 1)) for _ in range(3)]
    manager = client_for(world.manager)
    # The world's two residents and these three: five living here, none with a connection yet.
    page = main_text(manager.get(url("evaluation:dashboard", world)))
    assert "0% of 5 residents had a meaningful connection in 7 days" in page
    when = timezone.make_aware(datetime.combine(NOW.date(), time(9)))
    for resident in living[:2]:
        ConnectionParticipantFactory(resident=resident, connection__occurred_at=when, occurred_at=when)
    refresh_recent_figures()
    page = main_text(manager.get(url("evaluation:dashboard", world)))
    assert "40% of 5 residents had a meaningful connection in 7 days" in page
    assert "3 residents had no meaningful connection" in page

    # An earlier week chosen; a week out of range (or not a date) shows this week.
    earlier = main_text(manager.get(url("evaluation:dashboard", world) + "?week=2026-10-14"))
    assert "The week of Monday 12 October" in earlier
    for odd in ["1999-01-01", "nonsense", "2026-13-45", "2027-06-01"]:
        assert "This week so far" in main_text(
            manager.get(url("evaluation:dashboard", world) + f"?week={odd}")
        )


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_charts_are_drawn_with_a_table_of_their_figures(world, client_for):
    html = client_for(world.manager).get(url("evaluation:dashboard", world)).content.decode()
    charts = [
        "chart-meaningful",
        "chart-bands",
        "chart-visits",
        "chart-activities",
        "chart-loneliness",
        "chart-waiting",
        "chart-follow-up",
        "chart-volunteering",
    ]
    assert html.count('role="img"') == len(charts)
    assert "cdn" not in html.lower()
    for title in charts:
        assert f'aria-describedby="{title}-desc"' in html
    assert html.count("<table") >= 9


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_shows_how_things_stood_each_week(world, client_for):
    resident = ResidentFactory(home=world.home, admitted_on=date(2025, 1, 1))
    VisitRestrictionFactory(
        resident=resident,
        starts_on=NOW.date() - timedelta(days=20),
        expected_end_on=NOW.date() + timedelta(days=20),
        next_review_on=NOW.date() - timedelta(days=9),
    )
    refresh_recent_figures()
    html = client_for(world.manager).get(url("evaluation:dashboard", world)).content.decode()
    table = html.split('aria-label="Reviews, partners and reminders, week by week"')[1].split("</table>")[0]
    rows = re.findall(r"<tr><th scope=\"row\">([^<]+)</th>((?:<td>[^<]*</td>)+)</tr>", table)
    assert len(rows) == 12
    cells = [re.findall(r"<td>([^<]*)</td>", r[1]) for r in rows]
    # In force and overdue last week and this; in force, not yet overdue, the week before.
    assert [c[:2] for c in cells[-3:]] == [["1", "0"], ["1", "1"], ["1", "1"]]


def test_an_overdue_action_is_counted_on_the_self_evaluations_page(world, client_for):
    action_for(world.home, due_on=timezone.localdate() - timedelta(days=3))
    page = main_text(client_for(world.manager).get(url("evaluation:evaluations", world)))
    assert "1 open action, 1 overdue" in page
