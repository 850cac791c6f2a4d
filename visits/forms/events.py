"""Forms for inviting families to a meal or an activity, and for replying."""

from django import forms

from carehome.forms import date_field, time_field
from visits.models import EventInvitation, EventReply
from visits.services.events import MAX_PEOPLE, when_from


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


class EventForm(forms.Form):
    kind = forms.ChoiceField(
        label="Is it a meal or an activity?",
        choices=EventInvitation.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether it is a meal or an activity."},
    )
    title = forms.CharField(
        label="What is it?",
        max_length=150,
        help_text="For example “Sunday lunch” or “Summer fair”.",
        error_messages={
            "required": "Enter what it is, like “Sunday lunch”.",
            "max_length": "Keep the name under 150 characters.",
        },
    )
    date = date_field("Date", "Enter the date, like 14/12/2026.")
    starts = time_field("Starts at", "Enter the start time, like 12:30.")
    ends = time_field("Ends at", "Enter the end time, like 14:00.")
    place = forms.CharField(
        label="Where (optional)",
        required=False,
        max_length=150,
        help_text="For example “the dining room” or “the garden”.",
        error_messages={"max_length": "Keep the place under 150 characters."},
    )
    message = forms.CharField(
        label="A message for the family (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep the message under 2,000 characters."},
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
                "required": "Choose whose family to invite.",
                "invalid_choice": "One of the people chosen does not live here. Choose from the list.",
                "invalid_list": "Choose residents from the list.",
            },
        )

    def clean_residents(self):
        return [self.residents_by_pk[pk] for pk in self.cleaned_data["residents"]]

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts"), cleaned.get("ends")
        if starts and ends and ends <= starts:
            self.add_error("ends", "The end time must be after the start time.")
        return cleaned

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
        }


def _number(label):
    message = f"Enter a number of {label} from 0 to {MAX_PEOPLE}. For a bigger group, please ring the home."
    return forms.IntegerField(
        label=f"How many {label}?",
        min_value=0,
        max_value=MAX_PEOPLE,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": f"Enter how many {label} are coming, as a number.",
            "min_value": message,
            "max_value": message,
        },
    )


class ReplyForm(forms.Form):
    answer = forms.ChoiceField(
        label="Will you come?",
        choices=[
            (EventReply.Answer.YES, "Yes, we will come"),
            (EventReply.Answer.MAYBE, "Maybe"),
            (EventReply.Answer.NO, "No, we can't come"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose yes, no or maybe.",
            "invalid_choice": "Choose yes, no or maybe.",
        },
    )
    adults = _number("adults")
    children = _number("children")
    note = forms.CharField(
        label="A note for the home (optional)",
        required=False,
        max_length=300,
        help_text="For example a wheelchair user, or food someone cannot eat.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Keep the note under 300 characters."},
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
            if cleaned.get("adults") in (None, 0) and "adults" not in self.errors:
                self.add_error("adults", "Children need a grown-up with them: enter at least 1 adult.")
            if cleaned.get("children") is None and "children" not in self.errors:
                cleaned["children"] = 0
        return cleaned
