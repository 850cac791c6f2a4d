"""Forms for the tenancy core. They only parse; the rules (a name and a real
address for an invitation, a space's hours and buffer) belong to
``homes.services``, whose ``DomainError`` the views show next to the field."""

from django import forms

from carehome.forms import KithForm, KithModelForm, OnceFormMixin, VersionedFormMixin
from homes.models import Role, Space
from homes.services import BUFFER_RANGE, EMAIL_INVALID, NAME_MISSING


class InvitationForm(OnceFormMixin, KithForm):
    full_name = forms.CharField(label="Their name", max_length=150, error_messages={"required": NAME_MISSING})
    email = forms.EmailField(
        label="Their email address",
        error_messages={
            "required": "Enter their email address.",
            "invalid": EMAIL_INVALID,
        },
        help_text="We send the invitation link here. It works once.",
    )
    role = forms.ChoiceField(
        label="Their role at this home",
        choices=[(r.value, r.label) for r in Role if r != Role.ORG_ADMIN],
    )
    message = forms.CharField(
        label="A personal note (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MembershipForm(KithForm):
    role = forms.ChoiceField(label="Role", choices=[(r.value, r.label) for r in Role])
    job_title = forms.CharField(label="Job title (optional)", max_length=100, required=False)
    is_active = forms.BooleanField(
        label="Can sign in to this home",
        required=False,
        help_text="Untick to pause this person's access straight away.",
    )


class SpaceForm(OnceFormMixin, VersionedFormMixin, KithModelForm):
    class Meta:
        model = Space
        fields = [
            "name",
            "kind",
            "capacity",
            "bookable",
            "description",
            "opens_at",
            "closes_at",
            "buffer_minutes",
            "is_active",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        labels = {
            "capacity": "Capacity (people)",
            "kind": "Kind",
            "opens_at": "Can be booked from",
            "closes_at": "Can be booked until",
            "buffer_minutes": "Minutes to keep free between bookings",
        }
        help_texts = {
            "kind": "A tablet or phone is booked for calls; it is not shown on the public visiting page.",
            "description": "Shown on the public visiting page, for example “Looks over the garden; "
            "a piano and comfy chairs.”",
            "opens_at": "For example 10:00. Visiting itself is not limited to these hours.",
            "closes_at": "For example 19:00.",
            "buffer_minutes": "Time to tidy up and get ready, from 0 to 240 minutes.",
        }
        error_messages = {
            "name": {"required": "Give the space a name, for example “Garden room”."},
            "capacity": {
                "required": "Enter how many people it holds, for example 6.",
                "min_value": "A space holds at least 1 person.",
                "invalid": "Enter the number of people, for example 6.",
            },
            "opens_at": {
                "required": "Enter the time it can be booked from, like 10:00.",
                "invalid": "Enter a time like 10:00.",
            },
            "closes_at": {
                "required": "Enter the time it can be booked until, like 19:00.",
                "invalid": "Enter a time like 19:00.",
            },
            "buffer_minutes": {
                "required": "Enter the minutes to keep free between bookings, for example 15 (or 0).",
                "invalid": "Enter a number of minutes, for example 15.",
                "min_value": BUFFER_RANGE,
                "max_value": BUFFER_RANGE,
            },
        }

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the space a name, for example “Garden room”.")
        return name

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if capacity is not None and not 1 <= capacity <= 500:
            raise forms.ValidationError("Enter a capacity between 1 and 500 people.")
        return capacity

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["form_token" if self.instance.pk else "version"]
        # Left empty, the hours and the gap stay as they are (a new space gets the usual ones).
        for name in ("opens_at", "closes_at", "buffer_minutes"):
            self.fields[name].required = False

    def _kept(self, name):
        value = self.cleaned_data.get(name)
        return getattr(self.instance, name) if value is None else value

    def clean_opens_at(self):
        return self._kept("opens_at")

    def clean_closes_at(self):
        return self._kept("closes_at")

    def clean_buffer_minutes(self):
        return self._kept("buffer_minutes")

    # The hours' order and the buffer's range are ``space_save``'s rules (the
    # database's check constraints back them up): the model's own validation
    # is not run on them here, so the service's words show next to the field.
    SERVICE_RULES = {"opens_at", "closes_at", "buffer_minutes"}

    def _get_validation_exclusions(self):
        return super()._get_validation_exclusions() | self.SERVICE_RULES
