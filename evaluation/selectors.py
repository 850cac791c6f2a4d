"""Reads for self-evaluation."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from evaluation.models import (
    Evaluation,
    EvidenceCategory,
    EvidenceNote,
    Framework,
    ImprovementAction,
    Rating,
    RatingLevel,
)
from homes.models import Membership, Role
from homes.selectors import members_for_home


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
    # Who completed it is read only where a page shows it (mostly from a cached fragment).
    return Evaluation.objects.for_home(home).select_related("framework").filter(pk=pk).first()


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


def themes_of(home, item, *, names=False):
    """A self-evaluation theme by theme, grouped as its framework is: each
    theme's rating beside last time's, the evidence from the records and that
    added (all, and by evidence category), and its actions. What the page and
    the evidence pack show; a fixed number of queries. ``names``: residents'
    full names in the examples, not their initials."""
    from evaluation import evidence, examples

    ratings = ratings_of(item)
    previous = previous_of(item)
    before = previous_levels(previous)
    levels = levels_of(item.framework)
    lines = evidence.evidence_for(home, item.period_start, item.period_end)
    moments = examples.examples_for(home, item.period_start, item.period_end, names=names)
    notes = notes_of(item)
    open_, closed = actions_for(home, evaluation=item)
    actions = [*open_, *closed]
    categories = list(EvidenceCategory.objects.filter(framework=item.framework).order_by("order", "id"))
    groups = []
    for rating in ratings:
        said, not_yet = evidence.for_theme(rating.theme, lines, moments)
        was = before.get(rating.theme_id)
        theme_notes = [n for n in notes if n.theme_id == rating.theme_id]
        by_category = [
            {"category": c, "notes": [n for n in theme_notes if n.category_id == c.pk]} for c in categories
        ]
        row = {
            "rating": rating,
            "theme": rating.theme,
            "level": levels.get(rating.level),
            "was": levels.get(was),
            "change": (rating.level - was) if rating.level and was else None,
            "lines": said,
            "examples": examples.for_theme(rating.theme, moments),
            "not_yet": not_yet,
            "notes": theme_notes,
            "by_category": [c for c in by_category if c["notes"]],
            "uncategorised": [n for n in theme_notes if n.category_id is None],
            "actions": [a for a in actions if a.theme_id == rating.theme_id],
        }
        if not groups or groups[-1]["name"] != rating.theme.group:
            groups.append({"name": rating.theme.group, "themes": []})
        groups[-1]["themes"].append(row)
    return {
        "groups": groups,
        "previous": previous,
        "levels": list(levels.values()),
        "unrated": sum(1 for r in ratings if r.level is None),
        "actions": actions,
        "unthemed_actions": [a for a in actions if a.theme_id is None],
    }


def charities_of(home):
    """The connector charities the home works with (whose partner directory
    it uses), by name: their staff's table of homes can include this one."""
    from community.services.partners import directories_for

    return directories_for(home)[1:]  # the first is the home's own organisation


def connector_members(home):
    """The connector charity staff who are members of the home, by name."""
    return list(members_for_home(home).filter(role=Role.CONNECTOR, is_active=True, user__is_active=True))
