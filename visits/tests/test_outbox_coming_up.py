"""The Messages page's "Coming up": each message says what it is about (the
kind's label and the visit), grouped by the day it goes, a page at a time,
in a fixed number of queries."""

import re
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from homes.tests.factories import SpaceFactory
from notifications.models import Reminder
from tests.html import main_text
from visits.tests.factories import VisitFactory


def outbox(world):
    return reverse("notifications:outbox", args=[world.home.slug])


def reminders_for(world, visits, *, due):
    """A day-before reminder to Linda for each visit, all due at ``due``."""
    visit_type = ContentType.objects.get_for_model(VisitFactory._meta.model)
    return Reminder.objects.bulk_create(
        Reminder(
            home=world.home,
            kind="visits.reminder_day_before",
            channel="email",
            recipient=f"user:{world.relative.user.pk}",
            user=world.relative.user,
            object_type=visit_type,
            object_id=visit.pk,
            due=due,
            not_before=due,
            status=Reminder.Status.PENDING,
        )
        for visit in visits
    )


def visits(world, count, *, start):
    return [
        VisitFactory(resident=world.resident, starts_at=start + timedelta(hours=2 * n)) for n in range(count)
    ]


@pytest.fixture
def tomorrow_two_pm():
    moment = timezone.localtime() + timedelta(days=1)
    return moment.replace(hour=14, minute=0, second=0, microsecond=0)


def coming_up(response):
    text = main_text(response)
    return text[text.index("Coming up") : text.index("Recently sent")]


def test_two_reminders_at_one_time_say_which_visit_they_are_about(world, client_for, tomorrow_two_pm):
    garden = SpaceFactory(home=world.home, name="Sunny garden room")
    first = VisitFactory(resident=world.resident, starts_at=tomorrow_two_pm, space=garden)
    second = VisitFactory(resident=world.resident, starts_at=tomorrow_two_pm + timedelta(days=2))
    reminders_for(world, [first, second], due=tomorrow_two_pm - timedelta(hours=20))
    text = coming_up(client_for(world.manager).get(outbox(world)))
    day = f"{tomorrow_two_pm:%a} {tomorrow_two_pm.day} {tomorrow_two_pm:%b} 14:00"
    later = tomorrow_two_pm + timedelta(days=2)
    assert f"Visit or call reminder, the day before — Peggy, {day}, Sunny garden room" in text
    assert f"Peggy, {later:%a} {later.day} {later:%b} 14:00" in text
    assert text.count("To Linda Baxter · Email") == 2


def test_messages_are_grouped_by_the_day_they_go(world, client_for, tomorrow_two_pm):
    one, two = visits(world, 2, start=tomorrow_two_pm + timedelta(days=3))
    reminders_for(world, [one], due=tomorrow_two_pm)
    reminders_for(world, [two], due=tomorrow_two_pm + timedelta(days=1))
    text = coming_up(client_for(world.manager).get(outbox(world)))
    for moment in (tomorrow_two_pm, tomorrow_two_pm + timedelta(days=1)):
        assert f"{moment:%A} {moment.day} {moment:%B %Y}" in text


def test_coming_up_is_paged_fifty_at_a_time(world, client_for, tomorrow_two_pm):
    reminders_for(world, visits(world, 60, start=tomorrow_two_pm + timedelta(days=2)), due=tomorrow_two_pm)
    client = client_for(world.manager)
    first = client.get(outbox(world))
    assert first.status_code == 200
    assert "Messages 1 to 50 of 60 waiting" in coming_up(first)
    assert coming_up(first).count("To Linda Baxter") == 50
    html = first.content.decode()
    assert re.search(r'<nav aria-label="Pages of messages coming up">', html)
    assert 'href="?page=2#coming-title"' in html
    second = client.get(outbox(world) + "?page=2")
    assert second.status_code == 200
    assert "Messages 51 to 60 of 60 waiting" in coming_up(second)
    assert coming_up(second).count("To Linda Baxter") == 10
    assert client.get(outbox(world) + "?page=nonsense").status_code == 200


@pytest.mark.parametrize("rows", [5, 60])
def test_the_page_costs_the_same_queries_however_many_rows(
    world, client_for, tomorrow_two_pm, rows, django_assert_max_num_queries
):
    reminders_for(world, visits(world, rows, start=tomorrow_two_pm + timedelta(days=2)), due=tomorrow_two_pm)
    client = client_for(world.manager)
    with django_assert_max_num_queries(10):
        response = client.get(outbox(world))
    assert response.status_code == 200
