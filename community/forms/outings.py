"""Forms for outings and who comes. They parse; the rules and their words
belong to ``community.services.outings`` and ``community.services.attendance``."""

from django import forms
from django.forms import formset_factory

from carehome.forms import KithForm, OnceFormMixin, VersionedFormMixin, date_field
from community.models import Attendee, Hazard
from community.services.attendance import (
    ANSWER_CHOICE,
    MESSAGE_TOO_LONG,
    NO_FAMILIES_CHOSEN,
    NOBODY_CHOSEN,
    NOT_LIVING_HERE,
    NOTE_TOO_LONG,
)
from community.services.outings import (
    CONTROLS_LIMIT,
    CONTROLS_MISSING,
    CONTROLS_TOO_LONG,
    DRIVER_CHOICE,
    HAZARD_LIMIT,
    HAZARD_MISSING,
    HAZARD_TOO_LONG,
    LEVEL_MISSING,
    MAX_HAZARDS,
    PLAN_LIMIT,
    PLAN_TOO_LONG,
    SUMMARY_LIMIT,
    SUMMARY_TOO_LONG,
    TOO_MANY_HAZARDS,
    WHO_LIMIT,
    WHO_TOO_LONG,
    review_date_problem,
)
from residents.models import Response

NO_DRIVER = "none"
REVIEW_DATE = "Enter the date to review it by, like 14/11/2026, or leave it empty."
BLANK_HAZARD_ROWS = 3


class RiskAssessmentForm(VersionedFormMixin, KithForm):
    summary = forms.CharField(
        label="The outing and who is going",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=SUMMARY_LIMIT,
        error_messages={"max_length": SUMMARY_TOO_LONG},
        help_text="Where you are going, how many residents, staff and volunteers, and any needs to plan for.",
    )
    emergency_plan = forms.CharField(
        label="If something goes wrong",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=PLAN_LIMIT,
        error_messages={"max_length": PLAN_TOO_LONG},
        help_text="Who to ring, where the nearest hospital is, what is in the first aid kit.",
    )
    review_on = date_field(
        "Review by",
        REVIEW_DATE,
        bounds=review_date_problem,
        required=False,
        help_text="After this date the outing needs approving again. Leave empty for a one-off outing.",
    )


class HazardForm(KithForm):
    hazard = forms.CharField(
        label="Hazard",
        required=False,
        max_length=HAZARD_LIMIT,
        error_messages={"max_length": HAZARD_TOO_LONG},
    )
    who_at_risk = forms.CharField(
        label="Who could be harmed",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=WHO_LIMIT,
        error_messages={"max_length": WHO_TOO_LONG},
    )
    controls = forms.CharField(
        label="What we do about it",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=CONTROLS_LIMIT,
        error_messages={"max_length": CONTROLS_TOO_LONG},
    )
    level = forms.ChoiceField(
        label="Risk with these measures",
        required=False,
        choices=[("", "Choose…"), *Hazard.Level.choices],
        error_messages={"invalid_choice": LEVEL_MISSING},
    )
    remove = forms.BooleanField(label="Remove this hazard", required=False)

    def clean(self):
        data = super().clean()
        if data.get("remove") or self.is_blank(data):
            return data
        if not data.get("hazard") and "hazard" not in self.errors:
            self.add_error("hazard", HAZARD_MISSING)
        if not data.get("controls") and "controls" not in self.errors:
            self.add_error("controls", CONTROLS_MISSING)
        if not data.get("level") and "level" not in self.errors:
            self.add_error("level", LEVEL_MISSING)
        return data

    @staticmethod
    def is_blank(data):
        return not any(
            (data.get(name) or "").strip() for name in ("hazard", "who_at_risk", "controls", "level")
        )


class _HazardFormSet(forms.BaseFormSet):
    def hazards(self):
        """The rows to save, in order: not removed, not left empty."""
        rows = []
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("remove") or HazardForm.is_blank(data):
                continue
            rows.append({k: data.get(k) or "" for k in ("hazard", "who_at_risk", "controls", "level")})
        return rows


