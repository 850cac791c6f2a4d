"""Forms for the rota: putting a volunteer on it, and logging what happened.
They only parse; the rules belong to ``volunteers.services.rota``."""

from django import forms

from carehome.forms import KithForm, OnceFormMixin, date_field, time_field
from carehome.timeutils import booking_date_problem
from residents.models import Response
from residents.services.connections import choose_how_it_went
from volunteers.models import Volunteer, VolunteerRole
from volunteers.services.rota import (
    CHOOSE_ROLE,
    CHOOSE_VOLUNTEER,
    DATE_MISSING,
    FROM_MISSING,
    LOG_NOTE_LIMIT,
    LOG_NOTE_TOO_LONG,
    MINUTES_MAX,
    MINUTES_RANGE,
    TITLE_MISSING,
    TITLE_TOO_LONG,
    UNTIL_MISSING,
)


def _choice_errors(message):
    return {"required": message, "invalid_choice": message, "invalid_pk_value": message}


class VolunteerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class ShiftForm(OnceFormMixin, KithForm):
    """Put a volunteer on the rota for a shift that is not a regular visit."""

    title = forms.CharField(
        label="What",
        max_length=150,
        help_text="For example “Tea trolley”, “Garden club” or “Driving to the lunch club”.",
        error_messages={"required": TITLE_MISSING, "max_length": TITLE_TOO_LONG},
    )
    role = forms.ModelChoiceField(
        label="Role",
        queryset=VolunteerRole.objects.none(),
        empty_label="Choose a role",
        error_messages=_choice_errors(CHOOSE_ROLE),
    )
    volunteer = VolunteerChoice(
        label="Volunteer",
        queryset=Volunteer.objects.none(),
        empty_label="Choose a volunteer",
        help_text="They need everything the role asks for, in date on the day.",
        error_messages=_choice_errors(CHOOSE_VOLUNTEER),
    )
    day = date_field("Date", DATE_MISSING, bounds=booking_date_problem)
    starts = time_field("From", FROM_MISSING)
    ends = time_field("Until", UNTIL_MISSING)

    def __init__(self, *args, home, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = VolunteerRole.objects.for_home(home).filter(is_active=True)
        self.fields["volunteer"].queryset = (
            Volunteer.objects.for_home(home).filter(status=Volunteer.Status.ACTIVE).order_by("full_name")
        )


class ShiftLogForm(OnceFormMixin, KithForm):
    """What happened: the time given, how it went for the resident, a note."""

    minutes = forms.IntegerField(
        label="Time given (minutes)",
        min_value=1,
        max_value=MINUTES_MAX,
        help_text="Include travel within the home, not the journey here.",
        error_messages={
            "required": MINUTES_RANGE,
            "invalid": MINUTES_RANGE,
            "min_value": MINUTES_RANGE,
            "max_value": MINUTES_RANGE,
        },
    )
    response = forms.ChoiceField(
        label="How did it go?",
        choices=Response.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="What happened (optional)",
        required=False,
        max_length=LOG_NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": LOG_NOTE_TOO_LONG},
    )

    def __init__(self, *args, shift=None, **kwargs):
        super().__init__(*args, **kwargs)
        if shift is None:
            return
        if shift.resident_id is None:
            del self.fields["response"]
        else:
            resident = shift.resident
            message = choose_how_it_went(resident)
            field = self.fields["response"]
            field.label = f"How did it go for {resident.short_name}?"
            field.error_messages.update({"required": message, "invalid_choice": message})
        if not self.is_bound:
            self.fields["minutes"].initial = int((shift.ends_at - shift.starts_at).total_seconds() // 60)
