""" "Who needs connection now": each section's rules, the page, the dashboard panel."""

import re
from datetime import timedelta

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from residents.models import Connection, PersonWhoMatters, Resident, Response
from residents.selectors.settings import connection_settings_for
from residents.selectors.worklist import contact_wish, worklist_counts, worklist_for
from residents.tests.factories import (
    ConnectionFactory,
    ConnectionParticipantFactory,
    PersonWhoMattersFactory,
    ResidentFactory,
    SupportFlagFactory,
)
from tests.html import main_text


def log(resident, *, days_ago, response=Response.ACTIVE, **connection):
    when = timezone.now() - timedelta(days=days_ago)
    logged = ConnectionFactory(home=resident.home, occurred_at=when, **connection)
    ConnectionParticipantFactory(resident=resident, connection=logged, occurred_at=when, response=response)
    return logged


def visit(person, *, days_ago, response=Response.ACTIVE):
    return log(
        person.resident,
        days_ago=days_ago,
        response=response,
        with_whom=Connection.WithWhom.PERSON,
        person=person,
        mode=Connection.Mode.IN_PERSON,
        with_name="",
    )


def added(person, days_ago):
    PersonWhoMatters.objects.filter(pk=person.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    person.refresh_from_db()
    return person


def worklist_url(world):
    return reverse("residents:worklist", args=[world.home.slug])


def quiet_names(work):
    return [r.full_name for r in work.quiet]


# --- a. No meaningful connection in the last N days ------------------------------------


def test_quiet_residents_and_the_edges_of_meaningful(world):
    home = world.home
    lately = ResidentFactory(home=home, full_name="Recent Rita")
    log(lately, days_ago=6)
    eight = ResidentFactory(home=home, full_name="Eight Days Edna")
    log(eight, days_ago=8)
    passive = ResidentFactory(home=home, full_name="Passive Pat")
    log(passive, days_ago=2, response=Response.PASSIVE)
    declined = ResidentFactory(home=home, full_name="Declined Doris")
    log(declined, days_ago=1, response=Response.DECLINED)
    log(declined, days_ago=2, response=Response.UNAVAILABLE)
    log(declined, days_ago=3, response=Response.DISENGAGED)
    ResidentFactory(home=home, full_name="Left Len", status=Resident.Status.LEFT)
    away = ResidentFactory(home=home, full_name="Hospital Hilda", status=Resident.Status.HOSPITAL)
    # Another home's quiet resident is not on this list.
    assert world.foreign_resident

    work = worklist_for(home)
    assert work.settings.quiet_days == 7
    # Never recorded first (by name), then the longest quiet.
    assert quiet_names(work) == ["Arthur Hughes", "Declined Doris", "Margaret Baxter", "Eight Days Edna"]
    assert [r.full_name for r in work.quiet_in_hospital] == [away.full_name]
    by_name = {r.full_name: r for r in work.quiet}
    assert by_name["Declined Doris"].last_meaningful_text == "never recorded"
    assert by_name["Eight Days Edna"].last_meaningful_text.endswith("(8 days ago)")


def test_changing_quiet_days_changes_the_list(world):
    eight = ResidentFactory(home=world.home, full_name="Eight Days Edna")
    log(eight, days_ago=8)
    log(world.resident, days_ago=0.5)
    log(world.unlinked_resident, days_ago=0.5)
    assert quiet_names(worklist_for(world.home)) == ["Eight Days Edna"]
    settings = connection_settings_for(world.home)
    settings.quiet_days = 10
    settings.save()
    assert quiet_names(worklist_for(world.home)) == []
    settings.quiet_days = 1
    settings.save()
    assert quiet_names(worklist_for(world.home)) == ["Eight Days Edna"]
    settings.quiet_days = 7
    settings.save()
    log(world.unlinked_resident, days_ago=9, response=Response.ACTIVE)
    assert quiet_names(worklist_for(world.home)) == ["Eight Days Edna"]


def test_a_connection_just_inside_the_window_keeps_someone_off(world):
    log(world.resident, days_ago=6.9)
    log(world.unlinked_resident, days_ago=7.1)
    assert quiet_names(worklist_for(world.home)) == ["Arthur Hughes"]


# --- b. Contact overdue against the resident's wish -------------------------------------


def test_overdue_contact_is_phrased_as_the_resident_would_like_it(world):
    peggy = world.resident
    jane = added(
        PersonWhoMattersFactory(
            resident=peggy, name="Jane Baxter", relationship="daughter", by_phone=True, contact_every_days=7
        ),
        60,
    )
    log(
        peggy,
        days_ago=12,
        response=Response.DECLINED,  # any response counts as contact
        with_whom="person",
        person=jane,
        mode="phone",
        with_name="",
    )
    work = worklist_for(world.home)
    assert [(o.person, o.wish, o.last) for o in work.overdue] == [
        (jane, "Peggy would like weekly calls with Jane Baxter (daughter)", "last contact 12 days ago")
    ]
    assert work.overdue[0].late_by_days == 5


def test_who_is_overdue_and_who_is_not(world):
    peggy, arthur = world.resident, world.unlinked_resident
    recent = added(PersonWhoMattersFactory(resident=peggy, name="Recent Ruth", contact_every_days=7), 60)
    log(peggy, days_ago=3, with_whom="person", person=recent, mode="phone", with_name="")
    never = added(
        PersonWhoMattersFactory(
            resident=peggy,
            name="Never Nigel",
            relationship="son",
            by_phone=False,
            by_visit=True,
            contact_every_days=14,
        ),
        20,
    )
    added(PersonWhoMattersFactory(resident=peggy, name="New Nora", contact_every_days=7), 2)
    added(PersonWhoMattersFactory(resident=peggy, name="No Wish Walter", contact_every_days=None), 90)
    added(
        PersonWhoMattersFactory(resident=peggy, name="Lost Touch Len", contact_every_days=1, is_active=False),
        90,
    )
    monthly = added(
        PersonWhoMattersFactory(
            resident=arthur,
            name="Old Friend Olive",
            relationship="old friend",
            by_phone=False,
            by_letter=True,
            by_video=True,
            contact_every_days=30,
        ),
        90,
    )
    log(arthur, days_ago=31, with_whom="person", person=monthly, mode="letter", with_name="")
    odd = added(PersonWhoMattersFactory(resident=arthur, name="Odd Interval Ida", contact_every_days=10), 11)
    gone = ResidentFactory(home=world.home, status=Resident.Status.DIED)
    added(PersonWhoMattersFactory(resident=gone, contact_every_days=1), 90)
    added(PersonWhoMattersFactory(resident=world.foreign_resident, contact_every_days=1), 90)

    work = worklist_for(world.home)
    found = {o.person.name: (o.wish, o.last) for o in work.overdue}
    assert set(found) == {"Never Nigel", "Old Friend Olive", "Odd Interval Ida"}
    assert found["Never Nigel"][0] == "Peggy would like fortnightly visits with Never Nigel (son)"
    assert found["Never Nigel"][1].startswith("no contact recorded since they were added on ")
    assert found["Old Friend Olive"] == (
        "Arthur would like monthly video calls or letters with Old Friend Olive (old friend)",
        "last contact 31 days ago",
    )
    assert (
        found["Odd Interval Ida"][0]
        == "Arthur would like calls every 10 days with Odd Interval Ida (daughter)"
    )
    # The most overdue first.
    assert work.overdue[0].person == never
    assert odd in [o.person for o in work.overdue]


@pytest.mark.parametrize(
    ("flags", "days", "wish"),
    [
        ({"by_phone": True}, 1, "daily calls"),
        ({"by_visit": True, "by_phone": True}, 3, "twice-weekly visits or calls"),
        ({"by_video": True}, 90, "video calls now and then"),
        ({"by_phone": False}, 7, "weekly contact"),
    ],
)
def test_contact_wishes_in_plain_words(world, flags, days, wish):
    person = PersonWhoMattersFactory.build(
        resident=world.resident,
        name="Jane",
        relationship="",
        contact_every_days=days,
        **{"by_phone": False, **flags},
    )
    assert contact_wish(person) == f"Peggy would like {wish} with Jane"


# --- c. No regular visitors --------------------------------------------------------------


def test_residents_with_no_recent_visit_from_someone_who_matters(world):
    peggy, arthur = world.resident, world.unlinked_resident
    jane = PersonWhoMattersFactory(resident=peggy)
    visit(jane, days_ago=5, response=Response.UNAVAILABLE)  # a visit is a visit, even while asleep
    paul = PersonWhoMattersFactory(resident=arthur)
    visit(paul, days_ago=30)
    log(arthur, days_ago=1, with_whom="person", person=paul, mode="phone", with_name="")
    staff_only = ResidentFactory(home=world.home, full_name="Staff Only Stella")
    log(staff_only, days_ago=1, with_whom="staff", staff_member=world.staff.user, mode="in_person")
    ResidentFactory(home=world.home, full_name="Hospital Hilda", status=Resident.Status.HOSPITAL)

    work = worklist_for(world.home)
    assert [r.full_name for r in work.no_visits] == ["Arthur Hughes", "Staff Only Stella"]
    arthur_row, stella_row = work.no_visits
    assert arthur_row.last_visit_text.endswith("(30 days ago)") and arthur_row.has_people
    assert stella_row.last_visit_text == "none recorded" and not stella_row.has_people

    settings = connection_settings_for(world.home)
    settings.no_visitor_days = 31
    settings.save()
    assert [r.full_name for r in worklist_for(world.home).no_visits] == ["Staff Only Stella"]


# --- d. Might need support ----------------------------------------------------------------


def test_open_support_flags_are_listed(world):
    SupportFlagFactory(resident=world.resident, reason="Their friend Arthur has moved out.")
    SupportFlagFactory(
        resident=world.unlinked_resident, reason="Resolved already", resolved_on=timezone.localdate()
    )
    SupportFlagFactory(resident=world.foreign_resident, reason="Not this home")
    work = worklist_for(world.home)
    assert [f.reason for f in work.support] == ["Their friend Arthur has moved out."]


# --- The page ------------------------------------------------------------------------------


def test_the_worklist_page(world, client_for):
    peggy = world.resident
    jane = added(
        PersonWhoMattersFactory(
            resident=peggy, name="Jane Baxter", relationship="daughter", by_phone=True, contact_every_days=7
        ),
        60,
    )
    log(peggy, days_ago=12, with_whom="person", person=jane, mode="phone", with_name="")
    log(world.unlinked_resident, days_ago=2)
    SupportFlagFactory(resident=world.unlinked_resident, reason="Their friend Stan has died.")

    response = client_for(world.staff).get(worklist_url(world))
    assert response.status_code == 200
    text = main_text(response)
    page = response.content.decode()
    assert "Who needs connection now" in text
    quiet = text[text.index("No meaningful connection in the last 7 days") : text.index("Contact overdue")]
    assert "Margaret Baxter (Peggy) Room" in quiet
    assert "Last meaningful connection:" in quiet and "(12 days ago)" in quiet
    assert "Arthur Hughes" not in quiet
    assert "Peggy would like weekly calls with Jane Baxter (daughter) — last contact 12 days ago." in text
    assert "No visit from someone who matters in the last 28 days" in text
    assert "Their friend Stan has died." in text
    add = reverse("residents:connection_add", args=[world.home.slug])
    assert f'href="{add}?resident={peggy.pk}&amp;person={jane.pk}"' in page
    assert f'href="{add}?resident={peggy.pk}"' in page
    assert reverse("residents:friends", args=[world.home.slug, world.unlinked_resident.pk]) in page
    assert reverse("residents:detail", args=[world.home.slug, peggy.pk]) in page
    assert "Doris Foreign" not in text


def test_an_empty_worklist_says_so(world, client_for):
    for r in (world.resident, world.unlinked_resident):
        visit(PersonWhoMattersFactory(resident=r, contact_every_days=None), days_ago=1)
    text = main_text(client_for(world.staff).get(worklist_url(world)))
    assert "Everyone living here has had a meaningful connection in the last 7 days." in text
    assert "No one’s contact is overdue." in text
    assert "No one is flagged for extra support." in text


@pytest.mark.parametrize(("role", "status"), [("family", 403), ("volunteer", 403), ("outsider", 404)])
def test_only_staff_see_the_worklist(world, client_for, role, status):
    response = client_for(world.member(role)).get(worklist_url(world))
    assert response.status_code == status
    assert b"Margaret Baxter" not in response.content


def _populate(home, staff_user, n):
    """``n`` residents, each with two people who matter and a few log entries."""
    residents = ResidentFactory.create_batch(n, home=home)
    for i, r in enumerate(residents):
        daughter = added(PersonWhoMattersFactory(resident=r, contact_every_days=7), 30)
        added(PersonWhoMattersFactory(resident=r, contact_every_days=14, by_visit=True), 30)
        log(r, days_ago=i % 12 + 1, response=[Response.ACTIVE, Response.DECLINED][i % 2])
        visit(daughter, days_ago=i % 40 + 1)
        if i % 5 == 0:
            SupportFlagFactory(resident=r)
    return residents


def test_the_worklist_takes_the_same_queries_for_5_or_50_residents(world, client_for):
    client = client_for(world.staff)
    connection_settings_for(world.home)

    def count(n):
        _populate(world.home, world.staff.user, n)
        with CaptureQueriesContext(db_connection) as queries:
            response = client.get(worklist_url(world))
        assert response.status_code == 200
        return len(queries), response

    count(1)
    small, _ = count(5)
    large, response = count(50)
    assert small == large
    # and the page really did list people in every section
    assert len(re.findall(r'class="worklist-entry"', response.content.decode())) > 50


# --- The dashboard panel -------------------------------------------------------------------


def test_the_dashboard_panel_counts_who_needs_connection(world, client_for):
    peggy = world.resident
    jane = added(PersonWhoMattersFactory(resident=peggy, contact_every_days=7), 60)
    log(peggy, days_ago=12, with_whom="person", person=jane, mode="phone", with_name="")
    log(world.unlinked_resident, days_ago=2)
    assert worklist_counts(world.home) == {
        "quiet": 1,
        "no_visits": 2,
        "overdue": 1,
        "quiet_days": 7,
        "no_visitor_days": 28,
    }
    dashboard = reverse("homes:dashboard", args=[world.home.slug])
    text = main_text(client_for(world.staff).get(dashboard))
    assert "Who needs connection today" in text
    assert "1 no meaningful connection in the last 7 days" in text
    assert "1 person who matters overdue for contact" in text
    assert "See who needs connection now" in text
    relative_view = main_text(client_for(world.relative).get(dashboard))
    assert "Who needs connection today" not in relative_view


def test_the_panel_takes_three_queries_whatever_the_size(world):
    connection_settings_for(world.home)

    def count(n):
        _populate(world.home, world.staff.user, n)
        with CaptureQueriesContext(db_connection) as queries:
            worklist_counts(world.home)
        return len(queries)

    assert count(5) == count(50) == 3
