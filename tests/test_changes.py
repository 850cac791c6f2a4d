"""PostgreSQL notes which homes' data changed, whatever wrote it (homes.changes)."""

import threading

import pytest
from django.apps import apps
from django.db import connection, connections, transaction

from homes import changes
from homes.models import DataChange, Interest
from homes.scoping import crossing_homes
from residents.models import Resident
from residents.tests.factories import PersonalPlanFactory, ResidentFactory


def gen(home):
    return changes.generation(home.pk)


def test_every_table_of_a_homes_data_has_the_triggers(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text, count(*) FROM pg_trigger "
            "WHERE tgname LIKE 'kith_change_%' GROUP BY 1"
        )
        installed = {table.strip('"'): n for table, n in cursor.fetchall()}
    missing = [
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if changes.trigger_sql(model) and installed.get(model._meta.db_table) != 3
    ]
    assert missing == []
    assert "residents_connection" in installed and "qsessions_session" not in installed


def test_a_write_moves_its_own_homes_generation_and_no_other(world):
    home, other = world.home, world.other_home
    before, other_before = gen(home), gen(other)
    ResidentFactory(home=home, full_name="Nora New")
    after = gen(home)
    assert after != before
    assert gen(other) == other_before

    Resident.objects.for_home(home).filter(full_name="Nora New").update(room="12")  # a queryset update
    assert gen(home) != after
    after = gen(home)
    with connection.cursor() as cursor:  # raw SQL too
        cursor.execute("UPDATE residents_resident SET room = '14' WHERE full_name = 'Nora New'")
    assert gen(home) != after
    after = gen(home)
    Resident.objects.for_home(home).filter(full_name="Nora New").delete()
    assert gen(home) != after
    assert gen(other) == other_before


def test_a_statement_that_changes_no_row_moves_nothing(world):
    before = gen(world.home)
    Resident.objects.for_home(world.home).filter(full_name="Nobody").update(room="1")
    assert gen(world.home) == before


def test_a_many_to_many_change_moves_the_homes_generation(world):
    plan = PersonalPlanFactory(resident=world.resident)
    interest = Interest.objects.create(name="Brass bands")
    before = gen(world.home)
    plan.interests.add(interest)
    assert gen(world.home) != before


def test_shared_data_moves_every_homes_generation_but_signing_in_does_not(world):
    user = world.manager.user
    before, other_before = gen(world.home), gen(world.other_home)
    user.full_name = "Ruth Adeyemi-Cole"
    user.save()
    assert gen(world.home) != before and gen(world.other_home) != other_before
    before = gen(world.home)
    user.set_password("a new long password 2026")
    user.last_login = user.date_joined
    user.save(update_fields=["password", "last_login"])
    assert gen(world.home) == before


@pytest.mark.django_db(transaction=True)
def test_a_change_that_commits_after_a_newer_one_still_moves_the_generation():
    """Two writers: the first takes the lower change id but commits last. The
    newest id is the same before and after its commit; the generation is not."""
    with crossing_homes("test"):
        home = ResidentFactory().home
    first_wrote, second_done = threading.Event(), threading.Event()
    seen = {}

    def first():
        try:
            with crossing_homes("test"), transaction.atomic():
                ResidentFactory(home=home, full_name="First Writer")
                first_wrote.set()
                second_done.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=first)
    thread.start()
    assert first_wrote.wait(10)
    with crossing_homes("test"):
        ResidentFactory(home=home, full_name="Second Writer")  # commits now, with a newer id
    seen["between"] = gen(home)
    second_done.set()
    thread.join(10)
    assert gen(home) != seen["between"]
    assert gen(home).split("/")[0].split(":")[0] == seen["between"].split("/")[0].split(":")[0]


def test_pruning_keeps_the_newest_change_of_a_home_and_still_moves_the_generation(world):
    for n in range(3):
        ResidentFactory(home=world.home, full_name=f"Someone {n}")
    before = gen(world.home)
    assert changes.prune() > 0
    # The newest change, and the one that notes the prune itself.
    assert DataChange.objects.filter(home_id=world.home.pk).count() == 2
    assert gen(world.home) != before


def test_the_beat_schedule_prunes_the_change_notes(world):
    from django.conf import settings

    from homes.tasks import prune_data_changes

    assert any(e["task"] == "homes.tasks.prune_data_changes" for e in settings.CELERY_BEAT_SCHEDULE.values())
    ResidentFactory(home=world.home)
    ResidentFactory(home=world.home)
    prune_data_changes.delay()
    assert DataChange.objects.filter(home_id=world.home.pk).count() == 2


def test_a_membership_change_moves_every_homes_generation(world):
    """Memberships make the "Switch home" menu on every home a person belongs to."""
    other_before = gen(world.other_home)
    world.staff.job_title = "Senior carer"
    world.staff.save()
    assert gen(world.other_home) != other_before
