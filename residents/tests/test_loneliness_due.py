"""When the loneliness questions are due again (the home's interval), shown on
the wellbeing tab and the worklist, with a planned reminder to the key worker;
and the worklist's "no essential care supporter named" (Anne's Law)."""

import re
from datetime import timedelta

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.models import Reminder
from notifications.timing import at_local
from residents.messages import loneliness_planner, loneliness_remind_on
from residents.models import HomeConnectionSettings
from residents.selectors.worklist import worklist_for
from residents.tests.factories import LonelinessMeasureFactory, PersonWhoMattersFactory, ResidentFactory
from tests.html import main_text

KIND = "residents.loneliness_check_due"


def today():
    return timezone.localdate()


def measured(resident, days_ago):
    return LonelinessMeasureFactory(resident=resident, recorded_on=today() - timedelta(days=days_ago))


@pytest.fixture
def peggy(world):
    world.resident.key_worker = world.staff.user
    world.resident.save()
    return world.resident


# --- Next due ---------------------------------------------------------------------------


def test_the_wellbeing_tab_shows_the_next_check_from_the_homes_interval(world, client_for):
    measured(world.resident, 30)
    page_url = reverse("residents:wellbeing", args=[world.home.slug, world.resident.pk])
    page = main_text(client_for(world.staff).get(page_url))
    due = today() + timedelta(days=60)
    assert f"Next check due on {due.day} {due:%B %Y}" in page
    HomeConnectionSettings.objects.update_or_create(home=world.home, defaults={"loneliness_every_days": 28})
    page = main_text(client_for(world.staff).get(page_url))
    assert f"Next check: due since {(today() - timedelta(days=2)).day}" in page


def test_the_worklist_lists_who_is_due_with_a_link_to_record(world, client_for):
    measured(world.resident, 100)  # default 90 days: due ten days ago
    fresh = ResidentFactory(
        home=world.home, full_name="Arthur Hughes", admitted_on=today() - timedelta(days=3)
    )
    never = ResidentFactory(home=world.home, full_name="Rose Field", admitted_on=today() - timedelta(days=20))
    work = worklist_for(world.home)
    assert world.resident in work.loneliness_due and never in work.loneliness_due
    assert fresh not in work.loneliness_due
    page = client_for(world.staff).get(reverse("residents:worklist", args=[world.home.slug]))
    text = main_text(page)
    assert "Loneliness check due" in text and "Last asked: never asked" in text
    assert reverse("residents:wellbeing_add", args=[world.home.slug, never.pk]) in page.content.decode()


def test_the_interval_is_bounded_on_the_settings_page(world, client_for):
    manager_client = client_for(world.manager)
    settings_url = reverse("residents:settings", args=[world.home.slug])
    data = {
        "quiet_days": "7",
        "no_visitor_days": "28",
        "lonely_threshold": "7",
        "loneliness_every_days": "10",
    }
    response = manager_client.post(settings_url, data)
    assert response.status_code == 200
    assert "Enter a whole number of days from 14 to 365." in main_text(response)
    response = manager_client.post(settings_url, {**data, "loneliness_every_days": "60"})
    assert response.status_code == 302
    assert HomeConnectionSettings.objects.get(home=world.home).loneliness_every_days == 60


# --- The key worker's reminder --------------------------------------------------------------


def test_the_key_worker_is_reminded_at_nine_on_the_due_day_once(world, peggy):
    measured(peggy, 90)  # due today
    now = timezone.now()
    assert loneliness_planner(now) == 1
    assert loneliness_planner(now) == 0  # idempotent
    (row,) = Reminder.objects.filter(kind=KIND)
    assert row.user == world.staff.user and row.object_id == peggy.pk
    assert row.due == at_local(today(), 9)
    assert row.data == {"due_on": today().isoformat()}


def test_nothing_is_planned_before_it_is_due_or_without_a_key_worker(world, peggy):
    measured(peggy, 10)
    nobody = ResidentFactory(home=world.home, admitted_on=today() - timedelta(days=200))
    assert nobody.key_worker is None
    assert loneliness_planner(timezone.now()) == 0


def test_an_overdue_check_is_reminded_every_four_weeks_on_fixed_days():
    due_on = today() - timedelta(days=60)
    assert loneliness_remind_on(due_on, today()) == due_on + timedelta(days=56)
    assert loneliness_remind_on(due_on, today() - timedelta(days=1)) == due_on + timedelta(days=56)
    assert loneliness_remind_on(today() + timedelta(days=1), today()) == today() + timedelta(days=1)


def test_new_answers_make_the_reminder_stale(world, peggy):
    measured(peggy, 95)
    assert loneliness_planner(timezone.now()) == 1
    row = Reminder.objects.get(kind=KIND)
    assert row.kind_definition.stale(peggy, row) == ""
    measured(peggy, 0)
    assert "recorded since" in row.kind_definition.stale(peggy, row)


# --- Essential care supporter -------------------------------------------------------------


def test_the_worklist_shows_who_has_no_essential_care_supporter_with_the_link(world, client_for):
    other = ResidentFactory(home=world.home, full_name="Arthur Hughes")
    PersonWhoMattersFactory(resident=other, name="Jo Hughes", essential_care_supporter=True)
    PersonWhoMattersFactory(resident=world.resident, name="Linda Baxter", essential_care_supporter=False)
    work = worklist_for(world.home)
    assert world.resident in work.no_supporter and other not in work.no_supporter
    page = client_for(world.staff).get(reverse("residents:worklist", args=[world.home.slug]))
    assert "No essential care supporter in Peggy’s plan." in main_text(page)
    add_url = reverse("residents:person_add", args=[world.home.slug, world.resident.pk]) + "?essential=1"
    assert add_url in page.content.decode()
    form = client_for(world.staff).get(add_url).content.decode()
    assert re.search(r'<input[^>]*name="essential_care_supporter"[^>]*checked', form)


def test_the_worklist_costs_the_same_queries_however_many(world, client_for, settings):
    settings.KITH_FRAGMENT_CACHE = False  # the page's own queries, every time
    client = client_for(world.staff)
    page_url = reverse("residents:worklist", args=[world.home.slug])
    client.get(page_url)
    with CaptureQueriesContext(db_connection) as few:
        client.get(page_url)
    for n in range(6):
        resident = ResidentFactory(home=world.home, admitted_on=today() - timedelta(days=200))
        measured(resident, 120 + n)
        PersonWhoMattersFactory(resident=resident, essential_care_supporter=bool(n % 2))
    with CaptureQueriesContext(db_connection) as many:
        client.get(page_url)
    assert len(many) == len(few)
