"""Writing many rows fast: PostgreSQL ``COPY … FROM STDIN`` for generated data
(``seed_demo --weeks``), with no model instances and no per-row saves.

    load = BulkLoad(connection)
    people = load.table(PersonWhoMatters, ["home_id", "resident_id", "name", "relationship"])
    person_id = people.add(home.pk, resident_id, "Jane Baxter", "daughter")
    ...
    load.finish()          # the last rows, the sequences, the indexes and constraints

- **Ids** are taken from each table's own sequence in blocks (one ``setval``
  a block), so a child row can name its parent before either is written;
  ``finish`` gives back what was not used. Each table the load writes is
  locked against other writers until the caller's transaction ends, so
  nobody else takes an id in between (a rolled-back load leaves a gap in the
  ids, as any rolled-back insert does).
- **Columns** not named get the model field's default (a callable default
  that must be unique, such as a ``uuid4``, is drawn per row from a seeded
  generator, so the data is the same on every run), ``auto_now`` fields get
  the load's ``now``, nullable ones NULL and blank text "". A column that has
  none of these (or another kind of unique default) must be named.
- **Values** are written in COPY's text format: ``None`` is NULL, text is
  escaped, booleans ``t``/``f``, dates ISO, datetimes ISO in UTC, dicts and
  lists JSON. ``load.at(day, hour, minute)`` is a local (home) time as an
  aware datetime and ``load.stamp(day, hour, minute)`` its COPY text, both
  cached, for the many timestamps a generator writes; ``Table.add_text``
  takes a row already in COPY text, for the tables with millions of rows.
- **Indexes and constraints**: a table's secondary indexes, unique and
  foreign-key constraints are dropped when the load first writes to it and
  made again by ``finish`` (as ``pg_restore`` does), which checks every row
  once — faster than keeping them up to date row by row. Exclusion
  constraints stay: PostgreSQL checks each row as it arrives (rebuilding
  their GiST indexes afterwards costs more). All of it is inside the
  caller's transaction: a failure leaves the schema as it was. Read what a
  load wrote from the generators' own data, not with queries, until
  ``finish``: the indexes are not there yet.
- **Holds**: ``load.calendar`` keeps the held ranges of each space, so
  generated bookings from different apps never overlap (PostgreSQL's
  exclusion constraints would refuse the load).

Rows are sent in chunks from a background thread, on the caller's own
connection (its transaction), so PostgreSQL stores one chunk while Python
makes the next (both cores busy); ``sync()`` waits for what was handed over,
and must come before the caller uses the connection itself. PostgreSQL only.
"""

import datetime
import io
import json
import queue
import random
import threading
import uuid
from functools import lru_cache

from django.db import models
from django.utils import timezone

from carehome.errors import DomainError
from carehome.timeutils import local_datetime

CHUNK_BYTES = 4 << 20
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"
UTC = datetime.UTC


@lru_cache(maxsize=500_000)
def _moment(value):
    """An aware datetime in UTC, as COPY reads it (many repeat: cached)."""
    if timezone.is_naive(value):
        raise ValueError(f"A naive datetime cannot be written: {value!r}")
    return value.astimezone(UTC).isoformat(sep=" ")


def copy_value(value):
    """``value`` in COPY's text format."""
    if value is None:
        return NULL
    kind = type(value)
    if kind is str:
        return value.translate(_ESCAPES)
    if kind is int:
        return str(value)
    if kind is bool:
        return "t" if value else "f"
    if kind is datetime.datetime:
        return _moment(value)
    if kind is datetime.date or kind is datetime.time:
        return value.isoformat()
    if kind is dict or kind is list:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)
    if isinstance(value, uuid.UUID | float):
        return str(value)
    if isinstance(value, str):  # a TextChoices member
        return str.translate(value, _ESCAPES)
    if isinstance(value, int):
        return str(int(value))
    raise TypeError(f"No COPY text for {kind.__name__}: {value!r}")


