"""Backups that restore: dump the database, restore the dump into a scratch
database, and check that what came back is what went in.

``manage.py backup <file>`` writes a ``pg_dump`` custom-format dump;
``--verify`` then restores it into a scratch database and compares, table by
table, the number of rows, a sample of whole records (the first and the last
by primary key) and where each id sequence stands, and drops the scratch
database again. The counts and samples are read from the very snapshot the
dump was taken from (``pg_export_snapshot``), so a busy home writing during
the backup never makes the check fail, and a check that passes means the
file holds the database as it was at that moment.

The README's "Backups" section gives the plain ``pg_dump``/``pg_restore``
commands this wraps.
"""

import os
import subprocess
import time
from dataclasses import dataclass, field

import psycopg2
from django.db import connections
from psycopg2 import sql

SAMPLE = 20  # records compared at each end of every table


class BackupError(Exception):
    """pg_dump or pg_restore failed, or the restored copy differs."""


@dataclass
class Report:
    file: str
    tables: int = 0
    rows: int = 0
    records_compared: int = 0
    sequences: int = 0
    seconds: float = 0.0
    problems: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems


def _params(alias="default"):
    """libpq parameters of a Django database (PostgreSQL only)."""
    settings = connections[alias].settings_dict
    if connections[alias].vendor != "postgresql":
        raise BackupError("Backups are for PostgreSQL; the demo's SQLite file can simply be copied.")
    return {
        "dbname": settings["NAME"],
        "user": settings.get("USER") or "",
        "password": settings.get("PASSWORD") or "",
        "host": settings.get("HOST") or "",
        "port": str(settings.get("PORT") or ""),
    }


def _env(params):
    env = dict(os.environ)
    for key, name in [("user", "PGUSER"), ("password", "PGPASSWORD"), ("host", "PGHOST"), ("port", "PGPORT")]:
        if params[key]:
            env[name] = params[key]
    return env


def _run(command, params):
    done = subprocess.run(command, env=_env(params), capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip() or done.stdout.strip()}")


def _connect(params, dbname=None):
    given = {k: v for k, v in params.items() if v}
    if dbname:
        given["dbname"] = dbname
    return psycopg2.connect(**given)


def backup(path, *, verify=False, alias="default", scratch=None, keep=False):
    """Dump ``alias`` to ``path`` (and with ``verify``, restore and compare);
    returns a Report. Raises BackupError when a tool fails."""
    started = time.monotonic()
    params = _params(alias)
    report = Report(file=str(path))
    source = _connect(params)
    try:
        source.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with source.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            _run(
                ["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}", "--file", str(path)]
                + [params["dbname"]],
                params,
            )
            if verify:
                scratch = scratch or f"{params['dbname']}_restore_check"
                restore(path, scratch, params=params)
                try:
                    compare(cursor, _connect(params, scratch), report)
                finally:
                    if not keep:
                        drop(scratch, params=params)
    finally:
        source.close()
    report.seconds = time.monotonic() - started
    return report


def _as_admin(params, statement):
    """Run one statement that cannot run in a transaction (CREATE or DROP DATABASE)."""
    admin = _connect(params, "postgres")
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(statement)
    finally:
        admin.close()


def drop(dbname, *, params):
    _as_admin(params, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))


def restore(path, dbname, *, params):
    """Restore the dump at ``path`` into a new, empty database ``dbname``."""
    drop(dbname, params=params)
    _as_admin(params, sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(dbname)))
    _run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", dbname, str(path)], params)


TABLES = """
SELECT c.relname,
       (SELECT a.attname FROM pg_index i
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
        WHERE i.indrelid = c.oid AND i.indisprimary AND i.indnkeyatts = 1)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname
"""
SEQUENCES = "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1"


def _sample(cursor, table, key):
    """The first and last SAMPLE records by primary key, as text, in key order."""
    query = sql.SQL(
        "SELECT t::text FROM (SELECT * FROM {t} ORDER BY {k} LIMIT %s) t "
        "UNION ALL SELECT t::text FROM (SELECT * FROM {t} ORDER BY {k} DESC LIMIT %s) t"
    ).format(t=sql.Identifier(table), k=sql.Identifier(key))
    cursor.execute(query, [SAMPLE, SAMPLE])
    return [row[0] for row in cursor.fetchall()]


def compare(source, restored, report):
    """Compare the source (a cursor in the dump's snapshot) with the restored
    database (a connection, closed here); problems go on the report."""
    try:
        with restored.cursor() as copy:
            source.execute(TABLES)
            tables = source.fetchall()
            copy.execute(TABLES)
            restored_tables = {name for name, _key in copy.fetchall()}
            for name in sorted({n for n, _k in tables} - restored_tables):
                report.problems.append(f"{name}: missing from the restored copy")
            for name, key in tables:
                if name not in restored_tables:
                    continue
                report.tables += 1
                count = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(name))
                source.execute(count)
                copy.execute(count)
                (there,), (back,) = source.fetchone(), copy.fetchone()
                report.rows += there
                if there != back:
                    report.problems.append(f"{name}: {there} rows in the database, {back} restored")
                    continue
                if key:
                    mine, theirs = _sample(source, name, key), _sample(copy, name, key)
                    report.records_compared += len(mine)
                    if mine != theirs:
                        report.problems.append(f"{name}: sampled records differ after restoring")
            source.execute(SEQUENCES)
            sequences = dict(source.fetchall())
            copy.execute(SEQUENCES)
            restored_sequences = dict(copy.fetchall())
            report.sequences = len(sequences)
            for name, value in sequences.items():
                back = restored_sequences.get(name, "missing")
                if back != value:
                    report.problems.append(f"{name}: the id sequence stands at {value}, restored at {back}")
    finally:
        restored.close()
    return report
