"""Reads for the resident list, a resident's overview and the choices the
residents' forms offer. Each takes the home explicitly and costs a fixed
number of queries, however many residents the home has."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from homes.models import Interest, Membership, Role
from residents.models import KeyWorkerAssignment, Resident
from residents.selectors.plans import DUE_SOON_DAYS

# Who may be a key worker: the people who work in the home.
KEY_WORKER_ROLES = (Role.STAFF, Role.CHAMPION, Role.MANAGER)


class StatusFilter:
    """The "who" choices on the resident list."""

    LIVING = "living"
    HERE = "here"
    HOSPITAL = "hospital"
    LEFT = "left"
    EVERYONE = "all"

    CHOICES = [
        (LIVING, "Living here (including in hospital)"),
        (HERE, "Living here, not in hospital"),
        (HOSPITAL, "In hospital now"),
        (LEFT, "Moved out or died"),
        (EVERYONE, "Everyone, past and present"),
    ]

    STATUSES = {
        LIVING: [Resident.Status.CURRENT, Resident.Status.HOSPITAL],
        HERE: [Resident.Status.CURRENT],
        HOSPITAL: [Resident.Status.HOSPITAL],
        LEFT: [Resident.Status.LEFT, Resident.Status.DIED],
        EVERYONE: None,
    }


class ReviewFilter:
    """The "plan review" choices on the resident list (the dashboard's plan
    reviews panel links to each); "soon" is the next ``DUE_SOON_DAYS``."""

    ANY = ""
    OVERDUE = "overdue"
    SOON = "soon"
    NONE = "none"

    CHOICES = [
        (ANY, "Any review date"),
        (OVERDUE, "Review overdue"),
        (SOON, "Review due in the next two weeks"),
        (NONE, "No review date yet"),
    ]


def review_filter_q(review, today):
    """The residents whose plan review is ``review`` (a ``ReviewFilter``) on ``today``."""
    if review == ReviewFilter.OVERDUE:
        return Q(plan__review_due_on__lt=today)
    if review == ReviewFilter.SOON:
        soon = today + timedelta(days=DUE_SOON_DAYS)
        return Q(plan__review_due_on__gte=today, plan__review_due_on__lte=soon)
    if review == ReviewFilter.NONE:
        return Q(plan__review_due_on__isnull=True)
    return Q()


class PlanState:
    NONE = "none"  # no plan row, or nothing written in it yet
    OVERDUE = "overdue"  # the review date has passed
    OK = "ok"


def resident_list(
    home, *, search="", unit="", key_worker=None, interest=None, status=StatusFilter.LIVING, review=""
):
    """The home's residents for the list page, filtered, in name order.

    Each row carries ``plan_state`` (see ``PlanState``) and ``review_due_on``
    as annotations, so the plan's long text is never loaded.
    """
    qs = Resident.objects.for_home(home).select_related("key_worker")
    statuses = StatusFilter.STATUSES.get(status, StatusFilter.STATUSES[StatusFilter.LIVING])
    if statuses:
        qs = qs.filter(status__in=statuses)
    if search:
        qs = qs.filter(
            Q(full_name__icontains=search) | Q(preferred_name__icontains=search) | Q(room__iexact=search)
        )
    if unit:
        qs = qs.filter(unit=unit)
    if key_worker is not None:
        qs = qs.filter(key_worker=key_worker)
    if interest is not None:
        # A plan holds an interest once, so this join adds no duplicate rows.
        qs = qs.filter(plan__interests=interest)
    today = timezone.localdate()
    if review:
        qs = qs.filter(review_filter_q(review, today))
    return qs.annotate(
        review_due_on=F("plan__review_due_on"),
        plan_state=Case(
            When(plan__isnull=True, then=Value(PlanState.NONE)),
            When(Q(plan__what_matters="") & Q(plan__about_me=""), then=Value(PlanState.NONE)),
            When(plan__review_due_on__lt=today, then=Value(PlanState.OVERDUE)),
            default=Value(PlanState.OK),
        ),
    ).order_by("full_name", "id")


def units_for_home(home):
    """The units or floors residents of this home live on, in name order."""
    return list(
        Resident.objects.for_home(home)
        .exclude(unit="")
        .order_by("unit")
        .values_list("unit", flat=True)
        .distinct()
    )


def key_worker_choices(home):
    """People who may be a key worker here: active staff, champions and managers
    of this home (never relatives, volunteers or another home's people)."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__home=home,
            memberships__is_active=True,
            memberships__role__in=KEY_WORKER_ROLES,
        )
        .order_by("full_name", "id")
    )


def is_key_worker_here(home, user):
    return Membership.objects.active().for_home(home).filter(user=user, role__in=KEY_WORKER_ROLES).exists()


def interests_in_use(home):
    """The interests found in this home's personal plans (for the list filter)."""
    return Interest.objects.filter(plans__home=home).distinct().order_by("name")


def residents_for_pages(home):
    """The home's residents with what every page about one of them shows
    (the header names the key worker): fetch one with ``get_object_or_404``."""
    return Resident.objects.for_home(home).select_related("key_worker")


def key_worker_history(home, resident):
    """Who has been this resident's key worker, newest first."""
    return list(
        KeyWorkerAssignment.objects.for_home(home)
        .filter(resident=resident)
        .select_related("key_worker", "assigned_by")
        .order_by("-started_on", "-id")
    )


def age_on(date_of_birth, today):
    if date_of_birth is None:
        return None
    return (
        today.year
        - date_of_birth.year
        - ((today.month, today.day) < (date_of_birth.month, date_of_birth.day))
    )


def key_residents_of(home, user, *, limit=6):
    """The residents living here whose key worker is ``user``: the first few
    by name, and how many in all (two queries)."""
    qs = Resident.objects.for_home(home).current().filter(key_worker=user)
    return {"residents": list(qs.order_by("full_name", "id")[:limit]), "total": qs.count()}
