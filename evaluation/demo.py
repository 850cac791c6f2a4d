"""Demo self-evaluations (``seed_demo``): last quarter's, completed, and this
quarter's, in progress with two themes still to rate, each theme with its
reasons, some evidence the manager added, and an improvement plan with one
action overdue, one under way and one done. Rowan House (England) rates itself
against CQC's quality statements, Birch Court (Scotland) against the Care
Inspectorate's framework. Idempotent: a home with an evaluation is left alone."""

from datetime import date, timedelta

from django.utils import timezone

from evaluation import services
from evaluation.messages import actions_due_planner
from evaluation.models import Evaluation, EvidenceCategory, ImprovementAction, RatingLevel
from evaluation.selectors import framework_for
from homes.models import Membership, Role

# How far below the top of the scale each theme sits, theme by theme, last
# quarter and this (one better, one worse, most the same).
LAST = [1, 2, 1, 2, 2, 1, 3, 1, 2, 2, 1, 2, 2]
NOW = [1, 1, 1, 2, 1, 1, 2, 1, 2, 3, 1, 1, 2]
UNRATED_NOW = 2  # the last two themes are still to rate this quarter

REASONS = {
    1: "Strong. Almost everyone had a meaningful connection most weeks; the records show who, when, how.",
    2: "Good, with work to do: a few residents are left out of group activities, and we know who.",
    3: "Not good enough yet: too few residents go out, and contact with partners has lapsed.",
}
EVIDENCE = [
    "Residents' meeting, October: people asked for more trips to the garden centre; two have been booked.",
    "Families told us at the open afternoon that booking a visit online is easy and the staff are welcoming.",
    "Observed at lunch: staff sat with residents who eat alone and talked about their families.",
]


def _quarter_start(day):
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _rate(home, manager, evaluation, offsets, *, leave_unrated=0):
    top = max(RatingLevel.objects.filter(framework=evaluation.framework).values_list("value", flat=True))
    ratings = list(evaluation.ratings.select_related("theme").order_by("theme__order", "theme_id"))
    for n, rating in enumerate(ratings[: len(ratings) - leave_unrated]):
        offset = offsets[n % len(offsets)]
        level = max(1, top - offset)
        services.rating_save(
            home=home, actor=manager, rating=rating, level=level, rationale=REASONS[min(offset, 3)]
        )


def seed(*, home, residents, staff, today, **_):
    if Evaluation.objects.for_home(home).exists():
        return
    framework = framework_for(home)
    managers = (
        Membership.objects.for_home(home).filter(role=Role.MANAGER, is_active=True).select_related("user")
    )
    manager = next((m.user for m in managers.order_by("id")), None)
    champion = next(
        (
            m.user
            for m in Membership.objects.for_home(home)
            .filter(role=Role.CHAMPION, is_active=True)
            .select_related("user")
            .order_by("id")
        ),
        manager,
    )
    if framework is None or manager is None:
        return
    this_quarter = _quarter_start(today)
    last_quarter = _quarter_start(this_quarter - timedelta(days=1))
    last = services.evaluation_start(
        home=home,
        actor=manager,
        framework=framework,
        period_start=last_quarter,
        period_end=this_quarter - timedelta(days=1),
        title=f"Quarter to {this_quarter - timedelta(days=1):%-d %B %Y}",
        today=today,
    )
    _rate(home, manager, last, LAST)
    services.evaluation_complete(
        home=home,
        actor=manager,
        evaluation=last,
        summary="Families and visiting are a strength. Going out into the community is what we will improve.",
    )
    Evaluation.objects.for_home(home).filter(pk=last.pk).update(
        completed_at=timezone.now() - timedelta(days=60)
    )

    current = services.evaluation_start(
        home=home,
        actor=manager,
        framework=framework,
        period_start=this_quarter,
        period_end=today,
        title=f"Quarter from {this_quarter:%-d %B %Y}",
        today=today,
    )
    _rate(home, champion, current, NOW, leave_unrated=UNRATED_NOW)
    themes = [r.theme for r in current.ratings.select_related("theme").order_by("theme__order", "theme_id")]
    categories = list(EvidenceCategory.objects.filter(framework=framework).order_by("order"))
    for n, text in enumerate(EVIDENCE):
        services.evidence_add(
            home=home,
            actor=manager,
            evaluation=current,
            theme=themes[n % len(themes)],
            text=text,
            category=categories[n % len(categories)] if categories else None,
        )
    plan = [
        (
            "Ask the primary school round the corner to start a monthly reading visit.",
            -10,
            ImprovementAction.Status.PLANNED,
        ),
        (
            "Give every resident who wants one a weekly video call with family, with help.",
            21,
            ImprovementAction.Status.IN_PROGRESS,
        ),
        ("Name an essential care supporter with everyone who wants one.", -30, ImprovementAction.Status.DONE),
    ]
    for n, (action, days, status) in enumerate(plan):
        item = services.action_add(
            home=home,
            actor=manager,
            evaluation=last,
            theme=themes[(n * 4) % len(themes)],
            action=action,
            owner=champion if n != 2 else manager,
            due_on=today + timedelta(days=days),
            today=today,
        )
        if status != ImprovementAction.Status.PLANNED:
            services.action_update(
                home=home,
                actor=manager,
                item=item,
                action=item.action,
                due_on=item.due_on,
                owner=item.owner,
                status=status,
                progress="Six of nine families have said yes so far."
                if n == 1
                else "All done and in the plans.",
                today=today,
            )
    # The overdue action's reminder to its lead, in the outbox like the others.
    actions_due_planner(timezone.now(), home=home)
