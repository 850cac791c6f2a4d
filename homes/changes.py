"""Which homes' data changed: PostgreSQL notes every write, Kith's code never has to.

Every table of Kith's data carries statement-level triggers that add one row
to ``homes_datachange`` per home a statement touched (``home_id``; empty for
data shared between homes: people's names, the organisation, the partner
directory, interests). The triggers see every write, whatever made it: the
ORM, ``QuerySet.update``, a raw SQL statement, a migration or a script.

A home's *generation* is "newest change id : number of changes" for that home
and for shared data, read with the acting membership (one query, no more).
``homes.fragments`` keys cached page fragments by it, so a cached fragment is
never served after a write it does not show:

- the newest id moves with every committed change;
- the count moves too when a transaction that took a lower id commits after a
  newer one (the newest id alone would miss that write);
- ``prune`` keeps the newest change of each home and then adds one, so the
  newest id moves whenever the count falls.

The triggers are (re)installed after every ``migrate`` (``install``), for the
tables as they are then: a new model gets its triggers with its migration.
"""

from django.apps import apps
from django.db import connections

TABLE = "homes_datachange"

# Tables whose writes change nothing a page shows (sessions, sign-in lockouts,
# the audit log itself, one-time form tokens, worker heartbeats, Django's own).
SKIP_TABLES = {
    TABLE,
    "qsessions_session",
    "django_migrations",
    "django_content_type",
    "django_admin_log",
    "auth_permission",
    "auth_group",
    "auth_group_permissions",
    "homes_formsubmission",
    "notifications_heartbeat",
    # Figures worked out again from the records every few minutes: refreshing
    # them is not a change to the home's data (its records are).
    "evaluation_weeklyfigures",
}
SKIP_PREFIXES = ("axes_", "auditlog_")
# A column change that alters no page: signing in, a new password hash.
IGNORED_COLUMNS = {"accounts_user": ("last_login", "password")}
# A home's rows that other homes' pages show too: a person's memberships make
# the "Switch home" menu on every home they belong to.
SHARED_TOO = {"homes_membership"}

FUNCTION = f"""
CREATE OR REPLACE FUNCTION kith_note_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
-- TG_ARGV[0]: 'home' (the rows' home_id; and shared data too when TG_ARGV[1]
-- is 'shared too'), 'self' (the rows are homes), 'join' (TG_ARGV[1] is a
-- table with home_id, TG_ARGV[2] the column pointing at it), or 'shared' (no
-- home: every home's pages may show it; TG_ARGV[1] lists columns whose
-- change alone is not a change).
BEGIN
  IF TG_ARGV[0] = 'home' THEN
    INSERT INTO {TABLE} (home_id) SELECT DISTINCT home_id FROM kith_rows;
    IF TG_ARGV[1] = 'shared too' AND EXISTS (SELECT 1 FROM kith_rows) THEN
      INSERT INTO {TABLE} (home_id) VALUES (NULL);
    END IF;
  ELSIF TG_ARGV[0] = 'self' THEN
    INSERT INTO {TABLE} (home_id) SELECT DISTINCT id FROM kith_rows;
  ELSIF TG_ARGV[0] = 'join' THEN
    EXECUTE format(
      'INSERT INTO {TABLE} (home_id) SELECT DISTINCT o.home_id FROM kith_rows r JOIN %I o ON o.id = r.%I',
      TG_ARGV[1], TG_ARGV[2]);
  ELSIF TG_OP = 'UPDATE' AND TG_ARGV[1] IS NOT NULL THEN
    IF EXISTS (
      SELECT 1 FROM kith_rows n JOIN kith_old o ON o.id = n.id
      WHERE (to_jsonb(n) - string_to_array(TG_ARGV[1], ','))
            IS DISTINCT FROM (to_jsonb(o) - string_to_array(TG_ARGV[1], ','))
    ) THEN
      INSERT INTO {TABLE} (home_id) VALUES (NULL);
    END IF;
  ELSIF EXISTS (SELECT 1 FROM kith_rows) THEN
    INSERT INTO {TABLE} (home_id) VALUES (NULL);
  END IF;
  RETURN NULL;
END
$fn$;
"""  # noqa: S608 - TABLE is ours, not input


