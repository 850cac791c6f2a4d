"""A self-evaluation's writes: started once per form, every theme waiting to be
rated, ratings with their reasons, evidence, completion only when every theme
is rated, and an improvement plan; an edit someone else saved meanwhile is
refused, and bad input says what is wrong, saving nothing."""

import uuid
from datetime import date, timedelta

import pytest

from carehome.errors import DomainError
from carehome.versions import EditConflict
from evaluation import services
from evaluation.models import Evaluation, EvidenceNote, ImprovementAction, Rating
from evaluation.selectors import framework_for
from homes.models import Nation, Role
from homes.submissions import AlreadySaved
from homes.tests.factories import HomeFactory, MembershipFactory

TODAY = date(2026, 11, 30)


@pytest.fixture
def scene(db):
    home = HomeFactory(nation=Nation.SCOTLAND)
    manager = MembershipFactory(home=home, role=Role.MANAGER).user
    champion = MembershipFactory(home=home, role=Role.CHAMPION).user
    framework = framework_for(home)
    evaluation = services.evaluation_start(
        home=home,
        actor=manager,
        framework=framework,
        period_start=date(2026, 9, 1),
        period_end=date(2026, 11, 30),
        today=TODAY,
    )
    return home, manager, champion, framework, evaluation


def rate_all(home, actor, evaluation, level=5):
    for rating in Rating.objects.for_home(home).filter(evaluation=evaluation):
        services.rating_save(
            home=home, actor=actor, rating=rating, level=level, rationale="Weekly choir with the school."
        )


def test_a_new_evaluation_has_every_theme_waiting_and_is_saved_once_per_form(scene):
    home, manager, _, framework, evaluation = scene
    assert evaluation.ratings.count() == framework.themes.filter(is_active=True).count() == 13
    assert not evaluation.ratings.exclude(level=None).exists()
    token = uuid.uuid4()
    kwargs = {"home": home, "actor": manager, "framework": framework, "today": TODAY, "form_token": token}
    services.evaluation_start(period_start=date(2026, 6, 1), period_end=date(2026, 8, 31), **kwargs)
    with pytest.raises(AlreadySaved):
        services.evaluation_start(period_start=date(2026, 6, 1), period_end=date(2026, 8, 31), **kwargs)
    assert Evaluation.objects.for_home(home).count() == 2


@pytest.mark.parametrize(
    ("start", "end", "field", "said"),
    [
        (date(2026, 9, 1), date(2026, 8, 1), "period_end", "on or after the first day"),
        (date(2026, 9, 1), date(2026, 12, 25), "period_end", "cannot end after today"),
        (date(1999, 1, 1), date(1999, 3, 1), "period_start", "cannot start before 1 January 2000"),
        (date(2024, 1, 1), date(2026, 1, 1), "period_end", "at most 12 months"),
        (None, date(2026, 1, 1), "period_start", "first and last day"),
    ],
)
def test_a_period_out_of_bounds_is_refused_next_to_its_field(scene, start, end, field, said):
    home, manager, _, framework, _ = scene
    with pytest.raises(DomainError) as refused:
        services.evaluation_start(
            home=home, actor=manager, framework=framework, period_start=start, period_end=end, today=TODAY
        )
    assert refused.value.field == field and said in str(refused.value)
    assert Evaluation.objects.for_home(home).count() == 1


def test_a_rating_needs_a_level_of_the_framework_and_its_reasons(scene):
    home, _, champion, _, evaluation = scene
    rating = evaluation.ratings.first()
    with pytest.raises(DomainError, match="ratings listed"):
        services.rating_save(home=home, actor=champion, rating=rating, level=9, rationale="Good")
    with pytest.raises(DomainError, match="why you gave"):
        services.rating_save(home=home, actor=champion, rating=rating, level=5, rationale="  ")
    saved = services.rating_save(
        home=home, actor=champion, rating=rating, level=5, rationale=" Strong links. "
    )
    assert (saved.level, saved.rationale, saved.updated_by, saved.version) == (
        5,
        "Strong links.",
        champion,
        2,
    )


