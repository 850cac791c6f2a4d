"""Forms for logging a connection, in two short steps: who took part, then
what happened and how it went for each of them."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from carehome.errors import DomainError
from carehome.forms import date_field, time_field
from carehome.timeutils import local_datetime
from residents.models import Connection, Response
from residents.selectors.connections import people_who_matter_to, residents_to_choose, staff_to_choose
from residents.services.connections import FUTURE_ALLOWANCE, NAMED_KINDS, OLDEST_DAYS


def _not_here(home):
    return f"One of the people chosen does not live at {home.name}."


class ResidentChoiceField(forms.ModelMultipleChoiceField):
    """The residents taking part, restricted to this home's residents living here."""

    def __init__(self, *, home, **kwargs):
        message = _not_here(home)
        super().__init__(
            queryset=residents_to_choose(home),
            label="Who took part?",
            error_messages={
                "required": "Choose at least one person who took part.",
                "invalid_choice": message,
                "invalid_pk_value": message,
                "invalid_list": "Choose the people who took part from the list.",
            },
            **kwargs,
        )


class ChooseResidentsForm(forms.Form):
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


class ConnectionForm(forms.Form):
    """Step 2: when, with whom, how, and how it went for each person chosen."""

    date = date_field("Date", "Enter the date it happened, like 12/11/2026.")
    time = time_field("Time", "Enter the time it happened, like 14:30.")
    with_whom = forms.ChoiceField(
        label="Who was it with?",
        choices=Connection.WithWhom.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose who the connection was with.",
            "invalid_choice": "Choose who the connection was with, from the list.",
        },
    )
    with_name = forms.CharField(
        label="Name of the activity, group or volunteer",
        max_length=150,
        required=False,
        help_text="For example “Singing group”, “St Mary’s choir” or the volunteer’s name.",
        error_messages={"max_length": "Keep the name under 150 characters."},
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
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep the note under 2,000 characters."},
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
                "invalid_choice": f"Choose someone who matters to {one.short_name}."
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
            error_messages={"invalid_choice": f"Choose someone who works at {home.name}."},
        )
        for resident in self.chosen:
            self.fields[f"response_{resident.pk}"] = forms.ChoiceField(
                label=f"How it went for {resident.display_name}",
                choices=Response.choices,
                widget=forms.RadioSelect,
                initial=Response.ACTIVE,
                error_messages={
                    "required": f"Choose how it went for {resident.short_name}.",
                    "invalid_choice": f"Choose how it went for {resident.short_name}, from the list.",
                },
            )
            self.fields[f"note_{resident.pk}"] = forms.CharField(
                label=f"A note about {resident.short_name} (optional)",
                required=False,
                max_length=300,
                error_messages={"max_length": "Keep the note under 300 characters."},
            )

    @property
    def one_resident(self):
        return self.chosen[0] if len(self.chosen) == 1 else None

    @property
    def response_rows(self):
        """(resident, how it went, a note) for each person taking part."""
        return [(r, self[f"response_{r.pk}"], self[f"note_{r.pk}"]) for r in self.chosen]

    def clean(self):
        data = super().clean()
        self._clean_when(data)
        self._clean_with_whom(data)
        return data

    def _clean_when(self, data):
        day, time = data.get("date"), data.get("time")
        if day is None or time is None:
            return
        now = timezone.now()
        try:
            occurred_at = local_datetime(day, time, field="time")
        except DomainError as error:
            self.add_error("time", error.message)
            return
        if occurred_at > now + FUTURE_ALLOWANCE:
            if day > timezone.localdate(now):
                self.add_error("date", "That date is in the future. Enter when it happened.")
            else:
                self.add_error("time", "That time is in the future. Enter when it happened.")
        elif occurred_at < now - timedelta(days=OLDEST_DAYS):
            self.add_error(
                "date",
                f"That is more than {OLDEST_DAYS} days ago. Enter a date in the last {OLDEST_DAYS} days.",
            )
        else:
            data["occurred_at"] = occurred_at

    def _clean_with_whom(self, data):
        with_whom = data.get("with_whom")
        one = self.one_resident
        if with_whom == Connection.WithWhom.PERSON:
            if len(self.chosen) > 1:
                self.add_error(
                    "with_whom",
                    "Someone who matters can be chosen only when logging for one resident. "
                    "Log it for each resident separately.",
                )
            elif one and not data.get("person") and "person" not in self.errors:
                if self.fields["person"].queryset.exists():
                    self.add_error("person", f"Choose who {one.short_name} was in touch with.")
                else:
                    self.add_error(
                        "with_whom",
                        f"No one who matters to {one.short_name} is recorded yet. "
                        "Add them to the personal plan first, or choose another option.",
                    )
        elif with_whom == Connection.WithWhom.RESIDENT:
            other = data.get("other_resident")
            if other is None and "other_resident" not in self.errors:
                self.add_error("other_resident", "Choose which resident they spent time with.")
            elif other is not None and other.pk in {r.pk for r in self.chosen}:
                self.add_error(
                    "other_resident",
                    f"{other.short_name} is one of the people taking part. Choose someone else.",
                )
        elif with_whom == Connection.WithWhom.STAFF:
            if data.get("staff_member") is None and "staff_member" not in self.errors:
                self.add_error("staff_member", "Choose which member of staff.")
        elif with_whom in NAMED_KINDS and not (data.get("with_name") or "").strip():
            if "with_name" not in self.errors:
                self.add_error(
                    "with_name", "Enter the name of the activity, group or volunteer, like “Singing group”."
                )

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
        }
