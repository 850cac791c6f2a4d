"""Forms for background checks and references. They only parse; the rules
(digits, dates, what counts until when) belong to
``volunteers.services.checks``, whose ``DomainError`` the views show next to
the field."""

from django import forms
from django.utils.html import format_html

from carehome.forms import KithForm, OnceFormMixin, VersionedFormMixin, date_field
from carehome.lib.phones import phone_problem
from volunteers.models import BackgroundCheck, CheckLevel
from volunteers.services.checks import (
    CERTIFICATE_MISSING,
    DBS_DIGITS,
    EMAIL_INVALID,
    ISSUED_MISSING,
    LEVEL_CHOICE,
    MEMBERSHIP_MISSING,
    NOTES_TOO_LONG,
    PHONE_TOO_LONG,
    PVG_DIGITS,
    REFEREE_NAME_MISSING,
    REFEREE_NAME_TOO_LONG,
    RELATIONSHIP_MISSING,
    RELATIONSHIP_TOO_LONG,
    STATEMENT_MISSING,
    UPDATE_SERVICE_CHOICE,
    number_problem,
    recorded_date_problem,
)

Scheme = BackgroundCheck.Scheme

OPTIONAL_DATE = "Enter a real date, like 14/03/2025, or leave it empty."
NUMBER_TOO_LONG = "That is too long for the number. Type only the digits (spaces are fine)."

LEVEL_HELP = {
    CheckLevel.BASIC: "Unspent convictions only.",
    CheckLevel.STANDARD: "Spent and unspent convictions, cautions, reprimands and warnings.",
    CheckLevel.ENHANCED: "As standard, and anything the police think relevant.",
    CheckLevel.ENHANCED_BARRED: "As enhanced, and whether they are barred from working with adults. "
    "Usually needed for time with residents.",
}


def _level_choices():
    return [
        (value, format_html('{}<span class="d-block form-text mt-0">{}</span>', label, LEVEL_HELP[value]))
        for value, label in CheckLevel.choices
        if value != CheckLevel.NONE
    ]


def _notes_field():
    return forms.CharField(
        label="Notes (optional)",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": NOTES_TOO_LONG},
    )


