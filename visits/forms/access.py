"""Forms for door codes and visiting restrictions. Every message says what to do.

The forms only parse; the rules (how often the code changes, a restriction's
dates in order) belong to ``visits.services.access``, whose ``DomainError``
the views show next to the field."""

from django import forms

from carehome.forms import KithForm, OnceFormMixin, VersionedFormMixin, date_field
from carehome.timeutils import horizon_date_problem
from visits.selectors.access import essential_care_supporters, family_links_for_resident
from visits.services.access import (
    ALTERNATIVES_MISSING,
    EXEMPT_NOT_LISTED,
    OUTCOME_MISSING,
    PEOPLE_MISSING,
    REASON_MISSING,
)


def _date_field(label, what, help_text="", required=True, bounds=None):
    return date_field(
        label,
        f"Enter {what}, like 12/11/2026.",
        required=required,
        help_text=help_text,
        error_messages={"invalid": f"Enter {what} as a real date, like 12/11/2026."},
        bounds=bounds,
    )


def _within_horizon(what):
    """The horizon rule for a restriction's ``what`` (its start is checked in ``clean``)."""
    return lambda day: horizon_date_problem(day, start=None, what=what)


def _text(label, required_message, help_text="", rows=3):
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
        error_messages={"required": required_message},
    )


class DoorCodeChangeForm(KithForm):
    code = forms.CharField(
        label="New code (optional)",
        required=False,
        max_length=8,
        help_text="4 to 8 digits. Leave it empty and Kith will choose a random code.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"max_length": "A door code has at most 8 digits."},
    )


class RotateDaysForm(KithForm):
    days = forms.IntegerField(
        label="Change the code every (days)",
        help_text="Kith changes the code by itself when it is this many days old.",
        widget=forms.NumberInput(attrs={"min": 1, "max": 365}),
        error_messages={
            "required": "Enter a number of days, like 30.",
            "invalid": "Enter a whole number of days, like 30.",
        },
    )


class ExemptLinkField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, link):
        label = f"{link.membership.user.full_name} ({link.relationship})"
        if link.person_id and link.person.essential_care_supporter:
            label += " — essential care supporter in the plan"
        return label


class RestrictionForm(OnceFormMixin, KithForm):
    reason = _text(
        "Why visiting must be restricted for this person",
        REASON_MISSING,
        "Restrictions are exceptional and for one person only — for example an infection that cannot be "
        "managed any other way, or a risk to this person's safety.",
    )
    alternatives_considered = _text(
        "Less restrictive options considered",
        ALTERNATIVES_MISSING,
        "For example: visits in the garden room, window visits, protective equipment, video calls.",
    )
    people_involved = _text(
        "Who was involved in the decision",
        PEOPLE_MISSING,
        "The person themselves where possible, their family or representative, and professionals.",
        rows=2,
    )
    starts_on = _date_field("Start date", "the start date")
    expected_end_on = _date_field(
        "Expected end date",
        "the expected end date",
        "Every restriction is time-limited. Relatives are told this date.",
        bounds=_within_horizon("expected end date"),
    )
    next_review_on = _date_field(
        "Next review",
        "the date of the next review",
        "Between the start date and the expected end date.",
        bounds=_within_horizon("next review"),
    )
    exempt_links = ExemptLinkField(
        label="Exempt visitors (can still visit and book)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": EXEMPT_NOT_LISTED},
    )
    other_exempt_visitors = forms.CharField(
        label="Other exempt visitors (optional)",
        required=False,
        max_length=300,
        help_text="People without a Kith account, e.g. “Father Michael, chaplain”.",
        error_messages={"max_length": "Keep this to 300 characters."},
    )

    def __init__(self, *args, home, resident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exempt_links"].queryset = family_links_for_resident(home, resident)
        supporters = essential_care_supporters(home, resident)
        if supporters:
            names = ", ".join(f"{name} ({relationship})" for name, relationship in supporters)
            self.fields["exempt_links"].help_text = (
                f"The essential care supporter in {resident.short_name}'s plan: {names}. "
                "An essential care supporter should always be able to visit."
            )
        else:
            self.fields[
                "exempt_links"
            ].help_text = f"{resident.short_name}'s plan names no essential care supporter yet."

    def service_kwargs(self):
        return {k: self.cleaned_data[k] for k in self.fields}


class RestrictionReviewForm(OnceFormMixin, VersionedFormMixin, KithForm):
    reviewed_on = _date_field("Date of the review", "the date of the review")
    outcome = _text("What the review decided", OUTCOME_MISSING, rows=3)
    next_review_on = _date_field(
        "Next review", "the date of the next review", bounds=_within_horizon("next review")
    )
    expected_end_on = _date_field(
        "New expected end date (optional)",
        "the new expected end date",
        "Only if the restriction must go on longer, or can end sooner.",
        required=False,
        bounds=_within_horizon("expected end date"),
    )


class RestrictionEndForm(VersionedFormMixin, KithForm):
    ended_on = _date_field("Date it ended", "the date it ended")
    end_note = forms.CharField(
        label="A note (optional)",
        required=False,
        max_length=300,
        help_text="For example: “Outbreak over; visiting as normal.”",
        error_messages={"max_length": "Keep the note to 300 characters."},
    )
