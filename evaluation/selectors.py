"""Reads for self-evaluation."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from evaluation.models import Evaluation, EvidenceNote, Framework, ImprovementAction, Rating, RatingLevel
from homes.models import Membership


def frameworks():
    """The frameworks a home may rate itself against."""
    return Framework.objects.filter(is_active=True).order_by("name")


def framework_for(home):
    """The home's framework: its nation's (Scotland: the Care Inspectorate's;
    England: CQC's), or the first active one if its nation has none."""
    active = list(frameworks())
    return next((f for f in active if f.nation == home.nation), active[0] if active else None)


def evaluations_for(home):
    """The home's self-evaluations, newest period first, each with how many themes are rated."""
    return list(
        Evaluation.objects.for_home(home)
        .select_related("framework")
        .annotate(
            themes=Count("ratings"),
            rated=Count("ratings", filter=Q(ratings__level__isnull=False)),
        )
        .order_by("-period_end", "-id")
    )


def evaluation_for_page(home, pk):
    return (
        Evaluation.objects.for_home(home)
        .select_related("framework", "created_by", "completed_by")
        .filter(pk=pk)
        .first()
    )


def levels_of(framework):
    """{value: RatingLevel} of the framework's scale, best first."""
    return {
        level.value: level for level in RatingLevel.objects.filter(framework=framework).order_by("-value")
    }


def ratings_of(evaluation):
    return list(
        Rating.objects.for_home(evaluation.home_id)
        .filter(evaluation=evaluation)
        .select_related("theme", "updated_by")
        .order_by("theme__order", "theme_id")
    )


def previous_of(evaluation):
    """The home's last completed self-evaluation against the same framework
    before this one's period ended (what this one is set beside), or None."""
    return (
        Evaluation.objects.for_home(evaluation.home_id)
        .filter(
            framework_id=evaluation.framework_id,
            status=Evaluation.Status.COMPLETED,
            period_end__lte=evaluation.period_end,
        )
        .exclude(pk=evaluation.pk)
        .order_by("-period_end", "-id")
        .first()
    )


def previous_levels(previous):
    """{theme id: level} of the earlier evaluation's ratings."""
    if previous is None:
        return {}
    return dict(
        Rating.objects.for_home(previous.home_id).filter(evaluation=previous).values_list("theme_id", "level")
    )


def notes_of(evaluation):
    return list(
        EvidenceNote.objects.for_home(evaluation.home_id)
        .filter(evaluation=evaluation)
        .select_related("category", "added_by")
        .order_by("added_at", "id")
    )


def rating_for_page(home, pk):
    return (
        Rating.objects.for_home(home).select_related("theme", "evaluation__framework").filter(pk=pk).first()
    )


def actions_for(home, *, evaluation=None):
    """The improvement plan: open actions first (soonest due first), then the finished ones."""
    found = ImprovementAction.objects.for_home(home).select_related("owner", "theme", "evaluation")
    if evaluation is not None:
        found = found.filter(evaluation=evaluation)
    rows = list(found.order_by("due_on", "id"))
    open_ = [a for a in rows if a.status in ImprovementAction.OPEN]
    closed = sorted(
        (a for a in rows if a.status not in ImprovementAction.OPEN),
        key=lambda a: (a.done_on or a.due_on, a.id),
        reverse=True,
    )
    return open_, closed


def action_for_page(home, pk):
    return (
        ImprovementAction.objects.for_home(home)
        .select_related("owner", "theme", "evaluation")
        .filter(pk=pk)
        .first()
    )


def owners_for(home):
    """People who work at the home and may own an action, by name (a queryset of users)."""
    from evaluation.services import OWNER_ROLES

    user_ids = Membership.objects.active().for_home(home).filter(role__in=OWNER_ROLES).values("user_id")
    return get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("full_name", "pk")
