import functools

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import BooleanField, Case, Count, Q, Value, When

from accounts import two_step
from carehome.prepared import can_prepare, prepare_once
from homes import changes
from homes.models import Home, Invitation, Membership, Organisation, Role, Space
from homes.scoping import crossing_homes


def memberships_for_user(user):
    """Every home this person belongs to: the switcher, the chooser, sign-in.

    The one read of memberships that crosses homes: it is how a request finds
    its home before a scope can be opened."""
    with crossing_homes("a person's own memberships, before a home is chosen"):
        return list(
            Membership.objects.active()
            .filter(user=user)
            .select_related("home", "home__organisation")
            .order_by("home__name")
        )


def memberships_for_switcher(user, *, leaving_out=None, limit=12):
    """Up to ``limit`` of this person's other homes for the header's switcher,
    by name, and whether there are more (then the switcher links to the chooser)."""
    with crossing_homes("a person's own memberships, for the home switcher"):
        found = (
            Membership.objects.active()
            .filter(user=user)
            .exclude(home_id=leaving_out)
            .select_related("home")
            .order_by("home__name", "id")[: limit + 1]
        )
        found = list(found)
    return found[:limit], len(found) > limit


def membership_for_request(user, home_slug):
    """The acting membership for ``/h/<home_slug>/``, or None (the middleware answers 404).
    It carries the home's data generation (``homes.changes``) as ``generation``.

    Every request to a home asks this, so it is one plain SQL statement, built
    once from the models' fields: the ORM's compiling cost more than the query
    (make bench). It reads what ``Membership.objects.active()`` with
    ``select_related("home", "home__organisation")`` would, and no other home's rows."""
    if not (user.is_authenticated and user.is_active):
        return None
    sql, fields = _membership_query()
    with connection.cursor() as cursor:
        if can_prepare():
            _prepare(sql)
            cursor.execute(f"EXECUTE {_PREPARED} (%s, %s)", [user.pk, home_slug])
        else:
            cursor.execute(sql, [user.pk, home_slug])
        row = cursor.fetchone()
    if row is None:
        return None
    made, at = [], 0
    for model, names in fields:
        made.append(model.from_db(connection.alias, names, row[at : at + len(names)]))
        at += len(names)
    membership, home, organisation = made
    home.organisation = organisation
    membership.home = home
    membership.user = user  # the signed-in user, already loaded
    membership.generation = row[at]
    return membership


# The statement is prepared once on each PostgreSQL connection (they persist,
# CONN_MAX_AGE): planning its joins and the generation's two counts cost more
# than running it (EXPLAIN ANALYZE at provider scale: 0.55 ms against 0.3 ms).
# Not through pgbouncer in transaction mode (carehome.prepared).
_PREPARED = "kith_membership_for_request"


def _prepare(sql):
    # Parameters $1 (the user's id) and $2 (the home's slug), in that order.
    numbered = sql.replace("%s", "$1", 1).replace("%s", "$2", 1)
    prepare_once(_PREPARED, numbered, "bigint, text")


@functools.cache
def _membership_query():
    """(SQL, [(model, attnames)]) for ``membership_for_request``."""
    tables = [(Membership, "m"), (Home, "h"), (Organisation, "o")]
    columns, fields = [], []
    for model, alias in tables:
        concrete = model._meta.concrete_fields
        columns += [f'{alias}."{f.column}"' for f in concrete]
        fields.append((model, [f.attname for f in concrete]))
    # Our own table and column names: no input in it (the user and the slug are parameters).
    sql = (
        f"SELECT {', '.join(columns)}, {changes.generation_sql('m.home_id')} "  # noqa: S608
        f"FROM {Membership._meta.db_table} m "
        f"JOIN {Home._meta.db_table} h ON h.id = m.home_id "
        f"JOIN {Organisation._meta.db_table} o ON o.id = h.organisation_id "
        "WHERE m.user_id = %s AND h.slug = %s AND m.is_active LIMIT 1"
    )
    return sql, fields


ROLE_ORDER = [
    Role.MANAGER,
    Role.ORG_ADMIN,
    Role.CHAMPION,
    Role.STAFF,
    Role.CONNECTOR,
    Role.VOLUNTEER,
    Role.FAMILY,
]


def members_for_home(home, *, with_two_step=False):
    """Everyone at the home, grouped by role (team first), then by name.

    ``with_two_step`` (for those who manage the people): each also says whether
    the person has two-step verification on (``two_step_on``) and whether their
    role here needs it (``two_step_required``), in the same query."""
    by_role = Case(*[When(role=r, then=Value(i)) for i, r in enumerate(ROLE_ORDER)], default=Value(99))
    found = (
        Membership.objects.for_home(home)
        .select_related("user")
        .annotate(role_order=by_role)
        .order_by("role_order", "-is_active", "user__full_name")
    )
    if with_two_step:
        needs_it = When(role__in=two_step.required_roles(), then=Value(True))
        found = found.annotate(
            two_step_on=two_step.is_on_for("user"),
            two_step_required=Case(needs_it, default=Value(False), output_field=BooleanField()),
        )
    return found


def open_invitations_for_home(home):
    return (
        Invitation.objects.for_home(home)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("invited_by")
        .order_by("-created_at")
    )


def spaces_for_home(home):
    return Space.objects.for_home(home).order_by("-is_active", "name")


def home_counts(home):
    """The core numbers on the staff dashboard, one query per table."""
    members = Membership.objects.for_home(home).aggregate(
        staff=Count("id", filter=Q(is_active=True) & ~Q(role__in=["family", "volunteer"])),
        family=Count("id", filter=Q(is_active=True, role="family")),
        volunteers=Count("id", filter=Q(is_active=True, role="volunteer")),
    )
    spaces = Space.objects.for_home(home).aggregate(
        total=Count("id", filter=Q(is_active=True)),
        bookable=Count("id", filter=Q(is_active=True, bookable=True)),
    )
    invitations = open_invitations_for_home(home).count()
    return {
        "members": members,
        "spaces": spaces,
        "open_invitations": invitations,
    }


HIDDEN_HISTORY_FIELDS = {"id", "home"}


def history_for(content_type, record, *, limit=200):
    """The change history of one record, newest first, as rows a person can
    read: [{"entry": LogEntry, "rows": [(label, before, after), …]}].

    Foreign keys are stored as their text when the change is made
    (AUDITLOG_USE_FK_STRING_REPRESENTATION), so reading costs one query."""
    model = content_type.model_class()
    entries = (
        LogEntry.objects.filter(content_type=content_type, object_pk=str(record.pk))
        .select_related("actor", "content_type")
        .order_by("-timestamp")[:limit]
    )
    history = []
    for entry in entries:
        display = entry.changes_display_dict
        rows = []
        for name, values in entry.changes_dict.items():
            if name in HIDDEN_HISTORY_FIELDS:
                continue
            try:
                field = model._meta.get_field(name)
                if field.auto_created and not field.concrete:
                    continue  # a reverse relation, not a change to this record
                label = str(getattr(field, "verbose_name", name))
            except FieldDoesNotExist:
                label = name.replace("_", " ")
            if isinstance(values, dict) and values.get("type") == "m2m":
                names = ", ".join(values.get("objects", []))
                verb = "Added" if values.get("operation") == "add" else "Removed"
                rows.append((label, "", f"{verb}: {names}"))
            else:
                before, after = display.get(label, values)[:2]
                rows.append((label, before, after))
        history.append({"entry": entry, "rows": rows})
    return history
