"""Forms for logging a connection, in two short steps: who took part, then
what happened and how it went for each of them.

The forms only parse; the rules (when it may have happened, who it may be
with) belong to ``residents.services.connections``, whose ``DomainError`` the
views show next to the field."""

from django import forms

from carehome.errors import DomainError
from carehome.forms import KithForm, OnceFormMixin, date_field, time_field
from carehome.timeutils import local_datetime
from residents.models import Connection, Response
from residents.selectors.connections import people_who_matter_to, residents_to_choose, staff_to_choose
from residents.services.connections import (
    CHOOSE_WITH_WHOM,
    NAME_TOO_LONG,
    NOBODY_CHOSEN,
    NOTE_LIMIT,
    NOTE_TOO_LONG,
    PARTICIPANT_NOTE_LIMIT,
    REASON_MISSING,
    REASON_TOO_LONG,
    choose_how_it_went,
    choose_someone_who_matters,
    choose_staff_here,
    not_living_here,
    participant_note_too_long,
)


def _with_occurred_at(form, data):
    """Date and time as one local moment (``occurred_at``); the missing spring
    hour is an error next to the time."""
    day, time = data.get("date"), data.get("time")
    if day is not None and time is not None:
        try:
            data["occurred_at"] = local_datetime(day, time, field="time")
        except DomainError as error:
            form.add_error("time", error.message)
    return data


class ResidentChoiceField(forms.ModelMultipleChoiceField):
    """The residents taking part, restricted to this home's residents living here."""

    def __init__(self, *, home, **kwargs):
        message = not_living_here(home)
        super().__init__(
            queryset=residents_to_choose(home),
            label="Who took part?",
            error_messages={
                "required": NOBODY_CHOSEN,
                "invalid_choice": message,
                "invalid_pk_value": message,
                "invalid_list": "Choose the people who took part from the list.",
            },
            **kwargs,
        )


class ChooseResidentsForm(KithForm):
    """Step 1: who took part. Sent with GET; nothing is saved."""

    def __init__(self, *args, home, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residents"] = ResidentChoiceField(home=home, widget=forms.CheckboxSelectMultiple)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.relationship})" if obj.relationship else obj.name


class ResidentSelectField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}, room {obj.room}" if obj.room else obj.display_name


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.email


