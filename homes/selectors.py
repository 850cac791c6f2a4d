from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Case, Count, Q, Value, When
from django.db.models.expressions import RawSQL

from homes import changes
from homes.models import Invitation, Membership, Role, Space
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


def membership_for_request(user, home_slug):
    """The acting membership for ``/h/<home_slug>/``, or None (the middleware answers 404).
    It carries the home's data generation (``homes.changes``) as ``generation``."""
    with crossing_homes("resolving which home a request is for"):
        return (
            Membership.objects.active()
            .select_related("home", "home__organisation", "user")
            .filter(user=user, home__slug=home_slug)
            # Our own SQL, no input in it.
            .annotate(generation=RawSQL(changes.generation_sql('"homes_membership"."home_id"'), ()))  # noqa: S611
            .first()
        )


ROLE_ORDER = [
    Role.MANAGER,
    Role.ORG_ADMIN,
    Role.CHAMPION,
    Role.STAFF,
    Role.CONNECTOR,
    Role.VOLUNTEER,
    Role.FAMILY,
]


def members_for_home(home):
    """Everyone at the home, grouped by role (team first), then by name."""
    by_role = Case(*[When(role=r, then=Value(i)) for i, r in enumerate(ROLE_ORDER)], default=Value(99))
    return (
        Membership.objects.for_home(home)
        .select_related("user")
        .annotate(role_order=by_role)
        .order_by("role_order", "-is_active", "user__full_name")
    )


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
