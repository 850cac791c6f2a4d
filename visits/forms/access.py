"""Forms for door codes and visiting restrictions. Every message says what to do."""

from django import forms

from carehome.forms import date_field
from visits.selectors.access import essential_care_supporters, family_links_for_resident


def _date_field(label, what, help_text="", required=True):
    return date_field(
        label,
        f"Enter {what}, like 12/11/2026.",
        required=required,
        help_text=help_text,
        error_messages={"invalid": f"Enter {what} as a real date, like 12/11/2026."},
    )


def _text(label, required_message, help_text="", rows=3):
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
        error_messages={"required": required_message},
    )


class DoorCodeChangeForm(forms.Form):
    code = forms.CharField(
        label="New code (optional)",
        required=False,
        max_length=8,
        help_text="4 to 8 digits. Leave it empty and Kith will choose a random code.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"max_length": "A door code has at most 8 digits."},
    )


class RotateDaysForm(forms.Form):
    days = forms.IntegerField(
        label="Change the code every (days)",
        min_value=1,
        max_value=365,
        help_text="Kith changes the code by itself when it is this many days old.",
        error_messages={
            "required": "Enter a number of days, like 30.",
            "invalid": "Enter a whole number of days, like 30.",
            "min_value": "Choose a number of days from 1 to 365.",
            "max_value": "Choose a number of days from 1 to 365.",
        },
    )


class ExemptLinkField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, link):
        label = f"{link.membership.user.full_name} ({link.relationship})"
        if link.person_id and link.person.essential_care_supporter:
            label += " — essential care supporter in the plan"
        return label


class RestrictionForm(forms.Form):
    reason = _text(
        "Why visiting must be restricted for this person",
        "Say why visiting must be restricted for this person.",
        "Restrictions are exceptional and for one person only — for example an infection that cannot be "
        "managed any other way, or a risk to this person's safety.",
    )
    alternatives_considered = _text(
        "Less restrictive options considered",
        "Say which less restrictive options you considered, and why they are not enough.",
        "For example: visits in the garden room, window visits, protective equipment, video calls.",
    )
    people_involved = _text(
        "Who was involved in the decision",
        "Say who was involved in the decision.",
        "The person themselves where possible, their family or representative, and professionals.",
        rows=2,
    )
    starts_on = _date_field("Start date", "the start date")
    expected_end_on = _date_field(
        "Expected end date",
        "the expected end date",
        "Every restriction is time-limited. Relatives are told this date.",
    )
    next_review_on = _date_field(
        "Next review", "the date of the next review", "Between the start date and the expected end date."
    )
    exempt_links = ExemptLinkField(
        label="Exempt visitors (can still visit and book)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose exempt visitors from this person's family and friends."},
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

    def clean(self):
        data = super().clean()
        start, end, review = (data.get(k) for k in ("starts_on", "expected_end_on", "next_review_on"))
        if start and end and end <= start:
            self.add_error(
                "expected_end_on",
                "The expected end date must be after the start date. A restriction is always time-limited.",
            )
        elif start and end and review and not start <= review <= end:
            self.add_error(
                "next_review_on", "The next review must be between the start date and the expected end date."
            )
        return data

    def service_kwargs(self):
        return {k: self.cleaned_data[k] for k in self.fields}


class RestrictionReviewForm(forms.Form):
    reviewed_on = _date_field("Date of the review", "the date of the review")
    outcome = _text("What the review decided", "Say what the review decided.", rows=3)
    next_review_on = _date_field("Next review", "the date of the next review")
    expected_end_on = _date_field(
        "New expected end date (optional)",
        "the new expected end date",
        "Only if the restriction must go on longer, or can end sooner.",
        required=False,
    )


class RestrictionEndForm(forms.Form):
    ended_on = _date_field("Date it ended", "the date it ended")
    end_note = forms.CharField(
        label="A note (optional)",
        required=False,
        max_length=300,
        help_text="For example: “Outbreak over; visiting as normal.”",
        error_messages={"max_length": "Keep the note to 300 characters."},
    )
