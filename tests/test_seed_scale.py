"""``seed_demo --weeks``: a provider's history written with COPY (homes.bulkload)
on the real PostgreSQL — every feature's table has history, PostgreSQL
accepted every row (the indexes and constraints the load dropped are back
and checked them), the busiest pages render, and running it again changes
nothing."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.utils import ConnectionHandler
from django.urls import reverse

from community.models import Activity, Attendee, Occurrence
from homes.bulkload import BulkLoad, copy_value
from homes.demo import HISTORY_SOURCE, email
from homes.management.commands.seed_demo import check_history_database
from homes.models import Home, Membership, Organisation, SpaceHold
from notifications.models import Reminder
from residents.demo.connections import DAYS as DEMO_LOG_DAYS
from residents.models import (
    MEANINGFUL_RESPONSES,
    Connection,
    ConnectionParticipant,
    KeyWorkerAssignment,
    LonelinessMeasure,
    PersonalPlan,
    PersonWhoMatters,
    PlanReview,
    RelativeLink,
    Resident,
)
from visits.models import Visit
from volunteers.models import Assignment, Shift, Volunteer

# Longer than the showcase homes' demo connection log, so they get history before it too.
WEEKS = DEMO_LOG_DAYS // 7 + 3
SEED = {"homes": 3, "residents_per_home": 8, "weeks": WEEKS, "quiet": True, "not_production": True}
# The homes the detailed demo areas seed with --weeks (the rest get theirs from the history).
SHOWCASE = 2


def row_counts():
    with connection.cursor() as cursor:
        tables = [t for t in connection.introspection.table_names(cursor) if t != "qsessions_session"]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - the database's own table names
            counts[table] = cursor.fetchone()[0]
    return counts


def schema(tables):
    """Every index and constraint of ``tables``, by name and definition."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, i.relname, pg_get_indexdef(x.indexrelid)
            FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
            WHERE c.relname = ANY(%s)
            UNION ALL
            SELECT t.relname, k.conname, pg_get_constraintdef(k.oid) || ' valid=' || k.convalidated
            FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
            WHERE t.relname = ANY(%s)
            """,
            [tables, tables],
        )
        return sorted(cursor.fetchall())


HISTORY_MODELS = [
    Resident,
    PersonalPlan,
    PersonWhoMatters,
    PlanReview,
    KeyWorkerAssignment,
    RelativeLink,
    Connection,
    ConnectionParticipant,
    LonelinessMeasure,
    Visit,
    SpaceHold,
    Reminder,
    Volunteer,
    Assignment,
    Shift,
    Activity,
    Occurrence,
    Attendee,
]


@pytest.fixture
def seeded(db):
    tables = [m._meta.db_table for m in HISTORY_MODELS]
    before = schema(tables)
    call_command("seed_demo", **SEED)
    return before, schema(tables)


def test_every_home_gets_its_history_in_every_table(seeded):
    before, after = seeded
    assert after == before  # what the load dropped is back, and PostgreSQL checked every row
    homes = list(Home.objects.order_by("id"))
    assert len(homes) == 3
    start = datetime.date.today() - datetime.timedelta(weeks=WEEKS + 1)
    for home in homes:
        for model in HISTORY_MODELS:
            assert model.objects.filter(home=home).exists(), f"{home}: no {model.__name__}"
        living = Resident.objects.filter(home=home).current()
        assert living.count() == SEED["residents_per_home"]
        # Everyone living here has a plan and two or more people who matter (the demo's own
        # residents one or more); the staff and relatives are there.
        for resident in living:
            assert PersonalPlan.objects.filter(resident=resident).exists()
            assert PersonWhoMatters.objects.filter(resident=resident).count() >= 1
        assert Membership.objects.filter(home=home, user__email=email("family", home.slug)).exists()
        assert RelativeLink.objects.filter(
            home=home, membership__user__email=email("family", home.slug)
        ).exists()
        past = Connection.objects.filter(home=home, occurred_at__date__lt=start + datetime.timedelta(days=14))
        assert past.exists(), f"{home}: no connection log from the first weeks"
    # The homes the demo areas did not seed get their residents, with their people, from the history.
    history_home = homes[SHOWCASE]
    for resident in Resident.objects.filter(home=history_home):
        assert PersonWhoMatters.objects.filter(resident=resident).count() >= 2

    # Each resident's part in a connection falls within their stay; group activities and
    # volunteers' visits are on the connection log.
    for part in ConnectionParticipant.objects.select_related("resident")[:2000]:
        day = part.occurred_at.astimezone(ZoneInfo("Europe/London")).date()
        assert part.resident.admitted_on <= day
        assert part.resident.left_on is None or day < part.resident.left_on
    assert Occurrence.objects.filter(connection__isnull=False).exists()
    assert Attendee.objects.filter(response__in=MEANINGFUL_RESPONSES).exists()
    assert Shift.objects.filter(
        status=Shift.Status.DONE, minutes_given__gt=0, connection__isnull=False
    ).exists()
    assert Reminder.objects.filter(status=Reminder.Status.SENT, sent_at__isnull=False).exists()
    assert Visit.objects.filter(status=Visit.Status.BOOKED, hold__isnull=False).exists()

    # No two live holds of a space overlap (the exclusion constraint held during the load).
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM homes_spacehold a JOIN homes_spacehold b
              ON a.space_id = b.space_id AND a.id < b.id
             AND a.released_at IS NULL AND b.released_at IS NULL
             AND a.blocked_from < b.blocked_until AND b.blocked_from < a.blocked_until
            """
        )
        assert cursor.fetchone()[0] == 0
    # Each home's history is marked as written, once.
    from auditlog.models import LogEntry

    assert LogEntry.objects.filter(additional_data__source=HISTORY_SOURCE).count() == 3