def _has_home(model):
    return any(f.column == "home_id" for f in model._meta.concrete_fields)


def _how(model):
    """The trigger arguments for a model's table, or None to leave it alone."""
    table = model._meta.db_table
    if table in SKIP_TABLES or table.startswith(SKIP_PREFIXES) or not model._meta.managed:
        return None
    if _has_home(model):
        return ("home", "shared too") if table in SHARED_TOO else ("home",)
    if model._meta.label_lower == "homes.home":
        return ("self",)
    if model._meta.auto_created:  # a many-to-many table: the home of either side
        for field in model._meta.concrete_fields:
            if field.is_relation and _has_home(field.related_model):
                return ("join", field.related_model._meta.db_table, field.column)
    if table in IGNORED_COLUMNS:
        return ("shared", ",".join(IGNORED_COLUMNS[table]))
    return ("shared",)


def _quote(value):
    return "'" + value.replace("'", "''") + "'"


def trigger_sql(model):
    """The statements that (re)create the three triggers of a model's table."""
    how = _how(model)
    if how is None:
        return []
    table = model._meta.db_table
    args = ", ".join(_quote(a) for a in how)
    statements = []
    for op, referencing in (
        ("INSERT", "NEW TABLE AS kith_rows"),
        ("UPDATE", "OLD TABLE AS kith_old NEW TABLE AS kith_rows"),
        ("DELETE", "OLD TABLE AS kith_rows"),
    ):
        statements.append(
            f'CREATE OR REPLACE TRIGGER kith_change_{op.lower()} AFTER {op} ON "{table}" '
            f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION kith_note_change({args})"
        )
    return statements


def install(using="default", **kwargs):
    """Create or refresh the triggers on every table of Kith's data (PostgreSQL;
    other databases keep no generations, and nothing is cached for them)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    existing = set(connection.introspection.table_names())
    if TABLE not in existing:
        return  # migrating backwards past the table
    with connection.cursor() as cursor:
        cursor.execute(FUNCTION)
        for model in apps.get_models(include_auto_created=True):
            if model._meta.db_table in existing:
                for statement in trigger_sql(model):
                    cursor.execute(statement)


def generation_sql(home_column):
    """SQL for the generation of the home in ``home_column`` and of shared data."""
    # Our own table and column names: no input in it.
    home = f"(SELECT coalesce(max(id), 0) || ':' || count(*) FROM {TABLE} WHERE home_id = {home_column})"  # noqa: S608
    shared = f"(SELECT coalesce(max(id), 0) || ':' || count(*) FROM {TABLE} WHERE home_id IS NULL)"  # noqa: S608
    return f"{home} || '/' || {shared}"


def prune(using="default"):
    """Keep the newest change of each home (and of shared data), then note one
    more change for each home that lost rows, so its newest id moves. Returns
    how many rows went."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH newest AS (SELECT home_id, max(id) AS keep FROM {TABLE} GROUP BY home_id),
            gone AS (
                DELETE FROM {TABLE} d USING newest n
                WHERE d.home_id IS NOT DISTINCT FROM n.home_id AND d.id < n.keep
                RETURNING d.home_id
            ),
            noted AS (INSERT INTO {TABLE} (home_id) SELECT DISTINCT home_id FROM gone RETURNING 1)
            SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM noted)
            """  # noqa: S608 - TABLE is ours
        )
        return cursor.fetchone()[0]


def generation(home_id, using="default"):
    """The generation of a home (and of shared data), as requests read it."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT {generation_sql('%s')}", [home_id])
        return cursor.fetchone()[0]