class Table:
    """Rows for one model's table. ``add(*values)`` in the order of ``columns``;
    returns the new row's id (or None for a table without an ``id``)."""

    def __init__(self, load, model, columns):
        self.load = load
        self.model = model
        self.table = model._meta.db_table
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [c for c in columns if c not in fields]
        if unknown:
            raise ValueError(f"{self.table} has no column {', '.join(unknown)}")
        pk = model._meta.pk
        self.has_id = pk.attname == "id" and isinstance(pk, models.AutoField | models.BigAutoField)
        if self.has_id and "id" in columns:
            raise ValueError(f"{self.table}: ids are given by the load")
        self.columns = list(columns)
        constant, per_row = [], []
        for attname, field in fields.items():
            if attname in columns or (self.has_id and field is pk):
                continue
            if field.has_default() and callable(field.default) and field.unique:
                if not isinstance(field, models.UUIDField):
                    raise ValueError(f"{self.table}.{field.column} must be unique: name it in the columns")
                per_row.append(field)
            else:
                constant.append((field, self._default(field)))
        self.rng = random.Random(f"{self.table} {' '.join(columns)}")
        self.per_row = per_row
        names = (["id"] if self.has_id else []) + self.columns
        names += [f.column for f, _ in constant] + [f.column for f in per_row]
        quoted = ", ".join(f'"{name}"' for name in names)
        self.sql = f'COPY "{self.table}" ({quoted}) FROM STDIN'
        self.suffix = "".join("\t" + copy_value(v) for _, v in constant)
        self.lines = []
        self.size = 0
        self.count = 0
        self.ids = iter(())
        self.block_end = None
        self.last_id = None
        self.block = 500

    def _default(self, field):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return self.load.now
        if field.has_default():
            value = field.get_default()
            return value() if callable(value) else value
        if field.null:
            return None
        if isinstance(field, models.CharField | models.TextField | models.FileField):
            return ""
        raise ValueError(f"{self.table}.{field.column} has no default: name it in the columns")

    def _next_id(self):
        first, last = self.load._reserve(self.table, self.block)
        self.block = min(self.block * 4, 1_000_000)
        self.ids = iter(range(first, last + 1))
        self.block_end = last
        return next(self.ids)

    def add(self, *values):
        cells = [
            v.translate(_ESCAPES) if type(v) is str else str(v) if type(v) is int else copy_value(v)
            for v in values
        ]
        if len(cells) != len(self.columns):
            raise ValueError(f"{self.table}: {len(cells)} values for {len(self.columns)} columns")
        return self.add_text("\t".join(cells))

    def add_text(self, text):
        """A row already in COPY text: the named columns' cells, tab-separated
        (text escaped with ``copy_value``, NULL as ``NULL``). The fast way for
        the tables that get millions of rows."""
        line = text + self.suffix
        for _ in self.per_row:
            line += "\t" + str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        new = None
        if self.has_id:
            try:
                new = next(self.ids)
            except StopIteration:
                new = self._next_id()
            self.last_id = new
            line = f"{new}\t{line}"
        self.lines.append(line)
        self.size += len(line)
        self.count += 1
        if self.size > CHUNK_BYTES:
            self.flush()
        return new

    def flush(self):
        if not self.lines:
            return
        data = "\n".join(self.lines) + "\n"
        self.lines, self.size = [], 0
        self.load._send(self, data)


class SpaceCalendar:
    """The held ranges of every space a load books, so nothing it makes
    overlaps (the exclusion constraints in homes 0009 and visits 0002)."""

    def __init__(self):
        self._held = {}  # space id -> day ordinal -> [(from, until)] epoch seconds
        self._homes = set()

    def add_existing(self, home_ids):
        """Hold what the homes' spaces already hold (live holds in the database)."""
        from homes.models import SpaceHold

        todo = set(home_ids) - self._homes
        if not todo:
            return
        self._homes |= todo
        held = SpaceHold.objects.filter(home_id__in=todo, released_at__isnull=True).values_list(
            "space_id", "blocked_from", "blocked_until"
        )
        for space_id, blocked_from, blocked_until in held:
            a, b = int(blocked_from.timestamp()), int(blocked_until.timestamp())
            for day in self._days(space_id, a, b):
                day.append((a, b))

    def _days(self, space_id, start, end):
        first, last = start // 86400, end // 86400
        spaces = self._held.setdefault(space_id, {})
        return [spaces.setdefault(day, []) for day in range(first, last + 1)]

    def is_free(self, space_id, blocked_from, blocked_until):
        a, b = int(blocked_from.timestamp()), int(blocked_until.timestamp())
        return not any(x < b and a < y for held in self._days(space_id, a, b) for x, y in held)

    def take(self, space_id, blocked_from, blocked_until):
        """Hold the range if it is free; True if it was."""
        if not self.is_free(space_id, blocked_from, blocked_until):
            return False
        a, b = int(blocked_from.timestamp()), int(blocked_until.timestamp())
        for held in self._days(space_id, a, b):
            held.append((a, b))
        return True


