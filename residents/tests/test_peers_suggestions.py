"""Suggestions of residents who might enjoy each other's company: the reasons
in plain words, their order, and who is left out."""

from datetime import date

import pytest

from homes.models import Interest
from residents.models import Resident
from residents.selectors.peers import (
    friends_page,
    rank_suggestions,
    residents_with_plans,
    significant_words,
    things_in_common,
)
from residents.tests.factories import FriendshipFactory, PersonalPlanFactory, ResidentFactory

TODAY = date(2026, 11, 20)


def interests(*names):
    return [Interest.objects.get_or_create(name=n)[0] for n in names]


def person(home, name, *, likes=(), places="", occupation="", faith="", **resident):
    r = ResidentFactory(home=home, full_name=name, **resident)
    plan = PersonalPlanFactory(
        resident=r, places=places, former_occupation=occupation, faith_and_groups=faith
    )
    plan.interests.set(interests(*likes))
    return r


def suggestions_for(home, resident, **kwargs):
    everyone = residents_with_plans(home)
    me = next(r for r in everyone if r.pk == resident.pk)
    return rank_suggestions(me, everyone, **kwargs)


def reasons_between(home, a, b):
    return {s.resident.pk: s.reasons for s in suggestions_for(home, a)}.get(b.pk, [])


@pytest.fixture
def home(world):
    return world.home


def test_shared_interests_are_named(home):
    a = person(home, "Ann Shaw", likes=["Gardening", "Music", "Football"])
    b = person(home, "Bet Lyle", likes=["Music", "Gardening", "Knitting and sewing"])
    assert reasons_between(home, a, b) == ["Both enjoy gardening and music"]


def test_a_shared_place_is_named_as_written(home):
    a = person(home, "Ann Shaw", places="Grew up in Leith, near the docks. Holidays in Blackpool.")
    b = person(home, "Bet Lyle", places="Born and bred in leith")
    assert reasons_between(home, a, b) == ["Both from Leith"]


def test_a_shared_job_reads_as_what_they_were(home):
    a = person(home, "Ann Shaw", occupation="Staff nurse at the Royal Infirmary")
    b = person(home, "Bet Lyle", occupation="District nurse for thirty years")
    c = person(home, "Cis Moon", occupation="Nursing")
    assert reasons_between(home, a, b) == ["Both were nurses"]
    assert reasons_between(home, b, c) == ["Both were nurses"]


def test_a_shared_trade_reads_as_where_they_worked(home):
    a = person(home, "Ann Shaw", occupation="Worked in shipbuilding")
    b = person(home, "Bet Lyle", occupation="Shipbuilding, then the buses")
    assert reasons_between(home, a, b) == ["Both worked in shipbuilding"]


def test_shared_faith_reads_as_something_they_do(home):
    a = person(home, "Ann Shaw", faith="Church of Scotland; the Women's Guild")
    b = person(home, "Bet Lyle", faith="Goes to church on Sundays")
    c = person(home, "Cis Moon", faith="Royal British Legion")
    d = person(home, "Dot Reid", faith="Legion club on a Friday")
    assert reasons_between(home, a, b) == ["Both go to church"]
    assert reasons_between(home, c, d) == ["Both involved with the Legion"]


def test_every_kind_of_reason_together(home):
    a = person(
        home,
        "Ann Shaw",
        likes=["Bowls"],
        places="Grew up in Leith",
        occupation="Teacher",
        faith="Catholic, goes to Mass",
    )
    b = person(
        home, "Bet Lyle", likes=["Bowls"], places="From Leith", occupation="Teaching", faith="Catholic"
    )
    assert reasons_between(home, a, b) == [
        "Both enjoy bowls",
        "Both from Leith",
        "Both were teachers",
        "Both are Catholic",
    ]


def test_short_and_common_words_are_not_things_in_common(home):
    a = person(home, "Ann Shaw", places="Lived in a flat by the sea in town", occupation="Worked at home")
    b = person(home, "Bet Lyle", places="A flat in town, by the sea", occupation="Home, family")
    assert reasons_between(home, a, b) == []
    assert significant_words("The old mill by the sea, where they lived") == {"mill": "mill"}


