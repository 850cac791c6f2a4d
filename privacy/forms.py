"""Forms for requests for personal data. They parse; ``privacy.services`` owns the rules."""

from django import forms
from django.utils import timezone

from carehome.forms import KithForm, OnceFormMixin, VersionedFormMixin, date_field
from privacy.models import SubjectAccessRequest, SubjectKind
from privacy.retention import HOLD_REASON_MISSING, RELEASE_NOTE_MISSING
from privacy.services import (
    CLOSE_NOTE_MISSING,
    CLOSED_ON_MISSING,
    IDENTITY_MISSING,
    RECEIVED_MISSING,
    REQUESTED_BY_MISSING,
    WHO_MISSING,
    received_on_problem,
)

_CHOICE = {"required": WHO_MISSING, "invalid_choice": WHO_MISSING}


class RequestForm(OnceFormMixin, KithForm):
    subject = forms.ChoiceField(
        label="Whose data is it?",
        help_text="Residents (those who left too), relatives and friends with an account, and volunteers.",
        error_messages=_CHOICE,
    )
    received_on = date_field(
        "Date the request arrived",
        RECEIVED_MISSING,
        bounds=received_on_problem,
        help_text="It counts from the day it arrived, however it came: in person, by phone, letter or email.",
    )
    requested_by = forms.CharField(
        label="Who asked",
        max_length=200,
        help_text="For example “Peggy herself” or “Her son Tom, who holds a health and welfare LPA”.",
        error_messages={"required": REQUESTED_BY_MISSING, "max_length": "Keep this under 200 characters."},
    )
    identity_checked = forms.CharField(
        label="How you checked who they are",
        max_length=300,
        help_text="For example “Known to staff, asked in person” or “LPA document seen by the manager”.",
        error_messages={"required": IDENTITY_MISSING, "max_length": "Keep this under 300 characters."},
    )

    def __init__(self, *args, residents=(), relatives=(), volunteers=(), **kwargs):
        kwargs.setdefault("initial", {"received_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        groups = [("", "Choose…")]
        for label, kind, rows, name in (
            (
                "Residents",
                SubjectKind.RESIDENT,
                residents,
                lambda r: r.display_name + (" (left)" if r.has_left else ""),
            ),
            (
                "Relatives and friends",
                SubjectKind.RELATIVE,
                relatives,
                lambda m: f"{m.user.full_name} ({m.user.email})",
            ),
            ("Volunteers", SubjectKind.VOLUNTEER, volunteers, lambda v: v.full_name),
        ):
            if rows:
                groups.append((label, [(f"{kind}:{row.pk}", name(row)) for row in rows]))
        self.fields["subject"].choices = groups

    def clean_subject(self):
        kind, _, pk = self.cleaned_data["subject"].partition(":")
        return kind, int(pk)


class CloseForm(VersionedFormMixin, KithForm):
    status = forms.ChoiceField(
        label="What happened",
        choices=[
            (SubjectAccessRequest.Status.SENT, "We sent them their data"),
            (SubjectAccessRequest.Status.WITHDRAWN, "They withdrew the request"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether it was sent or withdrawn.",
            "invalid_choice": "Choose whether it was sent or withdrawn.",
        },
    )
    closed_on = date_field("On", CLOSED_ON_MISSING)
    note = forms.CharField(
        label="How it was sent, or why it was withdrawn",
        max_length=300,
        help_text="For example “PDF emailed to her son, password sent by text”.",
        error_messages={"required": CLOSE_NOTE_MISSING, "max_length": "Keep this under 300 characters."},
    )

    def __init__(self, *args, version=0, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "closed_on": timezone.localdate(),
                "status": SubjectAccessRequest.Status.SENT,
                "version": version,
            },
        )
        super().__init__(*args, **kwargs)


class HoldForm(KithForm):
    reason = forms.CharField(
        label="Why these records must be kept",
        max_length=300,
        help_text="For example “Complaint open since 3 March” or “Solicitor's letter about a claim, 12 May”.",
        error_messages={"required": HOLD_REASON_MISSING, "max_length": "Keep this under 300 characters."},
    )


class ReleaseForm(KithForm):
    note = forms.CharField(
        label="Why the hold ends",
        max_length=300,
        help_text="For example “Complaint closed on 12 May”. Records past their time are then anonymised.",
        error_messages={"required": RELEASE_NOTE_MISSING, "max_length": "Keep this under 300 characters."},
    )


def _years(label):
    return forms.IntegerField(
        label=label,
        min_value=1,
        max_value=30,
        error_messages={
            "required": "Enter a number of years from 1 to 30.",
            "invalid": "Enter a whole number of years from 1 to 30.",
            "min_value": "Choose between 1 and 30 years.",
            "max_value": "Choose between 1 and 30 years.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class PolicyForm(VersionedFormMixin, KithForm):
    residents_years = _years("Residents: years after they left or died")
    relatives_years = _years("Relatives and friends: years after their last link ended")
    volunteers_years = _years("Volunteers: years after they stopped")

    def __init__(self, *args, policy, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "residents_years": policy.residents_years,
                "relatives_years": policy.relatives_years,
                "volunteers_years": policy.volunteers_years,
                "version": policy.version if policy.pk else 0,
            },
        )
        super().__init__(*args, **kwargs)
