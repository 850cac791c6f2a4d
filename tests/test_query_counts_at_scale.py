"""The pages a shift uses cost the same queries in a home with a few rows as
in a home with two years of them: seeded small (5 residents, one week), then
again large (60 residents, twelve weeks of history: thousands of rows), the
same pages as the same people make the same number of queries. Counted with
the fragment cache off: the pages' own work, not Redis."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from homes.demo import email
from homes.models import Home
from residents.models import Resident
from tests.fixtures import restore_reference_rows

# (who, url name, resident page?, query string)
PAGES = [
    ("manager", "homes:dashboard", False, ""),
    ("manager", "residents:list", False, ""),
    ("manager", "residents:list", False, "status=all&review=overdue"),
    ("manager", "residents:detail", True, ""),
    ("manager", "residents:plan", True, ""),
    ("manager", "residents:timeline", True, ""),
    ("manager", "residents:worklist", False, ""),
    ("manager", "residents:connection_add", False, ""),
    ("manager", "visits:day", False, ""),
    ("manager", "notifications:outbox", False, ""),
    ("manager", "community:programme", False, ""),
    ("manager", "volunteers:home", False, ""),
    ("staff", "homes:dashboard", False, ""),
    ("family", "homes:dashboard", False, ""),
    ("family", "residents:family", False, ""),
    ("family", "visits:book", False, ""),
    ("family", "visits:my_visits", False, ""),
]


def _counts(residents_per_home, weeks):
    seed = {"homes": 3, "residents_per_home": residents_per_home, "weeks": weeks}
    call_command("seed_demo", **seed, quiet=True, not_production=True)
    home = Home.objects.order_by("id")[2]  # a home whose rows all come from the history
    resident = Resident.objects.filter(home=home).current().order_by("id").first()
    rows = Resident.objects.filter(home=home).count()
    counts = {}
    for who, name, per_resident, query in PAGES:
        client = Client()
        client.force_login(User.objects.get(email=email(who, home.slug)))
        args = [home.slug, resident.pk] if per_resident else [home.slug]
        url = reverse(name, args=args) + (f"?{query}" if query else "")
        client.get(url)  # the first visit remembers the home
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, f"{who} {url}: {response.status_code}"
        counts[f"{who} {name} {query}".strip()] = len(queries)
    return rows, counts


@pytest.mark.django_db(transaction=True)
def test_the_busiest_pages_cost_the_same_queries_with_few_rows_or_two_years_of_them(settings):
    settings.KITH_FRAGMENT_CACHE = False
    few_rows, few = _counts(5, 1)
    call_command("flush", interactive=False, verbosity=0)
    restore_reference_rows()
    many_rows, many = _counts(60, 12)
    assert many_rows > 5 * few_rows  # people come and go over twelve weeks
    different = {page: (few[page], many[page]) for page in few if few[page] != many[page]}
    assert different == {}
