"""The home's dashboard: a panel whose code fails breaks the page, loudly,
rather than being left out (a missing panel would tell a manager nothing is
late)."""

import pytest
from django.core.exceptions import ObjectDoesNotExist
from django.db import DatabaseError
from django.urls import reverse

from homes import dashboard
from homes.dashboard import Panel
from tests.html import main_text


def _failing(error):
    def context(request):
        raise error

    return context


@pytest.mark.parametrize(
    "error",
    [
        DatabaseError("the panel's query failed"),  # once silenced by {% if not panel.hidden %}
        KeyError("a missing key in the panel's code"),  # ...and these by the variable lookup
        ObjectDoesNotExist("a row the panel's code expected"),
    ],
    ids=type,
)
def test_a_panel_whose_code_fails_breaks_the_dashboard(world, client_for, monkeypatch, error):
    panel = Panel("broken", "notifications/panel_letters.html", "home.dashboard", _failing(error))
    monkeypatch.setitem(dashboard._PANELS, panel.key, panel)
    client = client_for(world.manager)
    with pytest.raises(type(error)):
        client.get(reverse("homes:dashboard", args=[world.home.slug]))


def test_a_panel_is_left_out_only_when_it_says_it_is_hidden(world, client_for, monkeypatch):
    def letters(count, hidden):
        return lambda request: {"letters": count, "hidden": hidden}

    for key, panel_context in (("shown", letters(3, False)), ("hidden", letters(4, True))):
        panel = Panel(key, "notifications/panel_letters.html", "home.dashboard", panel_context)
        monkeypatch.setitem(dashboard._PANELS, key, panel)
    page = main_text(client_for(world.manager).get(reverse("homes:dashboard", args=[world.home.slug])))
    assert "3 letters to print and post" in page
    assert "4 letters" not in page
