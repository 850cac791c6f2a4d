"""Forms for co-production. They only parse; the rules (the session's date,
who must take part, how an idea may move on) belong to
``residents.services.coproduction``, whose ``DomainError`` the views show next
to the field."""

from itertools import groupby

from django import forms
from django.db.models import Q
from django.utils.html import format_html

from carehome.forms import KithForm, OnceFormMixin
from homes.models import Interest
from residents.models import CoproductionSession, Idea, Resident
from residents.services.coproduction import (
    IDEA_MISSING,
    IDEA_TOO_LONG,
    NEXT_STATUSES,
    RAISED_BY_CHOICE,
    STATUS_MISSING,
    TITLE_MISSING,
    UNDER_300_CHARACTERS,
)
from residents.services.plans import CHOOSE_INTERESTS

Method = CoproductionSession.Method

METHOD_HELP = {
    Method.GROUP_DISCUSSION: "A few residents talk together about what they would like to do.",
    Method.REMINISCENCE: "Memories, photos or music from the past spark ideas.",
    Method.SUGGESTION_BOX: "Ideas written down or passed on, sometimes without a name.",
    Method.ONE_TO_ONE: "A quiet chat with one person about what they enjoy or miss.",
    Method.HANDLING_ITEMS: "Objects to hold and talk about, like an old tea set or tools.",
    Method.SENSORY: "Sounds, smells, textures or tastes, for people who say less in words.",
}

PARTICIPANT_CHOICE_ERROR = "Choose people from the list of residents who live here."


def _method_choices():
    return [
        (
            value,
            format_html('{}<span class="choice-hint">{}</span>', label, METHOD_HELP[value]),
        )
        for value, label in CoproductionSession.Method.choices
    ]


class ResidentChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}, room {obj.room}" if obj.room else obj.display_name


class SessionForm(OnceFormMixin, KithForm):
    held_on = forms.DateField(
        label="Date of the session",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The day it took place. Sessions are recorded afterwards.",
        error_messages={
            "required": "Enter the date it happened, like 12/11/2026.",
            "invalid": "Enter a real date, like 12/11/2026.",
        },
    )
    method = forms.ChoiceField(
        label="How did you find out what residents want?",
        widget=forms.RadioSelect,
        choices=_method_choices,
        error_messages={
            "required": "Choose how the session was run.",
            "invalid_choice": "Choose how the session was run from the list.",
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=150,
        help_text="A few words to find it again, like “Summer outings — where shall we go?”",
        error_messages={
            "required": TITLE_MISSING,
            "max_length": "Keep the title under 150 characters.",
        },
    )
    participants = ResidentChoices(
        label="Residents who took part",
        queryset=Resident.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tick everyone who joined in. A suggestion box can have nobody named.",
        error_messages={
            "invalid_choice": PARTICIPANT_CHOICE_ERROR,
            "invalid_pk_value": PARTICIPANT_CHOICE_ERROR,
            "invalid_list": PARTICIPANT_CHOICE_ERROR,
        },
    )
    others_present = forms.CharField(
        label="Others who took part (optional)",
        max_length=300,
        required=False,
        help_text="Staff, relatives or volunteers, like “Beryl (volunteer), Sue (Ada's daughter)”.",
        error_messages={"max_length": UNDER_300_CHARACTERS},
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What people said, in their words where you can.",
        error_messages={"max_length": "Keep the notes under 5,000 characters."},
    )

    def __init__(self, *args, home, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        living_here = Q(status__in=[Resident.Status.CURRENT, Resident.Status.HOSPITAL])
        if session is not None:
            del self.fields["form_token"]  # a one-time token is for recording a new session
            # People who have since left stay on the list when the session is edited.
            living_here |= Q(pk__in=session.participants.values("pk"))
        self.fields["participants"].queryset = (
            Resident.objects.for_home(home).filter(living_here).order_by("full_name")
        )

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError(TITLE_MISSING)
        return title


class InterestChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class IdeaForm(OnceFormMixin, KithForm):
    text = forms.CharField(
        label="The idea",
        max_length=300,
        help_text="In the resident's words where you can, like “A trip to the garden centre”.",
        error_messages={
            "required": IDEA_MISSING,
            "max_length": IDEA_TOO_LONG,
        },
    )
    raised_by = forms.ModelChoiceField(
        label="Whose idea was it? (optional)",
        queryset=Resident.objects.none(),
        required=False,
        empty_label="Nobody in particular",
        error_messages={"invalid_choice": RAISED_BY_CHOICE},
    )
    interests = InterestChoices(
        label="Interests it connects to (optional)",
        queryset=Interest.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=False,
        error_messages={
            "invalid_choice": CHOOSE_INTERESTS,
            "invalid_pk_value": CHOOSE_INTERESTS,
            "invalid_list": CHOOSE_INTERESTS,
        },
    )

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        # The session's participants are usually prefetched; reuse them.
        self.fields["raised_by"].queryset = session.participants.all()
        self.fields["interests"].queryset = Interest.objects.order_by("category", "name")

    def interest_groups(self):
        """The interest checkboxes grouped by category: [(category label, [checkbox, …])]."""
        labels = dict(Interest.Category.choices)
        boxes = [(box.data["value"].instance.category, box) for box in self["interests"]]
        order = list(labels)
        boxes.sort(key=lambda pair: order.index(pair[0]) if pair[0] in order else len(order))
        return [
            (labels.get(category, category), [box for _, box in group])
            for category, group in groupby(boxes, key=lambda pair: pair[0])
        ]


class IdeaStatusForm(KithForm):
    status = forms.ChoiceField(
        label="What has happened to this idea?",
        widget=forms.RadioSelect,
        error_messages={
            "required": STATUS_MISSING,
            "invalid_choice": "Choose one of the options for this idea.",
        },
    )
    note = forms.CharField(
        label="Why, or what happens next",
        max_length=300,
        required=False,
        help_text=(
            "Needed if it is not taken forward: tell residents why. "
            "Otherwise, for example “Booked for Thursday”."
        ),
        error_messages={"max_length": UNDER_300_CHARACTERS},
    )

    def __init__(self, *args, idea, **kwargs):
        # Many of these forms share a page: give each its own ids.
        kwargs.setdefault("auto_id", f"id_idea{idea.pk}_%s")
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        # Any status is accepted here so the service can explain a move that is
        # not possible ("done" before "planned"); only the possible ones are shown.
        status.choices = Idea.Status.choices
        status.widget.choices = status_choices(idea)


def status_choices(idea):
    """The statuses an idea can move to, worded as actions."""
    words = {
        Idea.Status.NEW: "Back to new, to think about again",
        Idea.Status.PLANNED: "Planned",
        Idea.Status.DONE: "Done",
        Idea.Status.NOT_TAKEN_FORWARD: "Not taken forward",
    }
    if idea.status == Idea.Status.DONE:
        words[Idea.Status.PLANNED] = "Not done yet: back to planned"
    elif idea.status == Idea.Status.NOT_TAKEN_FORWARD:
        words[Idea.Status.PLANNED] = "Planned after all"
    return [(s.value, words[s]) for s in NEXT_STATUSES[Idea.Status(idea.status)]]
