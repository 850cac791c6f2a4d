"""Every figure on the residents' dashboard panels is a link to the resident
list filtered to just those residents."""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from residents.models import Resident
from residents.tests.factories import PersonalPlanFactory, ResidentFactory
from tests.html import text_of


@pytest.fixture
def residents(world):
    """Peggy (plan overdue), Arthur (no plan), Rose in hospital (due soon),
    Sam (due later), and Doris elsewhere."""
    today = timezone.localdate()
    PersonalPlanFactory(resident=world.resident, review_due_on=today - timedelta(days=3))
    rose = ResidentFactory(home=world.home, full_name="Rose Field", status=Resident.Status.HOSPITAL)
    PersonalPlanFactory(resident=rose, review_due_on=today + timedelta(days=5))
    sam = ResidentFactory(home=world.home, full_name="Sam Later")
    PersonalPlanFactory(resident=sam, review_due_on=today + timedelta(days=60))
    ResidentFactory(home=world.home, full_name="Gone Away", status=Resident.Status.LEFT)
    return world


def panel_links(client, world, panel_id):
    page = client.get(reverse("homes:dashboard", args=[world.home.slug]))
    assert page.status_code == 200
    panel = re.search(rf'aria-labelledby="{panel_id}">(.*?)</section>', page.content.decode(), re.S)
    assert panel is not None, panel_id
    return {
        text_of(text): html.unescape(href)
        for href, text in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', panel.group(1), re.S)
    }


def listed(client, href):
    response = client.get(href)
    assert response.status_code == 200
    found = re.findall(r'<a class="resident-link" href="[^"]+">(.*?)</a>', response.content.decode(), re.S)
    return sorted(text_of(name) for name in found)


def test_the_residents_panel_figures_link_to_their_lists(residents, client_for):
    client = client_for(residents.manager)
    links = panel_links(client, residents, "panel-residents")
    here = ["Arthur Hughes", "Margaret Baxter (Peggy)", "Sam Later"]
    assert listed(client, links["3 living here now"]) == here
    assert listed(client, links["1 in hospital"]) == ["Rose Field"]


def test_the_plan_reviews_panel_figures_link_to_their_lists(residents, client_for):
    client = client_for(residents.manager)
    links = panel_links(client, residents, "panel-plan-reviews")
    assert listed(client, links["1 overdue"]) == ["Margaret Baxter (Peggy)"]
    assert listed(client, links["1 due in the next two weeks"]) == ["Rose Field"]
    assert listed(client, links["1 resident has no review date yet"]) == ["Arthur Hughes"]


def test_an_odd_review_filter_is_ignored(residents, client_for):
    client = client_for(residents.manager)
    url = reverse("residents:list", args=[residents.home.slug])
    assert len(listed(client, f"{url}?review=whenever")) == 4


def test_the_connections_panel_figures_link_to_the_worklist_sections(residents, client_for):
    client = client_for(residents.manager)
    links = panel_links(client, residents, "panel-connections")
    worklist = reverse("residents:worklist", args=[residents.home.slug])
    found = {href for text, href in links.items() if re.match(r"\d+ ", text)}
    assert found == {f"{worklist}#quiet", f"{worklist}#overdue", f"{worklist}#no-visits"}
    page = client.get(worklist).content.decode()
    for anchor in ("quiet", "overdue", "no-visits"):
        assert f'id="{anchor}"' in page


def test_every_link_on_the_managers_dashboard_panels_answers_200(residents, client_for):
    client = client_for(residents.manager)
    page = client.get(reverse("homes:dashboard", args=[residents.home.slug])).content.decode()
    panels = re.findall(r'<section class="panel[^"]*"[^>]*>(.*?)</section>', page, re.S)
    hrefs = {html.unescape(h) for p in panels for h in re.findall(r'<a [^>]*href="(/h/[^"]+)"', p)}
    assert hrefs
    for href in sorted(hrefs):
        assert client.get(href.split("#")[0]).status_code == 200, href
