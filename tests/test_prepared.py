"""Prepared reads (carehome.prepared): the booking form's check of the chosen
resident is planned once per database connection, and answers as the ORM's
queryset would, whoever asks."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carehome.prepared import Prepared, spelled_out
from homes.models import Role
from homes.scoping import home_scope
from homes.tests.factories import HomeFactory, MembershipFactory
from residents.models import RelativeLink, Resident
from residents.tests.factories import RelativeLinkFactory, ResidentFactory
from visits.selectors.booking import chosen_to_book, read_to_book
from visits.tests.factories import VisitRestrictionFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared only on PostgreSQL")


@pytest.fixture
def family():
    home = HomeFactory()
    relative = MembershipFactory(home=home, role=Role.FAMILY)
    ada = ResidentFactory(home=home, full_name="Ada Lovelace")
    bert = ResidentFactory(home=home, full_name="Bert Jansch")
    RelativeLinkFactory(home=home, membership=relative, resident=ada)
    RelativeLinkFactory(home=home, membership=relative, resident=bert)
    stranger = ResidentFactory(home=home, full_name="Aaron Stranger")
    return home, relative, ada, bert, stranger


def test_the_chosen_resident_comes_first_and_anyone_not_theirs_is_not_chosen(family):
    home, relative, ada, bert, stranger = family
    with home_scope(home):
        chosen, first_two = chosen_to_book(home, relative, bert.pk)
        assert chosen == bert
        assert [r.pk for r in first_two] == [bert.pk, ada.pk]
        assert read_to_book(home, relative) == {bert.pk: False}

        chosen, first_two = chosen_to_book(home, relative, stranger.pk)
        assert chosen is None
        assert [r.pk for r in first_two] == [ada.pk, bert.pk]  # by name; the stranger is not theirs

        chosen, first_two = chosen_to_book(home, relative, None)
        assert chosen is None and len(first_two) == 2


def test_an_open_restriction_and_an_ended_link_are_read_as_they_are_now(family):
    home, relative, ada, bert, _ = family
    with home_scope(home):
        assert chosen_to_book(home, relative, ada.pk)[0] == ada  # prepared now, on PostgreSQL
        VisitRestrictionFactory(home=home, resident=ada)
        chosen, _ = chosen_to_book(home, relative, ada.pk)
        assert chosen == ada and chosen.restricted is True
        RelativeLink.objects.for_home(home).filter(resident=ada).update(status=RelativeLink.Status.ENDED)
        chosen, first_two = chosen_to_book(home, relative, ada.pk)
        assert chosen is None and [r.pk for r in first_two] == [bert.pk]


def test_staff_choose_any_current_resident_and_another_home_has_none_of_them(family):
    home, _, ada, _, stranger = family
    manager = MembershipFactory(home=home, role=Role.MANAGER)
    with home_scope(home):
        assert chosen_to_book(home, manager, stranger.pk)[0] == stranger
        Resident.objects.for_home(home).filter(pk=stranger.pk).update(status=Resident.Status.LEFT)
        assert chosen_to_book(home, manager, stranger.pk)[0] is None
    other = HomeFactory()
    other_manager = MembershipFactory(home=other, role=Role.MANAGER)
    with home_scope(other):
        chosen, first_two = chosen_to_book(other, other_manager, ada.pk)
    assert chosen is None and first_two == []


def prepared_here():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, prepare_time FROM pg_prepared_statements")
        return dict(cursor.fetchall())


@on_postgresql
def test_it_is_prepared_once_per_connection_and_run_with_the_values_given(family):
    home, relative, ada, bert, _ = family
    with home_scope(home), CaptureQueriesContext(connection) as queries:
        chosen_to_book(home, relative, ada.pk)
        before = prepared_here()
        chosen_to_book(home, relative, bert.pk)
    said = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SELECT name")]
    assert len(said) == 2 and all(sql.startswith("EXECUTE kith_first_two_to_book_") for sql in said)
    assert f", {ada.pk}, " in said[0] and f", {bert.pk}, " in said[1]
    assert "residents_relativelink" in spelled_out(said[0])
    name = said[0].split()[1]
    assert name in before and prepared_here() == before  # not prepared again


def test_a_read_that_cannot_be_prepared_says_so():
    joined = Prepared(
        "kith_test_joined", lambda variant, pk: Resident.objects.filter(pk=pk).select_related("home")
    )
    written = Prepared(
        "kith_test_written",
        lambda variant, pk: Resident.objects.extra(where=[f"residents_resident.id <> {pk}"]),  # noqa: S610
    )
    if connection.vendor != "postgresql":
        pytest.skip("on SQLite the queryset runs as it is")
    with pytest.raises(ValueError, match="select_related"):
        joined.rows("any", 1)
    with pytest.raises(ValueError, match="written into the SQL"):
        written.rows("any", 1)
