"""Backups that restore: ``manage.py backup --verify`` dumps the database,
restores the dump into a scratch database and finds every table, its rows, a
sample of its records and its id sequences the same; a restored copy that
lost a row or changed a record is caught."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from carehome import backups
from homes.tests.factories import MembershipFactory
from residents.models import Resident
from residents.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump sees only what is committed


@pytest.fixture
def records():
    member = MembershipFactory()
    return [ResidentFactory(home=member.home) for _ in range(3)]


def test_a_backup_restores_with_every_table_row_and_sequence(records, tmp_path):
    out = StringIO()
    call_command("backup", str(tmp_path / "kith.dump"), "--verify", stdout=out)
    said = out.getvalue()
    assert "The backup restores: everything compared matches." in said
    assert (tmp_path / "kith.dump").stat().st_size > 0
    report = backups.backup(tmp_path / "again.dump", verify=True)
    assert report.ok
    assert report.tables >= 100 and report.sequences >= 100
    assert report.rows >= 5  # the home, its organisation, the member, three residents, ...
    assert report.records_compared >= report.tables // 2
    # The scratch database is gone afterwards.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_database WHERE datname LIKE %s", ["%_restore_check"])
        assert cursor.fetchone()[0] == 0


def _restored_copy(tmp_path):
    params = backups._params()
    backups.backup(tmp_path / "kith.dump")
    scratch = f"{params['dbname']}_tampered"
    backups.restore(tmp_path / "kith.dump", scratch, params=params)
    return params, scratch


@pytest.mark.parametrize(
    ("tamper", "found"),
    [
        ("UPDATE residents_resident SET full_name = 'Somebody Else' WHERE id = %s", "sampled records differ"),
        ("DELETE FROM residents_resident WHERE id = %s", "rows in the database"),
    ],
)
def test_a_copy_that_differs_is_caught(records, tmp_path, tamper, found):
    params, scratch = _restored_copy(tmp_path)
    try:
        changed = backups._connect(params, scratch)
        changed.autocommit = True
        with changed.cursor() as cursor:
            cursor.execute(tamper, [Resident.objects.order_by("id").last().pk])
        changed.close()
        report = backups.Report(file="kith.dump")
        source = backups._connect(params)
        with source.cursor() as cursor:
            backups.compare(cursor, backups._connect(params, scratch), report)
        source.close()
        assert not report.ok
        assert any(p.startswith("residents_resident:") and found in p for p in report.problems), (
            report.problems
        )
    finally:
        backups.drop(scratch, params=params)


def test_a_failing_restore_says_why(tmp_path):
    broken = tmp_path / "broken.dump"
    broken.write_bytes(b"not a dump")
    with pytest.raises(backups.BackupError, match="pg_restore failed"):
        backups.restore(broken, f"{backups._params()['dbname']}_broken", params=backups._params())
    backups.drop(f"{backups._params()['dbname']}_broken", params=backups._params())
