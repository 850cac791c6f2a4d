"""Forms for inviting families to a meal or an activity, and for replying.

The forms only parse; the rules (times in order, how many people, an adult
with children) belong to ``visits.services.events``, whose ``DomainError`` the
views show next to the field."""

from django import forms

from carehome.forms import KithForm, OnceFormMixin, date_field, time_field
from carehome.timeutils import booking_date_problem
from visits.models import EventInvitation, EventReply
from visits.services.events import (
    ANSWER_MISSING,
    KIND_MISSING,
    MAX_PEOPLE,
    MESSAGE_LIMIT,
    MESSAGE_TOO_LONG,
    NOBODY_INVITED,
    NOTE_LIMIT,
    NOTE_TOO_LONG,
    PLACE_LIMIT,
    PLACE_TOO_LONG,
    TITLE_LIMIT,
    TITLE_MISSING,
    TITLE_TOO_LONG,
    not_a_number,
    when_from,
)


def invitee_label(resident):
    """“Margaret Baxter (Peggy) — invites Linda Baxter (daughter)”: who will be invited."""
    links = getattr(resident, "family_links", [])
    if not links:
        return f"{resident.display_name} — no family with an account yet"
    names = ", ".join(
        f"{link.membership.user.full_name} ({link.relationship})"
        if link.relationship
        else link.membership.user.full_name
        for link in links
    )
    return f"{resident.display_name} — invites {names}"


class EventForm(OnceFormMixin, KithForm):
    kind = forms.ChoiceField(
        label="Is it a meal or an activity?",
        choices=EventInvitation.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": KIND_MISSING},
    )
    title = forms.CharField(
        label="What is it?",
        max_length=TITLE_LIMIT,
        help_text="For example “Sunday lunch” or “Summer fair”.",
        error_messages={"required": TITLE_MISSING, "max_length": TITLE_TOO_LONG},
    )
    # Past times are refused by the service, to the minute; here only the horizon.
    date = date_field(
        "Date",
        "Enter the date, like 14/12/2026.",
        bounds=lambda day: booking_date_problem(day, allow_past=True),
    )
    starts = time_field("Starts at", "Enter the start time, like 12:30.")
    ends = time_field("Ends at", "Enter the end time, like 14:00.")
    place = forms.CharField(
        label="Where (optional)",
        required=False,
        max_length=PLACE_LIMIT,
        help_text="For example “the dining room” or “the garden”.",
        error_messages={"max_length": PLACE_TOO_LONG},
    )
    message = forms.CharField(
        label="A message for the family (optional)",
        required=False,
        max_length=MESSAGE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": MESSAGE_TOO_LONG},
    )

    def __init__(self, *args, residents, **kwargs):
        super().__init__(*args, **kwargs)
        self.residents_by_pk = {str(r.pk): r for r in residents}
        self.fields["residents"] = forms.MultipleChoiceField(
            label="Whose family is invited?",
            choices=[(str(r.pk), invitee_label(r)) for r in residents],
            widget=forms.CheckboxSelectMultiple,
            help_text="Everyone with a family account for the people you tick gets an email and can reply.",
            error_messages={
                "required": NOBODY_INVITED,
                "invalid_choice": "One of the people chosen does not live here. Choose from the list.",
                "invalid_list": "Choose residents from the list.",
            },
        )

    def clean_residents(self):
        return [self.residents_by_pk[pk] for pk in self.cleaned_data["residents"]]

    def service_kwargs(self):
        data = self.cleaned_data
        starts_at, ends_at = when_from(data["date"], data["starts"], data["ends"])
        return {
            "kind": data["kind"],
            "title": data["title"],
            "starts_at": starts_at,
            "ends_at": ends_at,
            "place": data["place"],
            "message": data["message"],
            "residents": data["residents"],
            "form_token": data.get("form_token"),
        }


def _number(label):
    """A number of people; how many may come is the service's rule (the
    browser is only told the range)."""
    return forms.IntegerField(
        label=f"How many {label}?",
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": MAX_PEOPLE}),
        error_messages={"invalid": not_a_number(label)},
    )


class ReplyForm(KithForm):
    answer = forms.ChoiceField(
        label="Will you come?",
        choices=[
            (EventReply.Answer.YES, "Yes, we will come"),
            (EventReply.Answer.MAYBE, "Maybe"),
            (EventReply.Answer.NO, "No, we can't come"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": ANSWER_MISSING, "invalid_choice": ANSWER_MISSING},
    )
    adults = _number("adults")
    children = _number("children")
    note = forms.CharField(
        label="A note for the home (optional)",
        required=False,
        max_length=NOTE_LIMIT,
        help_text="For example a wheelchair user, or food someone cannot eat.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": NOTE_TOO_LONG},
    )

    def clean(self):
        cleaned = super().clean()
        answer = cleaned.get("answer")
        if answer == EventReply.Answer.NO:
            # Numbers are ignored when nobody is coming.
            for name in ("adults", "children"):
                self.errors.pop(name, None)
                cleaned[name] = 0
        elif answer:
            # A number left empty is none.
            for name in ("adults", "children"):
                if cleaned.get(name) is None and name not in self.errors:
                    cleaned[name] = 0
        return cleaned