class CheckForm(OnceFormMixin, VersionedFormMixin, KithForm):
    """A DBS check (England and Wales) or PVG scheme membership (Scotland):
    ``scheme`` keeps the fields of one. A new check carries a one-time token,
    an edit the version it was opened on."""

    # DBS
    level = forms.ChoiceField(
        label="Level of check",
        widget=forms.RadioSelect,
        choices=_level_choices,
        error_messages={"required": LEVEL_CHOICE, "invalid_choice": LEVEL_CHOICE},
    )
    certificate_number = forms.CharField(
        label="Certificate number",
        max_length=40,
        help_text=f"The {DBS_DIGITS} digits printed on the certificate. Spaces are fine.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": CERTIFICATE_MISSING, "max_length": NUMBER_TOO_LONG},
    )
    # PVG
    membership_number = forms.CharField(
        label="Scheme membership number",
        max_length=40,
        help_text=f"The {PVG_DIGITS} digits printed on the scheme record or statement. Spaces are fine.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": MEMBERSHIP_MISSING, "max_length": NUMBER_TOO_LONG},
    )
    # Both
    issued_on = date_field("Certificate date", ISSUED_MISSING, bounds=recorded_date_problem)
    # DBS
    update_service = forms.ChoiceField(
        label="DBS Update Service",
        widget=forms.RadioSelect,
        choices=BackgroundCheck.UpdateService.choices,
        initial=BackgroundCheck.UpdateService.NO,
        help_text="With their permission, you can check online that nothing has changed "
        "since the certificate.",
        error_messages={"required": UPDATE_SERVICE_CHOICE, "invalid_choice": UPDATE_SERVICE_CHOICE},
    )
    update_service_checked_on = date_field(
        "Last checked on the Update Service (optional)",
        OPTIONAL_DATE,
        required=False,
        bounds=recorded_date_problem,
        help_text="The check then counts from this date instead of the certificate date.",
    )
    # PVG
    left_notified_on = date_field(
        "Disclosure Scotland told they left on (optional)",
        OPTIONAL_DATE,
        required=False,
        bounds=recorded_date_problem,
        help_text="Fill this in once they stop volunteering here and you have told Disclosure Scotland.",
    )
    notes = _notes_field()

    FIELDS = {
        Scheme.DBS: (
            "level",
            "certificate_number",
            "issued_on",
            "update_service",
            "update_service_checked_on",
            "notes",
        ),
        Scheme.PVG: ("membership_number", "issued_on", "left_notified_on", "notes"),
    }

    def __init__(self, *args, scheme=Scheme.DBS, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["version" if not editing else "form_token"]
        keep = set(self.FIELDS[scheme]) | {"version", "form_token"}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if scheme == Scheme.PVG:
            issued = self.fields["issued_on"]
            issued.label = "Statement date"
            issued.error_messages = {**issued.error_messages, "required": STATEMENT_MISSING}
            issued.error_messages["invalid"] = STATEMENT_MISSING
            issued.help_text = "The date on their PVG scheme record. Membership lasts five years from it."
        else:
            self.fields["issued_on"].help_text = "The date printed on the certificate."
        self.scheme = scheme

    def clean_certificate_number(self):
        value = self.cleaned_data["certificate_number"]
        if problem := number_problem(value, DBS_DIGITS, "certificate number"):
            raise forms.ValidationError(problem)
        return value

    def clean_membership_number(self):
        value = self.cleaned_data["membership_number"]
        if problem := number_problem(value, PVG_DIGITS, "scheme membership number"):
            raise forms.ValidationError(problem)
        return value


class ReferenceForm(OnceFormMixin, VersionedFormMixin, KithForm):
    SATISFACTORY = {"": None, "yes": True, "no": False}

    name = forms.CharField(
        label="Referee's name",
        max_length=150,
        error_messages={
            "required": REFEREE_NAME_MISSING,
            "max_length": REFEREE_NAME_TOO_LONG,
        },
    )
    relationship = forms.CharField(
        label="How they know the volunteer",
        max_length=100,
        help_text="For example “former employer”, “neighbour for ten years”, “church minister”.",
        error_messages={"required": RELATIONSHIP_MISSING, "max_length": RELATIONSHIP_TOO_LONG},
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        help_text="An email address or a phone number is needed (or both).",
        error_messages={"invalid": EMAIL_INVALID, "max_length": EMAIL_INVALID},
    )
    phone = forms.CharField(
        label="Phone number",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        error_messages={"max_length": PHONE_TOO_LONG},
    )
    requested_on = date_field(
        "Asked on (optional)",
        OPTIONAL_DATE,
        required=False,
        bounds=recorded_date_problem,
        help_text="The day you wrote or rang to ask for the reference.",
    )
    received_on = date_field(
        "Received on",
        OPTIONAL_DATE,
        required=False,
        bounds=recorded_date_problem,
        help_text="Leave empty until the reference arrives.",
    )
    satisfactory = forms.ChoiceField(
        label="What did the reference say?",
        widget=forms.RadioSelect,
        required=False,
        choices=[("", "Not received yet"), ("yes", "Satisfactory"), ("no", "Not satisfactory")],
        error_messages={"invalid_choice": "Choose one of the answers."},
    )
    notes = _notes_field()

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["version" if not editing else "form_token"]

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        if problem := phone_problem(phone):
            raise forms.ValidationError(problem)
        return phone

    def clean_satisfactory(self):
        return self.SATISFACTORY[self.cleaned_data["satisfactory"]]

    @classmethod
    def initial_for(cls, reference):
        answer = {True: "yes", False: "no"}.get(reference.satisfactory, "")
        return {
            "name": reference.name,
            "relationship": reference.relationship,
            "email": reference.email,
            "phone": reference.phone,
            "requested_on": reference.requested_on,
            "received_on": reference.received_on,
            "satisfactory": answer,
            "notes": reference.notes,
            "version": reference.version,
        }
