"""Frameworks are data: the two Kith ships with are loaded by migration, a
third loads from a file with no code change, a new edition updates in place,
and a file Kith cannot use is refused whole, saying why."""

import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from evaluation.loader import FrameworkError, load, read, shipped
from evaluation.models import Evaluation, Framework, Rating, Theme
from evaluation.selectors import framework_for
from homes.models import Nation
from homes.tests.factories import HomeFactory

THIRD = {
    "slug": "wales-ciw",
    "name": "Care Inspectorate Wales: quality of care themes",
    "short_name": "CIW",
    "publisher": "Care Inspectorate Wales",
    "edition": "2024",
    "nation": "wales",
    "scale_name": "Four-point scale",
    "theme_word": "theme",
    "levels": [
        {"value": 4, "label": "Excellent"},
        {"value": 3, "label": "Good"},
        {"value": 2, "label": "Requires improvement"},
        {"value": 1, "label": "Poor"},
    ],
    "categories": [{"slug": "people", "name": "What people say"}],
    "themes": [
        {"code": "W1", "group": "Well-being", "title": "People keep in touch", "measures": ["meaningful_7d"]},
        {
            "code": "W2",
            "group": "Well-being",
            "title": "People are part of the community",
            "prompts": ["Who?"],
        },
    ],
}


def test_scotland_and_england_come_with_kith(db):
    scotland = Framework.objects.get(nation=Nation.SCOTLAND)
    england = Framework.objects.get(nation=Nation.ENGLAND)
    assert list(scotland.levels.values_list("value", "label")) == [
        (6, "Excellent"),
        (5, "Very good"),
        (4, "Good"),
        (3, "Adequate"),
        (2, "Weak"),
        (1, "Unsatisfactory"),
    ]
    assert scotland.themes.filter(code="1.2", title="People get the most out of life").exists()
    connection_themes = [
        "A culture for connection",
        "Including family carers",
        "Building peer relationships",
        "Being part of the wider community",
        "Supporting positive staff relationships",
        "Using technology to support connection",
    ]
    assert set(connection_themes) <= set(scotland.themes.values_list("title", flat=True))
    assert england.themes.filter(title="Independence, choice and control").exists()
    assert list(england.categories.values_list("name", flat=True)) == [
        "People's experience of health and care services",
        "Feedback from staff and leaders",
        "Feedback from partners",
        "Observation",
        "Processes",
        "Outcomes",
    ]
    assert len(shipped()) == Framework.objects.count() == 2


def test_a_home_rates_itself_against_its_nations_framework(db):
    assert framework_for(HomeFactory(nation=Nation.SCOTLAND)).publisher == "Care Inspectorate"
    assert framework_for(HomeFactory(nation=Nation.ENGLAND)).short_name == "CQC"
    assert framework_for(HomeFactory(nation=Nation.WALES)) is not None  # no framework of its own yet


def test_a_third_framework_loads_from_a_file_with_no_code_change(db, tmp_path):
    path = tmp_path / "wales.json"
    path.write_text(json.dumps(THIRD), encoding="utf-8")
    call_command("load_framework", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    wales = Framework.objects.get(slug="wales-ciw")
    assert framework_for(HomeFactory(nation=Nation.WALES)) == wales
    assert list(wales.themes.values_list("code", "measures")) == [("W1", ["meaningful_7d"]), ("W2", [])]
    assert wales.levels.count() == 4 and wales.categories.get().name == "What people say"


def test_a_new_edition_updates_in_place_and_keeps_what_was_rated(db):
    wales = load(THIRD)
    home = HomeFactory(nation=Nation.WALES)
    evaluation = Evaluation.objects.create(
        home=home, framework=wales, period_start=date(2026, 7, 1), period_end=date(2026, 9, 30)
    )
    dropped = Theme.objects.get(framework=wales, code="W2")
    Rating.objects.create(home=home, evaluation=evaluation, theme=dropped, level=3, rationale="Weekly choir.")
    edition = {
        **THIRD,
        "edition": "2026",
        "themes": [{**THIRD["themes"][0], "title": "People stay in touch"}],
    }
    assert load(edition).pk == wales.pk
    wales.refresh_from_db()
    assert wales.edition == "2026"
    assert Theme.objects.get(framework=wales, code="W1").title == "People stay in touch"
    dropped.refresh_from_db()
    assert not dropped.is_active  # kept: an evaluation rated it
    assert Rating.objects.get(evaluation=evaluation).theme == dropped
    assert Framework.objects.filter(slug="wales-ciw").count() == 1


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"themes": [{"code": "W1", "title": "A", "measures": ["hugs_per_day"]}]}, "hugs_per_day"),
        ({"themes": [{"code": "W1", "title": "A"}, {"code": "W1", "title": "B"}]}, "own code"),
        ({"themes": [{"code": "W1"}]}, "W1 has no title"),
        ({"levels": [{"value": 4, "label": "A"}, {"value": 4, "label": "B"}]}, "same value"),
        ({"levels": [{"value": "four", "label": "A"}]}, "whole-number"),
        ({"nation": "narnia"}, "nation"),
        ({"name": ""}, "no name"),
    ],
)
def test_a_framework_kith_cannot_use_is_refused_whole_saying_why(db, change, said):
    with pytest.raises(FrameworkError) as refused:
        load({**THIRD, **change})
    assert said in str(refused.value)
    assert not Framework.objects.filter(slug="wales-ciw").exists()


def test_the_command_says_what_is_wrong_with_a_file(db, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="could not be read as JSON"):
        call_command("load_framework", str(path))
    with pytest.raises(FrameworkError):
        read(path)


def test_every_shipped_framework_is_loadable_as_it_stands():
    for path in shipped():
        data = read(path)
        from evaluation.loader import problems_with

        assert problems_with(data) == [], path.name