def test_a_rating_someone_else_changed_meanwhile_is_not_overwritten(scene):
    home, manager, champion, _, evaluation = scene
    rating = evaluation.ratings.first()
    opened = rating.version
    services.rating_save(home=home, actor=manager, rating=rating, level=4, rationale="Mine.", version=opened)
    with pytest.raises(EditConflict):
        services.rating_save(
            home=home, actor=champion, rating=rating, level=6, rationale="Theirs.", version=opened
        )
    rating.refresh_from_db()
    assert (rating.level, rating.rationale) == (4, "Mine.")


def test_completion_needs_every_theme_rated_and_then_keeps_it_as_it_was(scene):
    home, manager, _, _, evaluation = scene
    with pytest.raises(DomainError, match="Still to rate: 1.1"):
        services.evaluation_complete(home=home, actor=manager, evaluation=evaluation)
    rate_all(home, manager, evaluation)
    done = services.evaluation_complete(
        home=home, actor=manager, evaluation=evaluation, summary="Strong on family."
    )
    assert done.status == Evaluation.Status.COMPLETED and done.completed_by == manager
    rating = evaluation.ratings.first()
    with pytest.raises(DomainError, match="completed and kept"):
        services.rating_save(home=home, actor=manager, rating=rating, level=1, rationale="Changed my mind.")
    theme = rating.theme
    with pytest.raises(DomainError, match="completed and kept"):
        services.evidence_add(home=home, actor=manager, evaluation=evaluation, theme=theme, text="More.")


def test_evidence_belongs_to_the_frameworks_themes(scene):
    home, manager, _, _, evaluation = scene
    theme = evaluation.ratings.first().theme
    note = services.evidence_add(
        home=home, actor=manager, evaluation=evaluation, theme=theme, text="Families said visiting is easy."
    )
    assert note.added_by == manager
    england = framework_for(HomeFactory(nation=Nation.ENGLAND))
    with pytest.raises(DomainError, match="this framework's themes"):
        services.evidence_add(
            home=home, actor=manager, evaluation=evaluation, theme=england.themes.first(), text="Elsewhere."
        )
    with pytest.raises(DomainError, match="evidence categories listed"):
        services.evidence_add(
            home=home,
            actor=manager,
            evaluation=evaluation,
            theme=theme,
            text="Sorted wrong.",
            category=england.categories.first(),
        )
    with pytest.raises(DomainError, match="Write the evidence"):
        services.evidence_add(home=home, actor=manager, evaluation=evaluation, theme=theme, text=" ")
    assert EvidenceNote.objects.for_home(home).count() == 1


def test_the_improvement_plan(scene):
    home, manager, champion, _, evaluation = scene
    theme = evaluation.ratings.first().theme
    action = services.action_add(
        home=home,
        actor=manager,
        evaluation=evaluation,
        theme=theme,
        action="Start a monthly coffee morning with the primary school.",
        owner=champion,
        due_on=TODAY + timedelta(days=30),
        today=TODAY,
    )
    assert action.status == ImprovementAction.Status.PLANNED
    outsider = MembershipFactory(role=Role.MANAGER).user  # works at another home
    relative = MembershipFactory(home=home, role=Role.FAMILY).user
    for who in (outsider, relative):
        with pytest.raises(DomainError, match="works at the home"):
            services.action_add(home=home, actor=manager, action="X", owner=who, due_on=TODAY, today=TODAY)
    with pytest.raises(DomainError, match="on or before"):
        services.action_add(home=home, actor=manager, action="X", due_on=date(2031, 1, 1), today=TODAY)
    done = services.action_update(
        home=home,
        actor=champion,
        item=action,
        action=action.action,
        due_on=action.due_on,
        owner=champion,
        status=ImprovementAction.Status.DONE,
        progress="First one held on 12 December.",
        version=action.version,
        today=TODAY,
    )
    assert (done.status, done.done_on) == (ImprovementAction.Status.DONE, TODAY)
    with pytest.raises(EditConflict):
        services.action_update(
            home=home,
            actor=manager,
            item=action,
            action="Something else",
            due_on=action.due_on,
            owner=None,
            status=ImprovementAction.Status.PLANNED,
            version=action.version,
            today=TODAY,
        )
