"""Forms for arranging regular visits. They only parse; the rules (who may
be assigned, the dates, the one visit per volunteer, resident, day and time)
belong to ``volunteers.services.matching``, whose ``DomainError`` the views
show next to the field."""

from django import forms

from carehome.forms import KithForm, OnceFormMixin, VersionedFormMixin, date_field, time_field
from homes.models import Space
from residents.models import Resident
from volunteers.models import Assignment, Volunteer, VolunteerRole
from volunteers.models.choices import Weekday
from volunteers.services.matching import (
    CHOOSE_DAY,
    CHOOSE_EVERY,
    CHOOSE_RESIDENT,
    CHOOSE_ROLE,
    CHOOSE_SPACE,
    CHOOSE_VOLUNTEER,
    END_REASON_MISSING,
    END_REASON_TOO_LONG,
    FIRST_MISSING,
    MINUTES_RANGE,
    REASON_TOO_LONG,
    TIME_MISSING,
    WHERE_TOO_LONG,
    first_visit_problem,
    last_visit_problem,
)

LAST_INVALID = "Enter the date of the last visit, like 14/11/2027, or leave it empty."


def _choice_errors(message):
    return {"required": message, "invalid_choice": message, "invalid_pk_value": message}


class VolunteerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class ResidentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}, room {obj.room}" if obj.room else obj.display_name


class _VisitFields(KithForm):
    role = forms.ModelChoiceField(
        label="Role",
        queryset=VolunteerRole.objects.none(),
        empty_label="Choose a role",
        help_text="One of the volunteer's roles that spends time with residents.",
        error_messages=_choice_errors(CHOOSE_ROLE),
    )
    weekday = forms.TypedChoiceField(
        label="Day",
        coerce=int,
        choices=[("", "Choose a day"), *Weekday.choices],
        error_messages=_choice_errors(CHOOSE_DAY),
    )
    starts_at = time_field("Time", TIME_MISSING, help_text="When they arrive, like 14:00.")
    minutes = forms.IntegerField(
        label="How long (minutes)",
        initial=60,
        min_value=15,
        max_value=480,
        error_messages={
            "required": MINUTES_RANGE,
            "invalid": MINUTES_RANGE,
            "min_value": MINUTES_RANGE,
            "max_value": MINUTES_RANGE,
        },
    )
    every = forms.TypedChoiceField(
        label="How often",
        coerce=int,
        choices=Assignment.Every.choices,
        initial=Assignment.Every.WEEK,
        widget=forms.RadioSelect,
        error_messages=_choice_errors(CHOOSE_EVERY),
    )
    space = forms.ModelChoiceField(
        label="Where (optional)",
        queryset=Space.objects.none(),
        required=False,
        empty_label="Not a particular room",
        error_messages=_choice_errors(CHOOSE_SPACE),
    )
    where_note = forms.CharField(
        label="Where, in words (optional)",
        max_length=150,
        required=False,
        help_text="For example “In Peggy's room” or “A walk round the garden”.",
        error_messages={"max_length": WHERE_TOO_LONG},
    )
    starts_on = date_field("First visit on", FIRST_MISSING)
    ends_on = date_field(
        "Last visit on (optional)",
        LAST_INVALID,
        required=False,
        bounds=last_visit_problem,
        help_text="Leave empty if the visits go on until you end them.",
    )
    reason = forms.CharField(
        label="Why they were matched (optional)",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": REASON_TOO_LONG},
    )

    def __init__(self, *args, home, roles=None, first_visit_was=None, **kwargs):
        super().__init__(*args, **kwargs)
        if roles is None:
            roles = VolunteerRole.objects.for_home(home).filter(is_active=True, meets_residents=True)
        self.fields["role"].queryset = roles
        self.fields["space"].queryset = (
            Space.objects.for_home(home)
            .filter(is_active=True)
            .exclude(kind__in=[Space.Kind.TABLET, Space.Kind.PHONE])
            .order_by("name")
        )
        self.fields["starts_on"].validators.append(_bounded(first_visit_problem, first_visit_was))


def _bounded(rule, was):
    def validate(value):
        if problem := rule(value, was=was):
            raise forms.ValidationError(problem, code="out_of_range")

    return validate


class AssignmentForm(OnceFormMixin, _VisitFields):
    """Arrange regular visits: who, to whom, and when."""

    volunteer = VolunteerChoice(
        label="Volunteer",
        queryset=Volunteer.objects.none(),
        empty_label="Choose a volunteer",
        error_messages=_choice_errors(CHOOSE_VOLUNTEER),
    )
    resident = ResidentChoice(
        label="Resident",
        queryset=Resident.objects.none(),
        empty_label="Choose a resident",
        error_messages=_choice_errors(CHOOSE_RESIDENT),
    )

    field_order = ["volunteer", "resident", "role", "weekday", "starts_at", "minutes", "every"]

    def __init__(self, *args, home, volunteer=None, **kwargs):
        roles = None
        if volunteer is not None:
            roles = volunteer.roles.filter(is_active=True, meets_residents=True)
        super().__init__(*args, home=home, roles=roles, **kwargs)
        self.fields["volunteer"].queryset = Volunteer.objects.for_home(home).current().order_by("full_name")
        self.fields["resident"].queryset = Resident.objects.for_home(home).current().order_by("full_name")


class AssignmentEditForm(VersionedFormMixin, _VisitFields):
    """Change regular visits (the volunteer and the resident stay the same)."""

    def __init__(self, *args, home, assignment=None, **kwargs):
        roles, was = None, None
        if assignment is not None:
            roles = assignment.volunteer.roles.filter(is_active=True, meets_residents=True)
            was = assignment.starts_on
        super().__init__(*args, home=home, roles=roles, first_visit_was=was, **kwargs)
        if assignment is not None:
            self.fields["version"].initial = assignment.version


class AssignmentEndForm(KithForm):
    reason = forms.CharField(
        label="Why are the visits ending?",
        max_length=300,
        help_text="For example “Moving away” or “Peggy would rather join the singing group”.",
        error_messages={"required": END_REASON_MISSING, "max_length": END_REASON_TOO_LONG},
    )
