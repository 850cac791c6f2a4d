"""Self-evaluations for tests, made through the services so they are what a
manager would have made."""

from datetime import date

from django.utils import timezone

from evaluation import services
from evaluation.models import Rating
from evaluation.selectors import framework_for
from homes.models import Membership, Role
from homes.scoping import home_scope


def _manager(home):
    with home_scope(home):
        found = Membership.objects.for_home(home).filter(role=Role.MANAGER, is_active=True).first()
    if found is None:
        from homes.tests.factories import MembershipFactory

        found = MembershipFactory(home=home, role=Role.MANAGER)
    return found.user


def evaluation_for(
    home, *, start=date(2026, 7, 1), end=date(2026, 9, 30), rated=None, completed=False, actor=None
):
    """A self-evaluation of ``home``; ``rated`` = a level for every theme (with
    reasons); ``completed`` signs it off (it must then be rated)."""
    actor = actor or _manager(home)
    with home_scope(home):
        made = services.evaluation_start(
            home=home,
            actor=actor,
            framework=framework_for(home),
            period_start=start,
            period_end=end,
            today=max(end, timezone.localdate()),
        )
        if rated is not None:
            for rating in Rating.objects.for_home(home).filter(evaluation=made):
                services.rating_save(
                    home=home,
                    actor=actor,
                    rating=rating,
                    level=rated,
                    rationale=f"Rated {rated}: the records show it.",
                )
        if completed:
            made = services.evaluation_complete(
                home=home, actor=actor, evaluation=made, summary="Kept as it was."
            )
    return made


def action_for(
    home, *, evaluation=None, due_on=None, actor=None, action="Start a weekly tea dance with the nursery."
):
    actor = actor or _manager(home)
    with home_scope(home):
        return services.action_add(
            home=home,
            actor=actor,
            action=action,
            due_on=due_on or timezone.localdate(),
            owner=actor,
            evaluation=evaluation,
        )
