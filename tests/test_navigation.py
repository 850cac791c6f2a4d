"""The main navigation: filled by each app from its AppConfig.ready()
(homes.navigation.register_nav_item), the same menus as when the core listed
every feature's page itself."""

import pytest
from django.urls import reverse

from homes.navigation import nav_items


def test_every_app_registers_its_entries_in_the_old_order():
    assert [item.url_name for item in nav_items()] == [
        "homes:dashboard",
        "volunteers:portal",
        "residents:list",
        "residents:worklist",
        "residents:connection_add",
        "residents:coproduction_list",
        "visits:day",
        "residents:family",
        "visits:book",
        "visits:my_visits",
        "community:family_stories",
        "community:programme",
        "volunteers:home",
        "evaluation:dashboard",
        "homes:members",
        "homes:spaces",
        "notifications:outbox",
        "privacy:requests",
    ]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("manager", ["Home", "Residents", "Who needs connection", "Log a connection"]),
        ("family", ["Home", "My relatives", "Book a visit", "My visits"]),
    ],
)
def test_each_role_sees_its_own_menu(world, client_for, role, expected):
    response = client_for(world.member(role)).get(reverse("homes:dashboard", args=[world.home.slug]))
    menu = response.context["nav_items"]()  # made when the header is rendered
    labels = [item["label"] for item in menu]
    assert labels[: len(expected)] == expected
    assert labels == [i.label for i in nav_items() if world.member(role).has_perm(i.permission)]
    assert sum(item["current"] for item in menu) == 1
    assert all(label in response.content.decode() for label in labels)
