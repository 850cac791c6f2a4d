"""Forms for a family's suggested additions to the plan, and the staff's answer.

The forms only parse; the rules (what each kind of suggestion needs, a reason
to decline) belong to ``visits.services.contributions``, whose ``DomainError``
the views show next to the field."""

from django import forms

from carehome.forms import KithForm, OnceFormMixin
from homes.models import Interest
from visits.models import FamilyContribution
from visits.services.contributions import (
    INTEREST_NOT_LISTED,
    KIND_MISSING,
    MAX_TEXT,
    NAME_LIMIT,
    NAME_TOO_LONG,
    NOTE_LIMIT,
    NOTE_TOO_LONG,
    RELATIONSHIP_LIMIT,
    RELATIONSHIP_TOO_LONG,
    TEXT_TOO_LONG,
)


class InterestChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ContributionForm(OnceFormMixin, KithForm):
    kind = forms.ChoiceField(
        label="What would you like to add?",
        choices=[
            (FamilyContribution.Kind.ABOUT_ME, "Something for their story (“about me”)"),
            (FamilyContribution.Kind.INTEREST, "An interest or hobby"),
            (FamilyContribution.Kind.PERSON, "Someone who matters to them"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": KIND_MISSING,
            "invalid_choice": "Choose from the list.",
        },
    )
    interest = InterestChoiceField(
        queryset=Interest.objects.order_by("name"),
        label="Interest or hobby (if it is on this list)",
        required=False,
        empty_label="— Not on the list —",
        error_messages={"invalid_choice": INTEREST_NOT_LISTED},
    )
    person_name = forms.CharField(
        label="Their name (for someone who matters)",
        required=False,
        max_length=NAME_LIMIT,
        error_messages={"max_length": NAME_TOO_LONG},
    )
    person_relationship = forms.CharField(
        label="Who they are to them",
        required=False,
        max_length=RELATIONSHIP_LIMIT,
        help_text="For example “old friend”, “neighbour” or “grandson”.",
        error_messages={"max_length": RELATIONSHIP_TOO_LONG},
    )
    text = forms.CharField(
        label="In your own words",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="A memory, what they enjoy, or why this person matters. Staff read it before it is added.",
        error_messages={"max_length": TEXT_TOO_LONG},
    )

    def __init__(self, *args, resident, **kwargs):
        super().__init__(*args, **kwargs)
        name = resident.short_name
        self.fields["kind"].choices = [
            (FamilyContribution.Kind.ABOUT_ME, f"Something for {name}'s story (“about me”)"),
            (FamilyContribution.Kind.INTEREST, f"An interest or hobby {name} enjoys"),
            (FamilyContribution.Kind.PERSON, f"Someone who matters to {name}"),
        ]
        self.fields["interest"].label = "Choose it from the list (or describe it below)"
        self.fields["person_name"].label = "Their name"
        self.fields["person_relationship"].label = f"Who they are to {name}"


class ReviewForm(KithForm):
    decision = forms.ChoiceField(
        label="Add this to the plan?",
        choices=[("approve", "Yes, add it to the plan"), ("decline", "No, do not add it")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether to add it.",
            "invalid_choice": "Choose whether to add it.",
        },
    )
    note = forms.CharField(
        label="A note for the family",
        required=False,
        max_length=NOTE_LIMIT,
        help_text="Needed if you do not add it: say why, kindly.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": NOTE_TOO_LONG},
    )
