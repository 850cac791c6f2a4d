"""A create written in one statement, on PostgreSQL.

Booking a visit writes five kinds of row: the form's one-time token
(``homes.submissions``), the space's hold, the visit, its history entry and
its outbox rows. Through the ORM that is eight round trips (BEGIN, the token's
claim, four inserts, the claim's "what it created", COMMIT), each compiled
again in Python; at provider scale that was half of a booking's time.
``create_together`` writes them in one statement: a ``WITH … INSERT`` per
shape of rows, prepared once per connection (``carehome.prepared``), gated on
the token's claim. So, as with ``submission_once``:

- a token claimed before inserts nothing, and raises ``AlreadySaved`` with
  what the first one created; a double tap waits on the first's claim, then
  finds it taken;
- a conflict anywhere (an exclusion constraint: the space is taken) undoes
  all of it, the claim too, so the same form can be sent again. One statement
  is one transaction: outside ``transaction.atomic`` it needs no BEGIN and no
  COMMIT.

The rows are unsaved model instances, in the order they are written. Rows that
others point at take their ids first (``next_ids``: one query for all). Every
row of a model auditlog records gets the entry auditlog would have written
(``homes.audit.created_entry``) in the same statement, and every row is the
home's (the tenant guard, as ``save()`` checks it).

Only where ``carehome.prepared.can_prepare()`` (PostgreSQL with server-side
statements): elsewhere, callers write through the ORM as before.
"""

import threading

from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from carehome.prepared import prepare_once
from homes.audit import created_entry
from homes.models import FormSubmission
from homes.scoping import check_write
from homes.submissions import AlreadySaved, earlier_submission

_statements = {}  # shape -> (name, numbered SQL, types)
_sequences = {}  # model -> its id sequence's name
_lock = threading.Lock()


def next_ids(*models):
    """A new id from each model's sequence, in one query, for rows written
    together that point at each other."""
    names = tuple(_sequence(model) for model in models)
    statement = _statements.get(names)
    if statement is None:
        sql = "SELECT " + ", ".join(f"nextval('{name}')" for name in names)
        statement = _remember(names, sql, [])
    name, sql, types = statement
    prepare_once(name, sql, types)
    with connection.cursor() as cursor:
        cursor.execute(f"EXECUTE {name}")
        return list(cursor.fetchone())


def _sequence(model):
    name = _sequences.get(model)
    if name is None:
        table, column = model._meta.db_table, model._meta.pk.column
        connection.ensure_connection()
        # On the driver's own cursor, once per process: set-up, not a query of the request.
        with connection.connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
            name = cursor.fetchone()[0]
        if name is None:
            raise ValueError(f"{table}.{column} has no sequence")
        _sequences[model] = name
    return name


def create_together(*, home, actor, token, rows, created=None, now=None):
    """Insert ``rows`` (unsaved model instances) in one statement, with their
    history entries, claiming the form's ``token`` first (None: no form).
    ``created`` is what the claim remembers (the visit). Raises
    ``AlreadySaved`` if the token was claimed before; nothing is written then."""
    now = now or timezone.now()
    for row in rows:
        if row.home_id != home.pk:
            raise ValueError(f"{type(row).__name__} for home {row.home_id} written with home {home.pk}")
        check_write(row)
        # A new row has nothing pointing at it yet: reading a reverse
        # one-to-one (as the history's diff may) asks no query.
        for relation in row._meta.related_objects:
            if relation.one_to_one and not relation.is_cached(row):
                relation.set_cached_value(row, None)
    written = [(row, _fields(row)) for row in rows]
    values = [_values(row, fields) for row, fields in written]
    # The history entries after the values: the times set on saving are in them.
    for entry in [created_entry(row, now=now) for row in rows if auditlog.contains(type(row))]:
        fields = _fields(entry)
        written.append((entry, fields))
        values.append(_values(entry, fields))
    claim_fields = None
    if token:
        claim = FormSubmission(
            home=home, actor=actor, token=FormSubmission._meta.get_field("token").to_python(token)
        )
        if created is not None:
            claim.created_type = ContentType.objects.get_for_model(created)
            claim.created_id = created.pk
        claim_fields = _fields(claim)
        values.insert(0, _values(claim, claim_fields))
    shape = (
        None if claim_fields is None else tuple(f.column for f in claim_fields),
        tuple((type(row)._meta.db_table, tuple(f.column for f in fields)) for row, fields in written),
    )
    statement = _statements.get(shape)
    if statement is None:
        statement = _remember(shape, *_compose(claim_fields, written))
    name, sql, types = statement
    prepare_once(name, sql, types)
    params = [value for row_values in values for value in row_values]
    with connection.cursor() as cursor:
        cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)
        inserted, *ids = cursor.fetchone()
    if not inserted:
        raise AlreadySaved(earlier_submission(home, token))
    ids = iter(ids)
    for row, _ in written:
        if row.pk is None:
            row.pk = next(ids)
        row._state.adding = False
        row._state.db = connection.alias
    return rows


def _values(row, fields):
    """What the ORM's insert would write for ``row``'s ``fields`` (defaults and
    times set on saving included), ready for the driver."""
    return [field.get_db_prep_save(field.pre_save(row, True), connection) for field in fields]


def _fields(row):
    """The columns an insert of ``row`` writes: its id too when it has one."""
    return [
        field
        for field in type(row)._meta.local_concrete_fields
        if not getattr(field, "generated", False) and (row.pk is not None or not field.primary_key)
    ]


def _compose(claim_fields, written):
    """The statement for this shape: (numbered SQL, parameter types)."""
    quote = connection.ops.quote_name
    types, number = [], 0

    def placeholders(fields):
        nonlocal number
        marks = []
        for field in fields:
            number += 1
            marks.append(f"${number}")
            types.append(field.db_type(connection))
        return ", ".join(marks)

    ctes, source = [], ""
    if claim_fields is not None:
        table = quote(FormSubmission._meta.db_table)
        columns = ", ".join(quote(f.column) for f in claim_fields)
        values = placeholders(claim_fields)
        conflict = quote("token")
        # The models' own table and column names: nothing in the text comes from a request.
        insert = f"INSERT INTO {table} ({columns}) VALUES ({values})"  # noqa: S608
        ctes.append(f"claim AS ({insert} ON CONFLICT ({conflict}) DO NOTHING RETURNING 1)")
        source = " FROM claim"
    # The answer: whether the claim was made, then the ids the rows without one took.
    answer = ["(SELECT count(*) FROM claim)" if claim_fields is not None else "1"]
    for index, (row, fields) in enumerate(written):
        table = quote(type(row)._meta.db_table)
        columns = ", ".join(quote(f.column) for f in fields)
        returning = ""
        if row.pk is None:
            returning = f" RETURNING {quote(row._meta.pk.column)}"
            answer.append(f"(SELECT * FROM row{index})")  # noqa: S608 - names made here
        insert = f"INSERT INTO {table} ({columns}) SELECT {placeholders(fields)}{source}{returning}"
        ctes.append(f"row{index} AS ({insert})")
    return f"WITH {', '.join(ctes)} SELECT {', '.join(answer)}", types


def _remember(shape, sql, types):
    with _lock:
        found = _statements.get(shape)
        if found is None:
            found = (f"kith_together_{len(_statements)}", sql, ", ".join(types))
            _statements[shape] = found
    return found
