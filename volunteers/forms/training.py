"""The form for recording training. It only parses; the rules (who may do
which course, the dates, the renew-by default) belong to
``volunteers.services.training``."""

from django import forms

from carehome.forms import KithForm, OnceFormMixin, VersionedFormMixin, date_field
from volunteers.forms.checks import OPTIONAL_DATE
from volunteers.models import TrainingModule, Volunteer
from volunteers.selectors.training import staff_about
from volunteers.services.checks import recorded_date_problem
from volunteers.services.training import (
    COMPLETED_MISSING,
    MODULE_MISSING,
    PERSON_MISSING,
    PROVIDER_TOO_LONG,
    renew_by_problem,
)

PERSON_CHOICE = "Choose someone from the list."


def period_words(module):
    """“renew every 3 years”, “renew every year”, “does not need renewing”."""
    months = module.valid_months
    if not months:
        return "does not need renewing"
    if months % 12 == 0:
        years = months // 12
        return "renew every year" if years == 1 else f"renew every {years} years"
    return f"renew every {months} months"


class ModuleChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        who = ""
        if not obj.for_volunteers:
            who = "staff only, "
        elif not obj.for_staff:
            who = "volunteers only, "
        return f"{obj.name} ({who}{period_words(obj)})"


class TrainingForm(OnceFormMixin, VersionedFormMixin, KithForm):
    person = forms.ChoiceField(
        label="Who did the training",
        error_messages={"required": PERSON_MISSING, "invalid_choice": PERSON_CHOICE},
    )
    module = ModuleChoice(
        label="Course",
        queryset=TrainingModule.objects.order_by("order", "name"),
        empty_label="Choose a course",
        error_messages={"required": MODULE_MISSING, "invalid_choice": MODULE_MISSING},
    )
    completed_on = date_field(
        "Completed on",
        COMPLETED_MISSING,
        bounds=recorded_date_problem,
        help_text="The day they finished the course (or passed it).",
    )
    expires_on = date_field(
        "Renew by (optional)",
        OPTIONAL_DATE,
        required=False,
        bounds=renew_by_problem,
        help_text="Leave empty to use the course's usual period, shown in the list of courses.",
    )
    provider = forms.CharField(
        label="Who ran it (optional)",
        max_length=150,
        required=False,
        help_text="For example “Skills for Care”, “the local council” or “in the home, by Ruth”.",
        error_messages={"max_length": PROVIDER_TOO_LONG},
    )

    def __init__(self, *args, volunteers=(), staff=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["version" if not editing else "form_token"]
        if editing:
            del self.fields["person"]
            return
        self._people = {f"v{v.pk}": ("volunteer", v) for v in volunteers}
        self._people.update({f"m{m.pk}": ("member", m) for m in staff})
        groups = [("", "Choose a person")]
        if volunteers:
            groups.append(("Volunteers", [(f"v{v.pk}", _volunteer_label(v)) for v in volunteers]))
        if staff:
            groups.append(("Staff", [(f"m{m.pk}", f"{m.user.full_name} ({staff_about(m)})") for m in staff]))
        self.fields["person"].choices = groups

    def clean_person(self):
        chosen = self._people.get(self.cleaned_data["person"])
        if chosen is None:
            raise forms.ValidationError(PERSON_CHOICE)
        return chosen

    def person_data(self):
        """``{"volunteer": …}`` or ``{"member": …}`` for the service."""
        kind, person = self.cleaned_data["person"]
        return {kind: person}


def _volunteer_label(volunteer):
    if volunteer.status == Volunteer.Status.ACTIVE:
        return volunteer.full_name
    return f"{volunteer.full_name} ({volunteer.get_status_display().lower()})"
