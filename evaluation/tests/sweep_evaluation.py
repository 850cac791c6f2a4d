"""Ids for the URL sweep (tests/urls_sweep.py) and the create forms for
tests/test_saves_once.py, for the self-evaluation pages."""

from django.urls import reverse

from evaluation.models import Rating
from evaluation.tests.factories import action_for, evaluation_for
from homes.scoping import home_scope


def _evaluation(w, own):
    return {"pk": evaluation_for(w.home if own else w.other_home).pk}


def _rating(w, own):
    home = w.home if own else w.other_home
    made = evaluation_for(home)
    with home_scope(home):
        return {"pk": Rating.objects.for_home(home).filter(evaluation=made).first().pk}


def _action(w, own):
    return {"pk": action_for(w.home if own else w.other_home).pk}


OBJECT_KWARGS = {
    "evaluation:detail": _evaluation,
    "evaluation:evidence_add": _evaluation,
    "evaluation:complete": _evaluation,
    "evaluation:pack": _evaluation,
    "evaluation:rating_edit": _rating,
    "evaluation:action_edit": _action,
}


def _evidence_page(w):
    made = evaluation_for(w.home)
    return w.manager, reverse("evaluation:evidence_add", args=[w.home.slug, made.pk])


CREATE_VIEWS = {
    "evaluation:start": lambda w: (w.manager, reverse("evaluation:start", args=[w.home.slug])),
    "evaluation:action_add": lambda w: (w.champion, reverse("evaluation:action_add", args=[w.home.slug])),
    "evaluation:evidence_add": _evidence_page,
}


def _keep_weekly_figures(w):
    """The weekly figures a running site keeps (the beat refreshes them): the
    dashboard's 12 weeks and every self-evaluation's period, for the world's home."""
    from django.utils import timezone

    from evaluation import rollups
    from evaluation.evidence import period_weeks
    from evaluation.figures import weeks_ending
    from evaluation.models import Evaluation

    weeks = set(weeks_ending(timezone.localdate(), 12))
    with home_scope(w.home):
        for start, end in Evaluation.objects.for_home(w.home).values_list("period_start", "period_end"):
            weeks.update(period_weeks(start, end))
    rollups.refresh([w.home.pk], sorted(weeks))


WARM_UP = {"evaluation: kept weekly figures": _keep_weekly_figures}