HazardFormSet = formset_factory(
    HazardForm,
    formset=_HazardFormSet,
    extra=BLANK_HAZARD_ROWS,
    max_num=MAX_HAZARDS + BLANK_HAZARD_ROWS,
    absolute_max=MAX_HAZARDS + BLANK_HAZARD_ROWS,
    validate_max=True,
)
HazardFormSet.error_messages = {
    **forms.BaseFormSet.default_error_messages,
    "too_many_forms": TOO_MANY_HAZARDS,
    "missing_management_form": "The form was not sent in full. Open the page again and re-enter the hazards.",
}


def hazard_initial(hazards):
    return [
        {"hazard": h.hazard, "who_at_risk": h.who_at_risk, "controls": h.controls, "level": h.level}
        for h in hazards
    ]


class ApproveForm(KithForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)


class DriverForm(KithForm):
    driver = forms.ChoiceField(
        label="Driver",
        widget=forms.RadioSelect,
        error_messages={"required": DRIVER_CHOICE, "invalid_choice": DRIVER_CHOICE},
    )

    def __init__(self, *args, drivers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["driver"].choices = [(str(row.driver.pk), row.name) for row in drivers] + [
            (NO_DRIVER, "No driver yet")
        ]


class InviteForm(KithForm):
    residents = forms.MultipleChoiceField(
        label="Residents to invite",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": NOBODY_CHOSEN, "invalid_choice": NOT_LIVING_HERE},
    )

    def __init__(self, *args, residents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residents"].choices = [(str(r.pk), r.display_name) for r in residents]


ANSWERS = [(Attendee.Answer.COMING, "Would like to come"), (Attendee.Answer.NOT_COMING, "Would rather not")]


class AnswerForm(KithForm):
    attendee = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, error_messages={"invalid": ANSWER_CHOICE}
    )
    answer = forms.ChoiceField(
        label="Their answer",
        choices=ANSWERS,
        widget=forms.HiddenInput,
        error_messages={"required": ANSWER_CHOICE, "invalid_choice": ANSWER_CHOICE},
    )


class FamiliesForm(OnceFormMixin, KithForm):
    residents = forms.MultipleChoiceField(
        label="Invite the families of",
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"required": NO_FAMILIES_CHOSEN, "invalid_choice": NO_FAMILIES_CHOSEN},
    )
    message = forms.CharField(
        label="A message for the families (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": MESSAGE_TOO_LONG},
        help_text="Shown with the invitation, for example “Bring a coat: it can be windy by the water.”",
    )

    def __init__(self, *args, residents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residents"].choices = [(str(r.pk), r.display_name) for r in residents]


RESPONSE_CHOICES = [("", "Not recorded (did not take part)"), *Response.choices]


class AttendanceForm(KithForm):
    """A response and a note for each person invited (``attendees``), and for
    any other resident living here who joined in (``residents``)."""

    def __init__(self, *args, residents, attendees=(), initial_rows=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = []
        initial_rows = initial_rows or {}
        for resident, invited in [(a.resident, True) for a in attendees] + [(r, False) for r in residents]:
            response, note = initial_rows.get(resident.pk, ("", ""))
            self.fields[f"response_{resident.pk}"] = forms.ChoiceField(
                label=f"How it went for {resident.short_name}",
                choices=RESPONSE_CHOICES,
                required=False,
                initial=response,
                error_messages={
                    "invalid_choice": f"Choose how it went for {resident.short_name} from the list."
                },
            )
            self.fields[f"note_{resident.pk}"] = forms.CharField(
                label=f"Note about {resident.short_name}",
                required=False,
                max_length=300,
                initial=note,
                error_messages={"max_length": NOTE_TOO_LONG},
            )
            self.people.append((resident, invited))

    def rows_for_template(self):
        return [
            (resident, invited, self[f"response_{resident.pk}"], self[f"note_{resident.pk}"])
            for resident, invited in self.people
        ]

    def rows(self):
        """[(resident, response, note)] of the people with a response chosen."""
        found = []
        for resident, _invited in self.people:
            response = self.cleaned_data.get(f"response_{resident.pk}")
            if response:
                found.append((resident, response, self.cleaned_data.get(f"note_{resident.pk}") or ""))
        return found