def test_running_it_again_adds_nothing(seeded):
    first = row_counts()
    assert first["residents_connection"] > 0 and first["community_attendee"] > 0
    call_command("seed_demo", **SEED)
    assert row_counts() == first


def test_the_busiest_pages_render_with_the_history(seeded, client_for):
    for home in Home.objects.order_by("id")[: SHOWCASE + 1]:
        manager = Membership.objects.get(home=home, user__email=email("manager", home.slug))
        client = client_for(manager)
        left = Resident.objects.filter(
            home=home, status__in=[Resident.Status.LEFT, Resident.Status.DIED]
        ).first()
        living = Resident.objects.filter(home=home).current().order_by("id").first()
        kwargs = {"home_slug": home.slug}
        pages = [
            reverse("homes:dashboard", kwargs=kwargs),
            reverse("residents:list", kwargs=kwargs),
            reverse("residents:worklist", kwargs=kwargs),
            reverse("visits:day", kwargs=kwargs),
            reverse("notifications:outbox", kwargs=kwargs),
        ]
        for resident in (living, left):
            if resident is not None:
                pages += [
                    reverse("residents:detail", kwargs={**kwargs, "pk": resident.pk}),
                    reverse("residents:plan", kwargs={**kwargs, "pk": resident.pk}),
                    reverse("residents:timeline", kwargs={**kwargs, "pk": resident.pk}),
                ]
        for page in pages:
            assert client.get(page).status_code == 200, page
        family = client_for(Membership.objects.get(home=home, user__email=email("family", home.slug)))
        for page in [reverse("homes:dashboard", kwargs=kwargs), reverse("visits:my_visits", kwargs=kwargs)]:
            assert family.get(page).status_code == 200, page


def test_weeks_needs_postgresql():
    sqlite = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})[
        "default"
    ]
    with pytest.raises(CommandError, match="--weeks needs PostgreSQL"):
        check_history_database(sqlite)
    check_history_database(connection)  # the tests' PostgreSQL is fine


def test_copy_text_escapes_what_copy_reads_specially():
    london = ZoneInfo("Europe/London")
    assert copy_value(None) == "\\N"
    assert copy_value("a\tb\nc\\d\re") == "a\\tb\\nc\\\\d\\re"
    assert copy_value(True) == "t"
    assert copy_value(datetime.date(2026, 3, 29)) == "2026-03-29"
    summer = datetime.datetime(2026, 7, 1, 14, 0, tzinfo=london)
    assert copy_value(summer) == "2026-07-01 13:00:00+00:00"
    assert copy_value({"note": "line\nbreak"}) == '{"note":"line\\\\nbreak"}'
    with pytest.raises(ValueError, match="naive"):
        copy_value(datetime.datetime(2026, 7, 1, 14, 0))


@pytest.mark.django_db
def test_a_load_writes_awkward_text_and_the_table_works_as_before():
    load = BulkLoad(connection)
    writer = load.table(Organisation, ["name", "slug"])
    awkward = "Tab\there, a new\nline, a back\\slash, “quotes” and \\N"
    first = writer.add(awkward, "awkward")
    second = writer.add("Plain", "plain")
    assert load.finish() == {"homes_organisation": 2}
    assert Organisation.objects.get(pk=first).name == awkward
    assert second == first + 1
    # The sequence goes on after the load's ids, and the unique slug is checked again.
    assert Organisation.objects.create(name="Next", slug="next").pk == second + 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="Again", slug="plain")
