"""Forms for self-evaluation. They only parse; the rules (periods, ratings
with reasons, who may own an action, due dates) belong to
``evaluation.services``."""

from django import forms

from carehome.forms import KithForm, OnceFormMixin, VersionedFormMixin, date_field
from evaluation.models import ImprovementAction
from evaluation.services import RATIONALE_MISSING

PERIOD_DATE = "Enter a date, for example 1 September 2026."
DUE_DATE = "Enter the date it is due, for example 31 January 2027."


class StartForm(OnceFormMixin, KithForm):
    framework = forms.ModelChoiceField(
        label="Framework",
        queryset=None,
        empty_label=None,
        error_messages={
            "required": "Choose a framework.",
            "invalid_choice": "Choose one of the frameworks listed.",
        },
        help_text="Your home's nation's framework is chosen for you.",
    )
    period_start = date_field("First day of the period", PERIOD_DATE)
    period_end = date_field(
        "Last day of the period", PERIOD_DATE, help_text="Usually the quarter just gone, or up to today."
    )
    title = forms.CharField(
        label="Name (optional)",
        max_length=120,
        required=False,
        help_text="For example “Autumn 2026 review”. Left empty, the dates name it.",
        error_messages={"max_length": "Keep the name to 120 characters."},
    )

    def __init__(self, *args, frameworks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = frameworks


class RatingForm(VersionedFormMixin, KithForm):
    level = forms.TypedChoiceField(
        label="Rating",
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the ratings listed."},
    )
    rationale = forms.CharField(
        label="Why this rating",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the evidence shows, in a sentence or two: what goes well and what does not yet.",
        error_messages={"max_length": "Keep the reasons to 4,000 characters; add more as evidence."},
    )

    def __init__(self, *args, levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", "Not rated yet")] + [
            (level.value, f"{level.value} – {level.label}") for level in levels
        ]

    def clean(self):
        data = super().clean()
        if data.get("level") is not None and not (data.get("rationale") or "").strip():
            self.add_error("rationale", RATIONALE_MISSING)
        return data


class EvidenceForm(OnceFormMixin, KithForm):
    theme = forms.ModelChoiceField(
        label="Which theme it is evidence for",
        queryset=None,
        empty_label="Choose a theme",
        error_messages={
            "required": "Choose a theme.",
            "invalid_choice": "Choose one of this framework's themes.",
        },
    )
    category = forms.ModelChoiceField(
        label="Kind of evidence",
        queryset=None,
        required=False,
        empty_label="Choose the kind (optional)",
        error_messages={"invalid_choice": "Choose one of the evidence categories listed."},
    )
    text = forms.CharField(
        label="Evidence",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=(
            "What someone said, what was seen or what a document shows. "
            "Use initials, not residents' full names."
        ),
        error_messages={
            "required": "Write the evidence: what was said, seen or done.",
            "max_length": "Keep one piece of evidence to 4,000 characters.",
        },
    )

    def __init__(self, *args, themes=None, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = themes
        self.fields["theme"].label_from_instance = lambda t: t.name
        if categories is None or not categories.exists():
            del self.fields["category"]
        else:
            self.fields["category"].queryset = categories


class CompleteForm(VersionedFormMixin, KithForm):
    summary = forms.CharField(
        label="What we do well, and what we will improve",
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="A short summary for the evidence pack and for the next evaluation.",
        error_messages={
            "required": "Write a short summary: what you do well and what you will improve.",
            "max_length": "Keep the summary to 8,000 characters.",
        },
    )


class OwnerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.email


class ActionForm(OnceFormMixin, VersionedFormMixin, KithForm):
    action = forms.CharField(
        label="What we will do",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Say what you will do.",
            "max_length": "Keep the action to 2,000 characters.",
        },
    )
    owner = OwnerChoice(
        label="Who will lead it",
        queryset=None,
        required=False,
        empty_label="Nobody named yet",
        error_messages={"invalid_choice": "Choose someone who works at the home."},
    )
    due_on = date_field("Due by", DUE_DATE)
    theme = forms.ModelChoiceField(
        label="Theme (optional)",
        queryset=None,
        required=False,
        empty_label="Not linked to a theme",
        error_messages={"invalid_choice": "Choose one of this framework's themes."},
    )
    status = forms.ChoiceField(
        label="Where it has got to",
        choices=ImprovementAction.Status.choices,
        error_messages={
            "required": "Choose where the action has got to.",
            "invalid_choice": "Choose where the action has got to.",
        },
    )
    progress = forms.CharField(
        label="Progress so far (optional)",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep the progress to 4,000 characters."},
    )

    def __init__(self, *args, owners=None, themes=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        if editing:
            del self.fields["form_token"]
            del self.fields["theme"]
        else:
            del self.fields["version"]
            del self.fields["status"]
            del self.fields["progress"]
            if themes is None:
                del self.fields["theme"]
            else:
                self.fields["theme"].queryset = themes
                self.fields["theme"].label_from_instance = lambda t: t.name


class SharingForm(KithForm):
    shares = forms.TypedChoiceField(
        label="Connector charity staff who are members of this home",
        choices=[
            ("yes", "See the outcome figures and the latest ratings (never residents' names)"),
            ("no", "Do not see the outcome figures"),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether connector charity staff see the figures.",
            "invalid_choice": "Choose one of the two answers.",
        },
    )
    # What the page showed when it was opened: a change made meanwhile is not undone unseen.
    was = forms.TypedChoiceField(
        choices=[("yes", "yes"), ("no", "no")],
        coerce=lambda value: value == "yes",
        widget=forms.HiddenInput,
        error_messages={
            "required": "Reload the page and choose again.",
            "invalid_choice": "Reload the page and choose again.",
        },
    )
