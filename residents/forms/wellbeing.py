"""The loneliness measure form. It only parses; the rules (the date in range)
belong to ``residents.services.wellbeing``, whose ``DomainError`` the view
shows next to the field."""

from django import forms
from django.utils import timezone

from carehome.forms import KithForm, OnceFormMixin, date_field
from residents.models import LonelinessMeasure
from residents.services.wellbeing import DIRECT_CHOICE, ITEM_CHOICE, NOTE_TOO_LONG

ITEM_FIELDS = ["lack_companionship", "left_out", "isolated"]


def _item(field_name):
    model_field = LonelinessMeasure._meta.get_field(field_name)
    return forms.TypedChoiceField(
        label=model_field.verbose_name,
        choices=LonelinessMeasure.Answer.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose an answer to this question.",
            "invalid_choice": ITEM_CHOICE,
        },
    )


class LonelinessMeasureForm(OnceFormMixin, KithForm):
    """The three-item loneliness scale and the direct question, as the person answered."""

    recorded_on = date_field(
        "Date of the answers",
        "Enter the date the answers were given, like 12/11/2026.",
        error_messages={"invalid": "Enter a real date, like 12/11/2026."},
    )
    lack_companionship = _item("lack_companionship")
    left_out = _item("left_out")
    isolated = _item("isolated")
    direct = forms.ChoiceField(
        label=LonelinessMeasure._meta.get_field("direct").verbose_name,
        choices=LonelinessMeasure.Direct.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose an answer, or “Preferred not to say”.",
            "invalid_choice": DIRECT_CHOICE,
        },
    )
    staff_helped = forms.BooleanField(
        label="Staff helped to answer",
        required=False,
        help_text="Tick if someone read the questions out or helped write the answers.",
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Anything that helps the next person understand the answers.",
        error_messages={"max_length": NOTE_TOO_LONG},
    )

    def __init__(self, *args, resident, **kwargs):
        kwargs.setdefault("initial", {"recorded_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.resident = resident

    def clean_note(self):
        return self.cleaned_data["note"].strip()
