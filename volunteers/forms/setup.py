"""Forms for a home's volunteer roles and volunteering settings. They only
parse; the rules belong to ``volunteers.services.setup``."""

from django import forms

from carehome.forms import KithForm, OnceFormMixin, VersionedFormMixin
from homes.models import Nation
from homes.services import NATION_CHOICE
from volunteers.models import CheckLevel
from volunteers.selectors.setup import connectors, role_modules
from volunteers.services.setup import (
    CHARITY_CHOICE,
    CHECK_LEVEL_CHOICE,
    DBS_MONTHS_RANGE,
    DESCRIPTION_TOO_LONG,
    LICENCE_MONTHS_RANGE,
    REFERENCES_RANGE,
    ROLE_FLAGS,
    ROLE_NAME_MISSING,
    ROLE_NAME_TOO_LONG,
    TRAINING_CHOICE,
    WELCOME_TOO_LONG,
)

NUMBER = "Enter a whole number, like 2."


def _choices_error(message):
    return {"invalid_choice": message, "invalid_pk_value": message, "invalid_list": message}


class CourseChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class CharityChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class RoleForm(OnceFormMixin, VersionedFormMixin, KithForm):
    name = forms.CharField(
        label="Name of the role",
        max_length=80,
        help_text="What volunteers call it, like “Befriender”, “Activity helper” or “Minibus driver”.",
        error_messages={"required": ROLE_NAME_MISSING, "max_length": ROLE_NAME_TOO_LONG},
    )
    description = forms.CharField(
        label="What volunteers do (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": DESCRIPTION_TOO_LONG},
    )
    check_level = forms.ChoiceField(
        label="Background check",
        widget=forms.RadioSelect,
        choices=CheckLevel.choices,
        initial=CheckLevel.ENHANCED_BARRED,
        error_messages={"required": CHECK_LEVEL_CHOICE, "invalid_choice": CHECK_LEVEL_CHOICE},
    )
    references_needed = forms.IntegerField(
        label="Satisfactory references needed",
        min_value=0,
        max_value=3,
        initial=2,
        help_text="From 0 to 3.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": REFERENCES_RANGE,
            "invalid": REFERENCES_RANGE,
            "min_value": REFERENCES_RANGE,
            "max_value": REFERENCES_RANGE,
        },
    )
    needs_identity = forms.BooleanField(label="Identity check", required=False, initial=True)
    needs_interview = forms.BooleanField(label="Interview", required=False)
    needs_induction = forms.BooleanField(label="Induction", required=False, initial=True)
    training = CourseChoices(
        label="Training needed",
        queryset=role_modules(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each must be done, and in date, before they start.",
        error_messages=_choices_error(TRAINING_CHOICE),
    )
    meets_residents = forms.BooleanField(
        label="Spends time with residents",
        required=False,
        initial=True,
        help_text="Volunteers in this role can be matched to residents and visit them.",
    )
    drives = forms.BooleanField(
        label="Drives", required=False, help_text="Volunteers in this role are in the driver bank."
    )
    is_active = forms.BooleanField(
        label="In use",
        required=False,
        initial=True,
        help_text="Untick to stop using the role. Volunteers who have it keep their history.",
    )

    NEEDS = ("needs_identity", "needs_interview", "needs_induction")

    def __init__(self, *args, editing=False, in_scotland=False, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["version" if not editing else "form_token"]
        asked = [m.pk for m in self.initial.get("training") or []]
        if asked:  # a course the role already asks for stays on the list
            self.fields["training"].queryset = role_modules(keep=asked)
        if in_scotland:
            self.fields[
                "check_level"
            ].help_text = "The home is in Scotland: any check here means PVG scheme membership."

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(ROLE_NAME_MISSING)
        return name

    def service_data(self):
        data = self.cleaned_data
        names = ("name", "description", "check_level", "references_needed", "training", *ROLE_FLAGS)
        return {name: data[name] for name in names}

    @staticmethod
    def initial_for(role):
        initial = {
            name: getattr(role, name)
            for name in ("name", "description", "check_level", "references_needed", *ROLE_FLAGS)
        }
        initial["training"] = list(role.training.all())
        initial["version"] = role.version
        return initial


class SettingsForm(VersionedFormMixin, KithForm):
    recruiting = forms.BooleanField(
        label="Taking applications",
        required=False,
        help_text="The public “Volunteer with us” page takes applications.",
    )
    welcome = forms.CharField(
        label="What to tell people who might volunteer (optional)",
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Shown at the top of the public page: what volunteers do here, and who to ask.",
        error_messages={"max_length": WELCOME_TOO_LONG},
    )
    dbs_recheck_months = forms.IntegerField(
        label="Months a DBS check counts for",
        min_value=1,
        max_value=120,
        help_text="Your policy, counted from the certificate date or the last Update Service check. "
        "Many homes use 36 (three years).",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": DBS_MONTHS_RANGE,
            "invalid": DBS_MONTHS_RANGE,
            "min_value": DBS_MONTHS_RANGE,
            "max_value": DBS_MONTHS_RANGE,
        },
    )
    licence_check_months = forms.IntegerField(
        label="Months before a driving licence is checked again",
        min_value=1,
        max_value=60,
        help_text="Many homes check a volunteer driver's licence every 12 months.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": LICENCE_MONTHS_RANGE,
            "invalid": LICENCE_MONTHS_RANGE,
            "min_value": LICENCE_MONTHS_RANGE,
            "max_value": LICENCE_MONTHS_RANGE,
        },
    )
    nation = forms.ChoiceField(
        label="Where the home is",
        widget=forms.RadioSelect,
        choices=Nation.choices,
        help_text="It decides the check volunteers need: PVG scheme membership in Scotland, "
        "a DBS check in England and Wales.",
        error_messages={"required": NATION_CHOICE, "invalid_choice": NATION_CHOICE},
    )
    recruit_through = CharityChoices(
        label="Charities that also recruit for the home",
        queryset=connectors(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They can take applications for the home on their own “Volunteer with us” page.",
        error_messages=_choices_error(CHARITY_CHOICE),
    )

    def __init__(self, *args, can_set_nation=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_set_nation:
            del self.fields["nation"]
        charities = self.fields["recruit_through"]
        charities.queryset = charities.queryset.all()
        if not charities.queryset:  # no connector charities in Kith yet
            del self.fields["recruit_through"]

    def service_data(self):
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data
