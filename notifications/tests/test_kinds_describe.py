"""The Messages page says what each message is about in words, never
"VisitRestriction object (2)": every kind either describes its object or
its object's model has a name of its own."""

from django.db import models

from notifications.kinds import all_kinds


def test_every_kind_says_what_its_message_is_about_in_words():
    unnamed = [
        kind.name
        for kind in all_kinds()
        if kind.describe is str and kind.model_class().__str__ is models.Model.__str__
    ]
    assert unnamed == []