def test_stronger_matches_come_first_and_only_five_are_kept(home):
    me = person(home, "Ann Shaw", likes=["Gardening", "Music", "Quizzes"], places="Leith")
    strongest = person(home, "Zoe Best", likes=["Gardening", "Music", "Quizzes"], places="Leith")
    weak = [person(home, f"Weak {n}", likes=["Gardening"]) for n in range(6)]
    found = suggestions_for(home, me, limit=5)
    assert [s.resident for s in found][:1] == [strongest]
    assert len(found) == 5
    assert {s.resident.pk for s in found[1:]} <= {w.pk for w in weak}
    assert found[0].strength > found[1].strength


def test_only_current_residents_of_this_home_who_are_not_friends_already(world, home):
    me = person(home, "Ann Shaw", likes=["Gardening"])
    friend = person(home, "Bet Lyle", likes=["Gardening"])
    gone = person(home, "Cis Moon", likes=["Gardening"], status=Resident.Status.LEFT, left_on=TODAY)
    in_hospital = person(home, "Dot Reid", likes=["Gardening"], status=Resident.Status.HOSPITAL)
    stranger = person(world.other_home, "Eve Far", likes=["Gardening"])
    no_plan = ResidentFactory(home=home, full_name="Fay Noplan")
    FriendshipFactory(resident_a=me, resident_b=friend)

    page = friends_page(home, me, today=TODAY)
    suggested = [s.resident for s in page.suggestions]
    assert suggested == [in_hospital]
    assert gone not in suggested and stranger not in suggested and no_plan not in suggested
    assert me not in suggested


def test_a_place_they_are_both_from_or_both_remember(home):
    a = person(home, "Ann Shaw", places="Grew up in Glasgow. Filey every summer.")
    b = person(home, "Bet Lyle", places="Born in Glasgow; caravan holidays at Filey")
    assert reasons_between(home, a, b) == ["Both from Glasgow", "Both have memories of Filey"]


def test_names_of_more_than_one_word_are_kept_whole(home):
    a = person(
        home, "Ann Shaw", places="Summers on the Isle of Man", faith="Women's Institute for fifty years."
    )
    b = person(
        home,
        "Bet Lyle",
        places="Grew up in Leeds. the Isle of Man every summer.",
        faith="The Women's Institute",
    )
    assert reasons_between(home, a, b) == [
        "Both have memories of Isle of Man",
        "Both involved with the Women's Institute",
    ]


def test_a_shared_church_interest_reads_as_going_to_church(home):
    a = person(
        home,
        "Ann Shaw",
        likes=["Church", "DIY and woodwork", "Cars and motorbikes"],
        faith="Church of England",
    )
    b = person(
        home, "Bet Lyle", likes=["Church", "DIY and woodwork", "Cars and motorbikes"], faith="Goes to church"
    )
    assert reasons_between(home, a, b) == [
        "Both enjoy cars and motorbikes, and DIY and woodwork",
        "Both go to church",
    ]


def test_a_workplace_in_common(home):
    a = person(home, "Ann Shaw", occupation="School cook")
    b = person(home, "Bet Lyle", occupation="Dinner lady at the school")
    assert reasons_between(home, a, b) == ["Both worked in the school"]


def test_days_and_numbers_are_not_things_in_common(home):
    a = person(home, "Ann Shaw", faith="The working men's club on a Friday night.")
    b = person(home, "Bet Lyle", faith="Bingo every Friday night for fifty years")
    assert reasons_between(home, a, b) == []


def test_job_titles_of_two_words_workplaces_and_names_in_other_alphabets(home):
    a = person(home, "Ann Shaw", occupation="Mill worker", places="Kraków, where I grew up")
    b = person(home, "Bet Lyle", occupation="Mill worker for forty years", places="Born in Kraków")
    c = person(
        home,
        "Cis Moon",
        occupation="Miner, then taxi driver",
        faith="Not religious, but loves the carol service.",
    )
    d = person(home, "Dot Reid", occupation="Miner and taxi driver", faith="Not religious; the carol service")
    assert reasons_between(home, a, b) == ["Both from Kraków", "Both worked in the mill"]
    assert reasons_between(home, c, d) == ["Both were miners and taxi drivers"]
    e = person(home, "Eve Hart", occupation="Dinner lady")
    f = person(home, "Fay Hart", occupation="School dinner lady")
    assert reasons_between(home, e, f) == ["Both were dinner ladies"]


def test_reasons_from_profiles_directly():
    from residents.selectors.peers import Profile, Words

    mine = Profile(places=Words("Grew up in Leith, then Portobello"))
    theirs = Profile(places=Words("Portobello and leith"))
    assert things_in_common(mine, theirs) == (["Both have memories of Leith and Portobello"], 4)
