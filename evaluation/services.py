"""Writes for self-evaluation: start one for a period, rate each theme with
the reasons, add evidence, complete it, and keep the improvement plan.

Every write is in one transaction; a create runs once per form token; an edit
of a rating or an action that someone else saved meanwhile is refused
(``carehome.versions``), never silently overwritten.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.timeutils import add_months, long_day
from carehome.versions import last_change, version_bump, version_check
from evaluation.models import Evaluation, EvidenceNote, ImprovementAction, Rating, RatingLevel, Theme
from homes.models import Membership, Role
from homes.submissions import submission_once

EARLIEST = date(2000, 1, 1)
LONGEST_PERIOD_MONTHS = 12
ACTION_AHEAD_MONTHS = 24
RATIONALE_MISSING = "Say in a sentence or two why you gave this rating."
OWNER_ROLES = (Role.MANAGER, Role.CHAMPION, Role.STAFF, Role.ORG_ADMIN)


def _period_problem(start, end, today):
    if start is None or end is None:
        return (
            "Enter the first and last day of the period.",
            "period_start" if start is None else "period_end",
        )
    if start < EARLIEST:
        return f"The period cannot start before {long_day(EARLIEST)}.", "period_start"
    if end < start:
        return "The last day must be on or after the first day.", "period_end"
    if end > today:
        return (
            f"The period cannot end after today ({long_day(today)}): evidence comes from records.",
            "period_end",
        )
    if end > add_months(start, LONGEST_PERIOD_MONTHS):
        return f"A period can be at most {LONGEST_PERIOD_MONTHS} months long.", "period_end"
    return "", ""


def evaluation_start(
    *, home, actor, framework, period_start, period_end, title="", form_token=None, today=None
):
    """A new self-evaluation of ``home`` against ``framework`` for the period,
    with every active theme waiting to be rated."""
    today = today or timezone.localdate()
    if framework is None or not framework.is_active:
        raise DomainError("Choose one of the frameworks listed.", field="framework")
    problem, field = _period_problem(period_start, period_end, today)
    if problem:
        raise DomainError(problem, field=field)
    with (
        transaction.atomic(),
        acting_as(actor),
        submission_once(home=home, actor=actor, token=form_token) as once,
    ):
        evaluation = Evaluation.objects.create(
            home=home,
            framework=framework,
            period_start=period_start,
            period_end=period_end,
            title=(title or "").strip()[:120],
            created_by=actor,
        )
        Rating.objects.bulk_create(
            [
                Rating(home=home, evaluation=evaluation, theme=theme)
                for theme in Theme.objects.filter(framework=framework, is_active=True).order_by("order", "id")
            ]
        )
        once.created(evaluation)
    return evaluation


def _open(evaluation):
    if evaluation.status == Evaluation.Status.COMPLETED:
        raise DomainError(
            "This self-evaluation is completed and kept as it was. Start a new one to rate the home again."
        )


def rating_save(*, home, actor, rating, level, rationale, version=None):
    """Rate one theme (``level`` one of the framework's values, or None to leave
    it unrated) with the reasons."""
    rationale = (rationale or "").strip()
    with transaction.atomic(), acting_as(actor):
        locked = (
            Rating.objects.for_home(home).select_for_update().select_related("evaluation").get(pk=rating.pk)
        )
        _open(locked.evaluation)
        if level is not None:
            values = set(
                RatingLevel.objects.filter(framework_id=locked.evaluation.framework_id).values_list(
                    "value", flat=True
                )
            )
            if level not in values:
                raise DomainError("Choose one of the ratings listed.", field="level")
            if not rationale:
                raise DomainError(RATIONALE_MISSING, field="rationale")
        if len(rationale) > 4000:
            raise DomainError(
                "Keep the reasons to 4,000 characters; add more as evidence.", field="rationale"
            )
        version_check(locked, version, submitted={"level": level, "rationale": rationale})
        locked.level, locked.rationale, locked.updated_by = level, rationale, actor
        locked.save(update_fields=["level", "rationale", "updated_by", "updated_at", *version_bump(locked)])
    return locked


def evidence_add(*, home, actor, evaluation, theme, text, category=None, form_token=None):
    """Evidence the records do not show: what someone said, what was seen."""
    text = (text or "").strip()
    if not text:
        raise DomainError("Write the evidence: what was said, seen or done.", field="text")
    if len(text) > 4000:
        raise DomainError("Keep one piece of evidence to 4,000 characters.", field="text")
    if theme is None or theme.framework_id != evaluation.framework_id:
        raise DomainError("Choose one of this framework's themes.", field="theme")
    if category is not None and category.framework_id != evaluation.framework_id:
        raise DomainError("Choose one of the evidence categories listed.", field="category")
    with (
        transaction.atomic(),
        acting_as(actor),
        submission_once(home=home, actor=actor, token=form_token) as once,
    ):
        locked = Evaluation.objects.for_home(home).select_for_update().get(pk=evaluation.pk)
        _open(locked)
        note = EvidenceNote.objects.create(
            home=home, evaluation=locked, theme=theme, category=category, text=text, added_by=actor
        )
        once.created(note)
    return note


def evaluation_complete(*, home, actor, evaluation, summary="", version=None):
    """Sign the evaluation off: every theme rated, with its reasons. It is then kept as it is."""
    with transaction.atomic(), acting_as(actor):
        locked = Evaluation.objects.for_home(home).select_for_update().get(pk=evaluation.pk)
        _open(locked)
        version_check(locked, version, submitted={"summary": (summary or "").strip()})
        unrated = list(
            Rating.objects.for_home(home)
            .filter(evaluation=locked, level__isnull=True)
            .select_related("theme")
            .order_by("theme__order")
        )
        if unrated:
            names = "; ".join(r.theme.name for r in unrated[:5])
            more = f" and {len(unrated) - 5} more" if len(unrated) > 5 else ""
            raise DomainError(f"Rate every theme before completing. Still to rate: {names}{more}.")
        locked.status = Evaluation.Status.COMPLETED
        locked.summary = (summary or "").strip()
        locked.completed_at, locked.completed_by = timezone.now(), actor
        locked.save(
            update_fields=[
                "status",
                "summary",
                "completed_at",
                "completed_by",
                "updated_at",
                *version_bump(locked),
            ]
        )
    return locked


def _check_action(home, *, action, owner, due_on, today, evaluation, theme):
    if not (action or "").strip():
        raise DomainError("Say what you will do.", field="action")
    if len(action) > 2000:
        raise DomainError("Keep the action to 2,000 characters.", field="action")
    if due_on is None:
        raise DomainError("Enter when it is due.", field="due_on")
    if due_on < EARLIEST or due_on > add_months(today, ACTION_AHEAD_MONTHS):
        latest = add_months(today, ACTION_AHEAD_MONTHS)
        raise DomainError(f"Choose a due date on or before {long_day(latest)}.", field="due_on")
    if owner is not None:
        works_here = (
            Membership.objects.active().for_home(home).filter(user=owner, role__in=OWNER_ROLES).exists()
        )
        if not works_here:
            raise DomainError("Choose someone who works at the home.", field="owner")
    if theme is not None and evaluation is not None and theme.framework_id != evaluation.framework_id:
        raise DomainError("Choose one of this framework's themes.", field="theme")


def action_add(
    *, home, actor, action, due_on, owner=None, evaluation=None, theme=None, form_token=None, today=None
):
    """One action of the improvement plan."""
    today = today or timezone.localdate()
    action = (action or "").strip()
    _check_action(
        home, action=action, owner=owner, due_on=due_on, today=today, evaluation=evaluation, theme=theme
    )
    with (
        transaction.atomic(),
        acting_as(actor),
        submission_once(home=home, actor=actor, token=form_token) as once,
    ):
        created = ImprovementAction.objects.create(
            home=home,
            evaluation=evaluation,
            theme=theme,
            action=action,
            owner=owner,
            due_on=due_on,
            created_by=actor,
        )
        once.created(created)
    return created


def action_update(*, home, actor, item, action, due_on, owner, status, progress="", version=None, today=None):
    """Change an action: what, who, when, how far it has got."""
    today = today or timezone.localdate()
    action = (action or "").strip()
    if status not in ImprovementAction.Status.values:
        raise DomainError("Choose where the action has got to.", field="status")
    _check_action(home, action=action, owner=owner, due_on=due_on, today=today, evaluation=None, theme=None)
    progress = (progress or "").strip()
    with transaction.atomic(), acting_as(actor):
        locked = ImprovementAction.objects.for_home(home).select_for_update().get(pk=item.pk)
        submitted = {
            "action": action,
            "due_on": due_on,
            "owner": owner,
            "status": status,
            "progress": progress,
        }
        version_check(locked, version, submitted=submitted)
        was_done = locked.status == ImprovementAction.Status.DONE
        locked.action, locked.due_on, locked.owner, locked.status, locked.progress = (
            action,
            due_on,
            owner,
            status,
            progress,
        )
        if status == ImprovementAction.Status.DONE and not was_done:
            locked.done_on = today
        elif status != ImprovementAction.Status.DONE:
            locked.done_on = None
        locked.save(
            update_fields=[
                "action",
                "due_on",
                "owner",
                "status",
                "progress",
                "done_on",
                "updated_at",
                *version_bump(locked),
            ]
        )
    return locked


# --- Sharing the figures with connector charities --------------------------------


class SharingChanged(DomainError):
    """Someone changed the home's sharing after the page was opened: ``shares_now`` is what is saved."""

    def __init__(self, message, *, shares_now):
        super().__init__(message, field="shares")
        self.shares_now = shares_now


def sharing_set(*, home, actor, shares, was):
    """Share (or stop sharing) the home's outcome figures with the connector
    charity staff who are members of it. ``was`` is what the form showed: if
    someone changed it since, nothing is saved and SharingChanged says who and
    when, so a manager never undoes a colleague's choice without seeing it.
    Returns whether anything changed."""
    with transaction.atomic(), acting_as(actor):
        locked = type(home).objects.select_for_update().get(pk=home.pk)
        if locked.shares_outcomes == shares:
            home.shares_outcomes = shares
            return False
        if locked.shares_outcomes != was:
            who, when = last_change(locked)
            now = "shares its figures" if locked.shares_outcomes else "does not share its figures"
            at = f" at {timezone.localtime(when):%H:%M on %-d %B %Y}" if when else ""
            raise SharingChanged(
                f"{who or 'Someone else'} changed this{at}, after you opened the page: the home now {now}. "
                "Nothing has been saved. Choose again and save if you still want to change it.",
                shares_now=locked.shares_outcomes,
            )
        locked.shares_outcomes = shares
        locked.save(update_fields=["shares_outcomes"])
    home.shares_outcomes = shares
    return True