class ConnectionForm(OnceFormMixin, KithForm):
    """Step 2: when, with whom, how, and how it went for each person chosen."""

    date = date_field("Date", "Enter the date it happened, like 12/11/2026.")
    time = time_field("Time", "Enter the time it happened, like 14:30.")
    with_whom = forms.ChoiceField(
        label="Who was it with?",
        choices=Connection.WithWhom.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": CHOOSE_WITH_WHOM,
            "invalid_choice": "Choose who the connection was with, from the list.",
        },
    )
    with_name = forms.CharField(
        label="Name of the activity, group or volunteer",
        max_length=150,
        required=False,
        help_text="For example “Singing group”, “St Mary’s choir” or the volunteer’s name.",
        error_messages={"max_length": NAME_TOO_LONG},
    )
    mode = forms.ChoiceField(
        label="How did it happen?",
        choices=Connection.Mode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how it happened.",
            "invalid_choice": "Choose how it happened, from the list.",
        },
    )
    note = forms.CharField(
        label="Anything else to remember (optional)",
        required=False,
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": NOTE_TOO_LONG},
    )

    def __init__(self, *args, home, residents, **kwargs):
        super().__init__(*args, **kwargs)
        self.home = home
        self.chosen = list(residents)
        self.fields["residents"] = ResidentChoiceField(home=home, widget=forms.MultipleHiddenInput)
        self.initial.setdefault("residents", [r.pk for r in self.chosen])

        one = self.chosen[0] if len(self.chosen) == 1 else None
        self.fields["person"] = PersonChoiceField(
            label=f"Who did {one.short_name} connect with?" if one else "Who was it?",
            queryset=people_who_matter_to(home, self.chosen),
            widget=forms.RadioSelect,
            required=False,
            empty_label=None,
            error_messages={
                "invalid_choice": choose_someone_who_matters(one)
                if one
                else "Choose someone who matters to the person you are logging for."
            },
        )
        self.fields["other_resident"] = ResidentSelectField(
            label="Which resident?",
            queryset=residents_to_choose(home).order_by("full_name", "pk"),
            required=False,
            empty_label="Choose a resident",
            error_messages={"invalid_choice": f"Choose a resident who lives at {home.name}."},
        )
        self.fields["staff_member"] = StaffChoiceField(
            label="Which member of staff?",
            queryset=staff_to_choose(home),
            required=False,
            empty_label="Choose a member of staff",
            error_messages={"invalid_choice": choose_staff_here(home)},
        )
        for resident in self.chosen:
            self.fields[f"response_{resident.pk}"] = forms.ChoiceField(
                label=f"How it went for {resident.display_name}",
                choices=Response.choices,
                widget=forms.RadioSelect,
                initial=Response.ACTIVE,
                error_messages={
                    "required": choose_how_it_went(resident),
                    "invalid_choice": f"Choose how it went for {resident.short_name}, from the list.",
                },
            )
            self.fields[f"note_{resident.pk}"] = forms.CharField(
                label=f"A note about {resident.short_name} (optional)",
                required=False,
                max_length=PARTICIPANT_NOTE_LIMIT,
                error_messages={"max_length": participant_note_too_long(resident)},
            )

    @property
    def one_resident(self):
        return self.chosen[0] if len(self.chosen) == 1 else None

    @property
    def response_rows(self):
        """(resident, how it went, a note) for each person taking part."""
        return [(r, self[f"response_{r.pk}"], self[f"note_{r.pk}"]) for r in self.chosen]

    def clean(self):
        return _with_occurred_at(self, super().clean())

    def service_kwargs(self):
        """The cleaned form as keyword arguments for ``connection_log``."""
        data = self.cleaned_data
        return {
            "residents_with_responses": [
                (r, data[f"response_{r.pk}"], data.get(f"note_{r.pk}", "")) for r in self.chosen
            ],
            "occurred_at": data["occurred_at"],
            "with_whom": data["with_whom"],
            "person": data.get("person"),
            "other_resident": data.get("other_resident"),
            "staff_member": data.get("staff_member"),
            "with_name": data.get("with_name", ""),
            "mode": data["mode"],
            "note": data.get("note", ""),
            "form_token": data.get("form_token"),
        }


class CorrectConnectionForm(KithForm):
    """Correct a logged connection: when, how, its note, and how it went for
    the resident whose timeline it was opened from."""

    date = date_field("Date", "Enter the date it happened, like 12/11/2026.")
    time = time_field("Time", "Enter the time it happened, like 14:30.")
    mode = ConnectionForm.base_fields["mode"]
    note = ConnectionForm.base_fields["note"]
    response = forms.ChoiceField(
        choices=Response.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose how it went, from the list."},
    )
    participant_note = forms.CharField(
        required=False,
        max_length=PARTICIPANT_NOTE_LIMIT,
    )

    def __init__(self, *args, resident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["response"].label = f"How it went for {resident.display_name}"
        self.fields["response"].error_messages["required"] = choose_how_it_went(resident)
        self.fields["participant_note"].error_messages["max_length"] = participant_note_too_long(resident)
        self.fields["participant_note"].label = f"A note about {resident.short_name} (optional)"

    def clean(self):
        return _with_occurred_at(self, super().clean())

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "occurred_at": data["occurred_at"],
            "mode": data["mode"],
            "note": data.get("note", ""),
            "response": data["response"],
            "participant_note": data.get("participant_note", ""),
        }


class StrikeOutForm(KithForm):
    reason = forms.CharField(
        label="Why is this entry wrong?",
        max_length=300,
        help_text="For example “Logged for the wrong resident” or “Entered twice”.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": REASON_MISSING,
            "max_length": REASON_TOO_LONG,
        },
    )
