"""The signed stop link: it names one person, cannot be forged or altered,
and stops working after NOTIFY_OPTOUT_MAX_AGE_DAYS."""

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.utils import timezone

from notifications import tokens


def test_a_token_names_the_person_it_was_made_for():
    assert tokens.read_token(tokens.make_token(user_id=42)) == {"u": 42}
    assert tokens.read_token(tokens.make_token(email="claire@example.org")) == {"e": "claire@example.org"}
    assert "/messages/stop/" in tokens.stop_url(user_id=42)


@pytest.mark.parametrize(
    "forged",
    [
        "nonsense",
        "",
        signing.dumps({"u": 42}, salt="another.purpose"),  # signed, but for something else
        signing.dumps({"x": 1}, salt=tokens.SALT),  # signed, but names nobody
    ],
    # Named, not shown: a signed token carries the second it was made, and the
    # test processes (make test runs two) must collect the same names.
    ids=["nonsense", "empty", "for-another-purpose", "names-nobody"],
)
def test_a_forged_token_is_refused(forged):
    with pytest.raises(tokens.BadToken):
        tokens.read_token(forged)


def test_an_altered_token_is_refused():
    token = tokens.make_token(user_id=42)
    payload, rest = token.split(":", 1)
    other = tokens.make_token(user_id=43).split(":", 1)[0]
    with pytest.raises(tokens.BadToken):
        tokens.read_token(f"{other}:{rest}")
    assert payload != other


def test_an_old_token_has_expired(settings):
    settings.NOTIFY_OPTOUT_MAX_AGE_DAYS = 30
    made = timezone.now()
    with time_machine.travel(made, tick=False):
        token = tokens.make_token(user_id=42)
    with time_machine.travel(made + timedelta(days=30) - timedelta(seconds=5), tick=False):
        assert tokens.read_token(token) == {"u": 42}
    with time_machine.travel(made + timedelta(days=30, seconds=5), tick=False):
        with pytest.raises(tokens.ExpiredToken):
            tokens.read_token(token)
