"""The tenant guard (homes/scoping.py): a forgotten scope or filter fails loudly."""

import pytest
from celery import shared_task
from django.apps import apps
from django.urls import reverse

from homes.models import HomeScopedModel, Space
from homes.scoping import (
    HomeScopedManager,
    ScopeError,
    check_home,
    crossing_homes,
    home_scope,
    scoped_home_ids,
)
from homes.tests.factories import SpaceFactory
from residents.models import Resident

pytestmark = pytest.mark.django_db


def home_scoped_models():
    return [m for m in apps.get_models() if issubclass(m, HomeScopedModel)]


def test_every_home_scoped_model_has_the_guarded_manager():
    models = home_scoped_models()
    assert len(models) > 20
    unguarded = [m.__name__ for m in models if not isinstance(m._default_manager, HomeScopedManager)]
    assert unguarded == []


@pytest.mark.parametrize("model", home_scoped_models(), ids=lambda m: m.__name__)
def test_a_query_outside_any_scope_raises(model):
    # A scope that is switched on but names no home: what a task, a command
    # or a thread that forgot to open one sees.
    from django_scopes import scope

    with scope():
        for run in (
            lambda: list(model.objects.all()),
            lambda: model.objects.filter(pk=1).first(),
            model.objects.count,
            model.objects.exists,
            lambda: model.objects.filter(pk=0).update(pk=0),
            lambda: model.objects.filter(pk=0).delete(),
        ):
            with pytest.raises(ScopeError):
                run()


def test_inside_a_home_scope_every_query_is_narrowed_to_that_home(world):
    SpaceFactory(home=world.other_home, name="Their lounge")
    with home_scope(world.home):
        names = set(Space.objects.for_home(world.home).values_list("name", flat=True))
        assert world.space.name in names and "Their lounge" not in names
        # The net holds even where a filter was forgotten: only this home's rows.
        from django.conf import settings

        strict, settings.KITH_STRICT_SCOPES = settings.KITH_STRICT_SCOPES, False
        try:
            assert world.foreign_space.pk not in set(Space.objects.values_list("pk", flat=True))
            assert not Resident.objects.filter(pk=world.foreign_resident.pk).exists()
        finally:
            settings.KITH_STRICT_SCOPES = strict


def test_asking_for_another_home_inside_a_scope_raises(world):
    with home_scope(world.home), pytest.raises(ScopeError):
        list(Space.objects.for_home(world.other_home))


def test_in_tests_a_query_that_does_not_name_its_home_raises(world):
    """KITH_STRICT_SCOPES: a view that drops its for_home() fails its tests."""
    with home_scope(world.home):
        with pytest.raises(ScopeError, match="without saying which home"):
            Space.objects.filter(pk=world.space.pk).first()
        with pytest.raises(ScopeError):
            Resident.objects.get(pk=world.resident.pk)
        # Named: for_home, a home= filter, a related manager, a row already loaded.
        assert Space.objects.for_home(world.home).get(pk=world.space.pk) == world.space
        assert Resident.objects.filter(home=world.home, pk=world.resident.pk).exists()
        assert world.resident.relative_links.count() == 1
        assert world.relative.home == world.home  # a forward key reads through the base manager


def test_crossing_homes_needs_a_reason_and_sees_every_home(world):
    with pytest.raises(ValueError):
        with crossing_homes(""):
            pass
    with crossing_homes("a test that reads every home"):
        assert scoped_home_ids() is None
        homes = set(Space.objects.values_list("home_id", flat=True))
    assert {world.home.pk, world.other_home.pk} <= homes


def test_check_home_refuses_a_row_of_another_home(world):
    from carehome.errors import DomainError

    check_home(world.home, world.space, world.resident)
    with pytest.raises(DomainError, match="not at"):
        check_home(world.home, world.foreign_space)


@shared_task(name="tests.guard.count_spaces")
def count_spaces(home_id=None):
    return Space.objects.for_home(home_id).count() if home_id else Space.objects.count()


@shared_task(name="tests.guard.count_all_spaces", crosses_homes="a test task that counts every home's spaces")
def count_all_spaces():
    return Space.objects.count()


def test_a_task_runs_in_its_homes_scope_or_declares_that_it_crosses_homes(world):
    from django_scopes import scope

    with scope():  # what a worker process starts with: no scope at all
        assert count_spaces.apply(kwargs={"home_id": world.home.pk}).get() == 1
        with pytest.raises(ScopeError):
            count_spaces.apply(throw=True).get()
        assert count_all_spaces.apply().get() >= 2


def test_a_request_runs_in_its_homes_scope(client, world):
    """Another home's space id in this home's address is a 404, never a leak."""
    client.force_login(world.manager.user)
    mine = client.get(
        reverse("homes:space_edit", kwargs={"home_slug": world.home.slug, "pk": world.space.pk})
    )
    assert mine.status_code == 200
    assert world.space.name in mine.content.decode()
    theirs = client.get(
        reverse("homes:space_edit", kwargs={"home_slug": world.home.slug, "pk": world.foreign_space.pk})
    )
    assert theirs.status_code == 404


def test_a_query_built_before_the_scope_opened_is_narrowed_when_it_runs(world, settings):
    settings.KITH_STRICT_SCOPES = False  # production: the net, not the strict test rule
    SpaceFactory(home=world.other_home, name="Their lounge")
    from django_scopes import scope

    with scope():
        early = Space.objects.all()  # built with no scope open
    with home_scope(world.home):
        assert {s.home_id for s in early} == {world.home.pk}
        assert early.count() == Space.objects.for_home(world.home).count()


def test_inside_a_home_scope_another_homes_row_cannot_be_written(world):
    with home_scope(world.home):
        with pytest.raises(ScopeError):
            Space.objects.create(home=world.other_home, name="Sneaky", capacity=4)
        with pytest.raises(ScopeError):
            Space.objects.bulk_create([Space(home=world.other_home, name="Sneaky", capacity=4)])
        world.foreign_space.name = "Renamed from the wrong home"
        with pytest.raises(ScopeError):
            world.foreign_space.save()
        Space.objects.create(home=world.home, name="Quiet room", capacity=2)
    assert not Space.objects.filter(name__in=["Sneaky", "Renamed from the wrong home"]).exists()
