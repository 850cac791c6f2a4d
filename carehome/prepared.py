"""Hot reads as PostgreSQL prepared statements, written with the ORM.

For a query with joins and subqueries, PostgreSQL's planning costs more than
running it, and Django compiles the queryset again on every request (at
provider scale, the booking form's check of the chosen resident: planning
0.9 ms, running 0.2 ms, compiling about as much again in Python). A
``Prepared`` read compiles its queryset once per process, with stand-in
values for its arguments; prepares that SQL once per database connection
(connections persist, CONN_MAX_AGE); and then only runs it (``EXECUTE``)
with the real values, as model instances with their annotations.

The queryset stays the one source of the query: change it, and the statement
follows. A stand-in is a negative number no id ever takes; compiling refuses
a query that writes one into its text rather than passing it as a parameter.

Only on PostgreSQL with server-side statements. Not through pgbouncer in
transaction mode (DATABASE_DISABLE_SERVER_SIDE_CURSORS), where the next
statement may reach another server connection; there, and on SQLite, the
queryset runs as it is.
"""

import datetime
import decimal
import itertools
import re
import threading
import weakref

from django.db import connection

_stand_ins = itertools.count(-7_300_000_000_000_001, -1)
_prepared_on = weakref.WeakKeyDictionary()  # driver connection -> {statement names}
_PLACEHOLDER = re.compile(r"%([%s])")
# bool before int: a bool is an int too.
_TYPES = [
    (bool, "boolean"),
    (int, "bigint"),
    (str, "text"),
    (float, "double precision"),
    (datetime.datetime, "timestamptz"),
    (datetime.date, "date"),
    (decimal.Decimal, "numeric"),
]


def can_prepare():
    return connection.vendor == "postgresql" and not connection.settings_dict.get(
        "DISABLE_SERVER_SIDE_CURSORS"
    )


def prepare_once(name, sql, types=""):
    """``PREPARE name (types) AS sql`` on this connection, unless it was
    already. ``sql`` is numbered ($1, $2, …); ``types`` lists theirs."""
    connection.ensure_connection()
    raw = connection.connection
    names = _prepared_on.setdefault(raw, set())
    if name in names:
        return
    # On the driver's own cursor: preparing is the connection's set-up, not a
    # query of the request (the query counts and their guards stay the same).
    with raw.cursor() as cursor:
        cursor.execute(f"PREPARE {name} ({types}) AS {sql}" if types else f"PREPARE {name} AS {sql}")
    names.add(name)


class Prepared:
    """``build(*args)`` (a queryset, no ``select_related``) as a prepared
    statement per ``variant``: a hashable naming what else shapes the query
    (a role, a permission), since each shape is its own statement."""

    def __init__(self, name, build):
        self.name = name
        self.build = build
        self._compiled = {}  # variant -> (name, types, numbered SQL, [arg index or (constant,)], model)
        self._plans = {}  # statement name -> _RowPlan
        self._lock = threading.Lock()

    def rows(self, variant, *args):
        """The queryset's rows for these arguments, as a list."""
        if not can_prepare():
            return list(self.build(variant, *args))
        name, types, sql, slots, model = self._compile(variant, len(args))
        prepare_once(name, sql, types)
        params = [args[slot] if isinstance(slot, int) else slot[0] for slot in slots]
        placeholders = ", ".join(["%s"] * len(params))
        execute = f"EXECUTE {name} ({placeholders})" if params else f"EXECUTE {name}"
        plan = self._plans.get(name)
        if plan is None:
            # The first time: Django's raw queryset works out which column is
            # which field (and converter), and that is kept for the next times.
            # On the connection it was prepared on (never a replica's).
            rows = model._default_manager.raw(execute, params, using=connection.alias)
            found = list(rows)
            self._plans[name] = _RowPlan(rows)
            return found
        with connection.cursor() as cursor:
            cursor.execute(execute, params)
            return plan.instances(cursor.fetchall())

    def _compile(self, variant, count):
        found = self._compiled.get(variant)
        if found is None:
            with self._lock:
                found = self._compiled.get(variant) or self._make(variant, count)
                self._compiled[variant] = found
        return found

    def _make(self, variant, count):
        from homes.scoping import crossing_homes

        stand_ins = [next(_stand_ins) for _ in range(count)]
        # Compiled, not run: the stand-ins name no home, so no scope applies.
        with crossing_homes("compiling a prepared statement with stand-in values"):
            queryset = self.build(variant, *stand_ins)
            sql, params = queryset.query.sql_with_params()
        if queryset.query.select_related:
            raise ValueError(f"{self.name}: a prepared read cannot follow select_related")
        for value in stand_ins:
            if str(value) in sql:
                raise ValueError(f"{self.name}: an argument is written into the SQL, not passed")
        slots = [stand_ins.index(p) if p in stand_ins else (p,) for p in params]
        numbers = iter(range(1, len(params) + 1))
        numbered = _PLACEHOLDER.sub(lambda m: "%" if m.group(1) == "%" else f"${next(numbers)}", sql)
        # Each parameter's type said, as the driver would quote it: left to
        # PostgreSQL, a constant such as ``CASE … THEN 0`` would come back as text.
        types = ", ".join(_pg_type(self.name, p) for p in params)
        # Called under the lock: each variant its own number in this process.
        return (f"{self.name}_{len(self._compiled)}", types, numbered, slots, queryset.model)


class _RowPlan:
    """How a statement's rows become model instances, as Django's raw queryset
    does it (``RawModelIterable``), worked out once: which columns make the
    model, which are annotations, and the fields' converters."""

    def __init__(self, raw):
        self.model = raw.model
        self.db = raw.db
        self.init_names, self.init_positions, self.annotations = raw.resolve_model_init_order()
        fields = [raw.model_fields.get(column) for column in raw.columns]
        columns = [f.get_col(f.model._meta.db_table) if f else None for f in fields]
        self.compiler = connection.ops.compiler("SQLCompiler")(raw.query, connection, raw.db)
        self.converters = self.compiler.get_converters(columns)

    def instances(self, rows):
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        made = []
        for values in rows:
            instance = self.model.from_db(self.db, self.init_names, [values[i] for i in self.init_positions])
            for name, position in self.annotations:
                setattr(instance, name, values[position])
            made.append(instance)
        return made


def _pg_type(name, value):
    for python, sql in _TYPES:
        if isinstance(value, python):
            return sql
    raise ValueError(f"{name}: no PostgreSQL type known for a parameter of type {type(value).__name__}")


def spelled_out(sql):
    """The statement an ``EXECUTE name (…)`` in a query log ran (from the
    connection's ``pg_prepared_statements``); any other SQL as it is. For tests
    and for reading a log: what a prepared read asked."""
    words = sql.split(None, 2)
    if len(words) < 2 or words[0].upper() != "EXECUTE":
        return sql
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s", [words[1].lower()])
        row = cursor.fetchone()
    return row[0] if row else sql
