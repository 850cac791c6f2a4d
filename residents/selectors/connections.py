"""Reads for the connection log: the residents and people a log entry can name,
a resident's timeline, and one logged connection. Each takes the home
explicitly and costs a fixed number of queries."""

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from carehome.query import parse_ids
from homes.models import Membership, Role
from residents.models import Connection, ConnectionParticipant, PersonWhoMatters, Resident

TIMELINE_PAGE_SIZE = 20

# The roles whose members can be "a member of staff" in a log entry.
STAFF_ROLES = (Role.STAFF, Role.CHAMPION, Role.MANAGER)


def residents_to_choose(home):
    """Everyone living here now (a stay in hospital included), by unit then name:
    the people a connection can be logged for. One query."""
    return Resident.objects.for_home(home).current().order_by("unit", "full_name", "pk")


def chosen_residents(home, ids):
    """The residents of this home living here now among ``ids`` (strings from a
    form), in name order. Ids that are not whole numbers, or name someone who
    does not live here, are simply not found: the form reports them."""
    clean = set(parse_ids(ids))
    if not clean:
        return []
    return list(residents_to_choose(home).filter(pk__in=clean).order_by("full_name", "pk"))


def people_who_matter_to(home, residents):
    """The people still in touch with these residents, for "someone who matters"."""
    return (
        PersonWhoMatters.objects.for_home(home)
        .filter(resident__in=residents, is_active=True)
        .order_by("-essential_care_supporter", "name", "pk")
    )


def staff_to_choose(home):
    """Users with an active staff role at this home, by name."""
    user_ids = Membership.objects.for_home(home).active().filter(role__in=STAFF_ROLES).values("user_id")
    return get_user_model().objects.filter(pk__in=Subquery(user_ids)).order_by("full_name", "pk")


def timeline_page(home, resident, page_number):
    """One page (newest first) of a resident's connections, with everything a
    row shows. Two queries: the count and the page."""
    others = (
        ConnectionParticipant.objects.filter(connection=OuterRef("connection"))
        .order_by()
        .values("connection")
        .annotate(n=Count("pk"))
        .values("n")
    )
    entries = (
        ConnectionParticipant.objects.for_home(home)
        .filter(resident=resident)
        .select_related(
            "connection",
            "connection__person",
            "connection__other_resident",
            "connection__staff_member",
            "connection__logged_by",
            "connection__struck_out_by",
        )
        .annotate(taking_part=Coalesce(Subquery(others, output_field=IntegerField()), 1))
        .order_by("-occurred_at", "-pk")
    )
    return Paginator(entries, TIMELINE_PAGE_SIZE).get_page(page_number)


def participant_for_change(home, resident_pk, connection_pk):
    """A resident's part in one logged connection, with the connection and
    who logged it, for correcting or striking it out; or None. One query."""
    return (
        ConnectionParticipant.objects.for_home(home)
        .filter(resident_id=resident_pk, connection_id=connection_pk)
        .select_related("resident", "connection", "connection__logged_by")
        .first()
    )


def connection_with_participants(home, pk):
    """One logged connection and everyone who took part, or None."""
    connection = (
        Connection.objects.for_home(home)
        .select_related(
            "person", "person__resident", "other_resident", "staff_member", "logged_by", "struck_out_by"
        )
        .filter(pk=pk)
        .first()
    )
    if connection is None:
        return None, []
    participants = list(
        ConnectionParticipant.objects.for_home(home)
        .filter(connection=connection)
        .select_related("resident")
        .order_by("resident__full_name", "pk")
    )
    return connection, participants
