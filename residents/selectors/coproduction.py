"""Reads for co-production: sessions, the ideas board and one session's page.

Each function takes the home and owns its joins, so every page costs the same
number of queries however many sessions and ideas the home has.
"""

from django.db.models import Count, F, Prefetch, Q, Window
from django.db.models.functions import RowNumber

from homes.models import Interest
from residents.models import CoproductionSession, Idea, Resident

STATUS_ORDER = [
    Idea.Status.NEW,
    Idea.Status.PLANNED,
    Idea.Status.DONE,
    Idea.Status.NOT_TAKEN_FORWARD,
]


BOARD_LIMIT = 30


def sessions_for_home(home):
    """Sessions newest first, with how many took part and their ideas by status."""
    idea_counts = {
        f"ideas_{status.value}": Count("ideas", filter=Q(ideas__status=status), distinct=True)
        for status in STATUS_ORDER
    }
    return (
        CoproductionSession.objects.for_home(home)
        .annotate(participant_count=Count("participants", distinct=True), **idea_counts)
        .order_by("-held_on", "-id")
    )


def _ideas(home):
    return (
        Idea.objects.for_home(home)
        .select_related("raised_by", "session")
        .prefetch_related(Prefetch("interests", queryset=Interest.objects.order_by("name")))
    )


def ideas_board(home, *, status="", interest=None, per_status=BOARD_LIMIT):
    """The home's ideas grouped by status, newest change first: a list of
    dicts (status, label, ideas, total) in the order New, Planned, Done, Not
    taken forward. ``status`` and ``interest`` (an Interest) narrow it down.
    With no status chosen each group shows its latest ``per_status`` ideas;
    with one chosen, all of them."""
    ideas = _ideas(home)
    statuses = STATUS_ORDER
    if status:
        ideas = ideas.filter(status=status)
        statuses = [s for s in STATUS_ORDER if s == status]
    if interest is not None:
        ideas = ideas.filter(interests=interest)
    totals = dict(ideas.order_by().values_list("status").annotate(n=Count("id")))
    newest_first = [F("updated_at").desc(), F("id").desc()]
    if not status:
        ideas = ideas.annotate(
            place=Window(RowNumber(), partition_by=F("status"), order_by=newest_first)
        ).filter(place__lte=per_status)
    grouped = {s.value: [] for s in statuses}
    for idea in ideas.order_by(*newest_first):
        grouped[idea.status].append(idea)
    return [
        {"status": s.value, "label": s.label, "ideas": grouped[s.value], "total": totals.get(s.value, 0)}
        for s in statuses
    ]


def interests_used_by_ideas(home):
    """The interest tags that this home's ideas carry, for the board's filter."""
    return Interest.objects.filter(ideas__home=home).distinct().order_by("name")


def session_for_page(home, pk):
    """One session with its participants and ideas, or None if it is not this home's."""
    ideas = (
        Idea.objects.for_home(home)
        .select_related("raised_by")
        .prefetch_related(Prefetch("interests", queryset=Interest.objects.order_by("name")))
        .order_by("id")
    )
    return (
        CoproductionSession.objects.for_home(home)
        .select_related("facilitator")
        .prefetch_related(
            Prefetch("participants", queryset=Resident.objects.order_by("full_name")),
            Prefetch("ideas", queryset=ideas),
        )
        .filter(pk=pk)
        .first()
    )


def new_idea_count(home):
    return Idea.objects.for_home(home).filter(status=Idea.Status.NEW).count()