class BulkLoad:
    def __init__(self, connection, *, now=None):
        if connection.vendor != "postgresql":
            raise ValueError("BulkLoad writes with PostgreSQL's COPY: it needs PostgreSQL.")
        self.connection = connection
        connection.ensure_connection()
        # The sending thread writes on this very connection (the transaction's),
        # not on the thread's own: Django's connections are per thread.
        self._raw = connection.connection
        self.now = now or timezone.now()
        self.tables = {}
        self.context = {}  # what one app's generator leaves for the next (by key)
        self.calendar = SpaceCalendar()
        self._rebuild = []  # (table, statements to run first, foreign keys to add last)
        self._sequences = {}
        self._queue = queue.Queue(maxsize=2)
        self._error = None
        self._thread = threading.Thread(target=self._sender, name="bulkload-copy", daemon=True)
        self._thread.start()
        # Check what the transaction wrote so far now: a table with checks
        # still pending cannot have its constraints dropped.
        self._execute("SET CONSTRAINTS ALL IMMEDIATE")
        self.at = lru_cache(maxsize=None)(self._at)
        self.stamp = lru_cache(maxsize=None)(self._stamp)

    # --- Tables ---------------------------------------------------------------------------

    def table(self, model, columns):
        """The writer of ``model``'s rows with these ``columns`` (the others get
        their defaults). Writers of one table with other columns may coexist."""
        key = (model._meta.db_table, tuple(columns))
        writer = self.tables.get(key)
        if writer is None:
            if not any(table == key[0] for table, _ in self.tables):
                self._detach(key[0])
            writer = self.tables[key] = Table(self, model, columns)
        return writer

    def _execute(self, sql, params=None):
        # Never while the sending thread is writing on the connection.
        self.sync()
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else None

    def _detach(self, table):
        """Lock the table against other writers, and drop its secondary indexes,
        unique and foreign-key constraints, remembering how to make them again."""
        self.sync()
        self._execute(f'LOCK TABLE "{table}" IN EXCLUSIVE MODE')
        constraints = self._execute(
            """
            SELECT c.conname, pg_get_constraintdef(c.oid), c.contype
            FROM pg_constraint c
            WHERE c.conrelid = %s::regclass AND c.contype IN ('f', 'u')
              AND NOT EXISTS (
                SELECT 1 FROM pg_constraint r
                WHERE r.contype = 'f' AND r.conindid = c.conindid AND c.contype <> 'f'
              )
            ORDER BY c.contype DESC, c.conname
            """,
            [table],
        )
        indexes = self._execute(
            """
            SELECT ci.relname, pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid
            WHERE i.indrelid = %s::regclass
              AND NOT EXISTS (
                SELECT 1 FROM pg_constraint c
                WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x')
              )
            ORDER BY ci.relname
            """,
            [table],
        )
        later = [definition for _, definition in indexes]
        later += [
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {d}'
            for name, d, kind in constraints
            if kind != "f"
        ]
        keys = [
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {d}'
            for name, d, kind in constraints
            if kind == "f"
        ]
        for name, _, _ in constraints:
            self._execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            self._execute(f'DROP INDEX "{name}"')
        self._rebuild.append((table, later, keys))

    def _reserve(self, table, count):
        """The first and last of ``count`` ids taken from ``table``'s sequence."""
        sequence = self._sequences.get(table)
        if sequence is None:
            sequence = self._execute("SELECT pg_get_serial_sequence(%s, 'id')", [f'"{table}"'])[0][0]
            self._sequences[table] = sequence
        last = self._execute("SELECT setval(%s, nextval(%s) + %s - 1)", [sequence, sequence, count])[0][0]
        return last - count + 1, last

    # --- Sending ----------------------------------------------------------------------------

    def _send(self, writer, data):
        if self._error:
            raise self._error
        self._queue.put((writer.sql, data))

    def _sender(self):
        raw = None
        while True:
            item = self._queue.get()
            try:
                if item is None:
                    return
                if self._error is None:
                    sql, data = item
                    if raw is None:
                        raw = self._raw.cursor()
                    raw.copy_expert(sql, io.StringIO(data), size=1 << 20)
            except Exception as error:  # noqa: BLE001 - raised again in the caller's thread
                self._error = error
            finally:
                self._queue.task_done()

    def sync(self):
        """Wait until every chunk handed over so far is in the database."""
        self._queue.join()
        if self._error:
            raise self._error

    def close(self):
        """Stop the sending thread (``finish`` does; call it when giving up on a load)."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def finish(self):
        """Write what is left, give back unused ids, make the indexes and
        constraints again (checking every row). Returns {table: rows written}."""
        for writer in self.tables.values():
            writer.flush()
        self.sync()
        self.close()
        for (table, _), writer in self.tables.items():
            if writer.block_end is not None and writer.block_end != writer.last_id:
                # Give back the end of the last block, unless someone took ids after it.
                sequence = self._sequences[table]
                self._execute(
                    # The sequence's name as PostgreSQL gave it (pg_get_serial_sequence), quoted.
                    f"SELECT setval(%s, %s) FROM {sequence} WHERE last_value = %s",  # noqa: S608
                    [sequence, writer.last_id, writer.block_end],
                )
        self._execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, later, _ in self._rebuild:
            for statement in later:
                self._execute(statement)
        for _, _, keys in self._rebuild:
            for statement in keys:
                self._execute(statement)
        written = {}
        for (table, _), writer in self.tables.items():
            written[table] = written.get(table, 0) + writer.count
        return written

    # --- Time -------------------------------------------------------------------------------

    def _at(self, day, hour, minute=0):
        """``day`` at hour:minute home time, as an aware datetime (the hour
        the clocks skip moves on an hour, as ``notifications.timing.at_local``)."""
        try:
            return local_datetime(day, datetime.time(hour, minute))
        except DomainError:  # the missing hour in March
            return local_datetime(day, datetime.time(hour + 1, minute))

    def _stamp(self, day, hour, minute=0):
        """The COPY text (UTC) of ``day`` at hour:minute home time."""
        return copy_value(self.at(day, hour, minute))
