"""Forms for the personal plan: one short form per section, people who
matter, and recording a review. Every message is written for the person
filling the form in. The forms only parse; the rules (review dates in range and
in order, a way to keep in touch when a frequency is chosen) belong to
``residents.services.plans``, whose ``DomainError`` the views show next to the
field."""

from datetime import timedelta

from django import forms

from carehome.forms import KithForm, OnceFormMixin, VersionedFormMixin, date_field
from carehome.lib.phones import phone_problem
from homes.models import Interest
from residents.models import PersonalPlan, PersonWhoMatters, PlanReview
from residents.selectors.plans import LABELS
from residents.services.plans import (
    CHOOSE_HOW_OFTEN,
    CHOOSE_INTERESTS,
    EMAIL_INVALID,
    PERSON_NAME_MISSING,
    RELATIONSHIP_MISSING,
    REVIEW_DATE_MISSING,
    REVIEW_DUE_MISSING,
    TEXT_LIMIT,
    choose_an_option,
)

TOO_LONG = "This is too long: keep it to %(limit_value)d characters (it has %(show_value)d)."


def _text(model, name, *, label=None, rows=0, help_text="", required=False, messages=None):
    limit = model._meta.get_field(name).max_length or TEXT_LIMIT
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label or LABELS[name],
        required=required,
        max_length=limit,
        widget=widget,
        help_text=help_text,
        error_messages={"max_length": TOO_LONG, **(messages or {})},
    )


def _plan_text(name, **kwargs):
    return _text(PersonalPlan, name, **kwargs)


def _date(label, *, help_text="", required=True, example="12/11/2026"):
    return date_field(
        label,
        f"Enter the date, like {example}.",
        required=required,
        help_text=help_text,
        error_messages={"invalid": f"Enter a real date, like {example}."},
    )


class PlanSectionForm(VersionedFormMixin, KithForm):
    """A section of the plan. ``resident`` personalises the hints."""

    hints = {}

    def __init__(self, *args, resident, **kwargs):
        super().__init__(*args, **kwargs)
        self.resident = resident
        name = resident.short_name
        for field_name, hint in self.hints.items():
            self.fields[field_name].help_text = hint.format(name=name)


class MattersForm(PlanSectionForm):
    what_matters = _plan_text("what_matters", rows=7)
    hints = {
        "what_matters": "The people, places, routines and small things that make a good day for {name}. "
        "Use {name}'s own words where you can."
    }


class StoryForm(PlanSectionForm):
    about_me = _plan_text("about_me", rows=10)
    hints = {
        "about_me": "In {name}'s own words where possible, for example “I grew up in Salford, the eldest "
        "of five…”: family, work, proud moments, what people should know."
    }


class CommunicationForm(PlanSectionForm):
    hearing = _plan_text("hearing", rows=2)
    sight = _plan_text("sight", rows=2)
    speech = _plan_text("speech", rows=2)
    language = _plan_text("language")
    best_time_of_day = _plan_text("best_time_of_day")
    communication_helps = _plan_text("communication_helps", rows=2)
    communication_avoid = _plan_text("communication_avoid", rows=2)
    # Short boxes side by side, then what helps beside what to avoid.
    field_order = [
        "hearing",
        "sight",
        "speech",
        "language",
        "communication_helps",
        "communication_avoid",
        "best_time_of_day",
    ]
    hints = {
        "hearing": "For example “Hearing aid in the left ear; sit on that side.”",
        "sight": "For example “Glasses for reading; large print helps.”",
        "speech": "For example “Finds words slowly when tired: give {name} time.”",
        "language": "For example “English; Punjabi with family.”",
        "best_time_of_day": "For example “Mornings, after breakfast.”",
        "communication_helps": "What makes talking with {name} easier.",
        "communication_avoid": "What upsets {name} or gets in the way.",
    }


_VIDEO_MESSAGES = {
    "required": choose_an_option("video_calls"),
    "invalid_choice": choose_an_option("video_calls"),
}
_PHONE_MESSAGES = {
    "required": choose_an_option("phone_calls"),
    "invalid_choice": choose_an_option("phone_calls"),
}


class TechnologyForm(PlanSectionForm):
    video_calls = forms.ChoiceField(
        label="Video calls",
        choices=PersonalPlan.VideoCalls.choices,
        widget=forms.RadioSelect,
        initial=PersonalPlan.VideoCalls.UNKNOWN,
        error_messages=_VIDEO_MESSAGES,
    )
    phone_calls = forms.ChoiceField(
        label="Phone calls",
        choices=PersonalPlan.PhoneCalls.choices,
        widget=forms.RadioSelect,
        initial=PersonalPlan.PhoneCalls.UNKNOWN,
        error_messages=_PHONE_MESSAGES,
    )
    own_devices = _plan_text("own_devices")
    technology_support = _plan_text("technology_support", rows=2)
    hints = {
        "video_calls": "Video calls help some people and distress others: ask {name}.",
        "phone_calls": "",
        "own_devices": "For example “Big-button mobile; a tablet from her grandson.”",
        "technology_support": "For example “Needs someone to hold the tablet and start the call.”",
    }


class InterestChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class InterestsForm(PlanSectionForm):
    interests = InterestChoiceField(
        label="Interests",
        queryset=Interest.objects.order_by("category", "name"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=False,
        error_messages={
            "invalid_choice": "One of the interests chosen is not on the list. Please choose again.",
            "invalid_pk_value": CHOOSE_INTERESTS,
            "invalid_list": CHOOSE_INTERESTS,
        },
    )
    interests_notes = _plan_text("interests_notes", rows=3)
    former_occupation = _plan_text("former_occupation")
    places = _plan_text("places", rows=2)
    faith_and_groups = _plan_text("faith_and_groups", rows=2)
    hints = {
        "interests": "Tick everything {name} enjoys or used to enjoy. The same list is used to find "
        "friends, volunteers and community groups who share them.",
        "interests_notes": "For example “Supports Leeds United; knitted for the church bazaar for years.”",
        "former_occupation": "For example “Bus conductor”.",
        "places": "Where {name} grew up, lived, worked or went on holiday.",
        "faith_and_groups": "For example “Methodist; went to the Thursday luncheon club.”",
    }

    def interest_groups(self):
        """[(category label, [checkbox, …])] for fieldsets with a legend each."""
        labels = dict(Interest.Category.choices)
        groups = {}
        for checkbox in self["interests"]:
            category = checkbox.data["value"].instance.category
            groups.setdefault(category, []).append(checkbox)
        order = list(labels)
        return [
            (labels.get(category, category), boxes)
            for category, boxes in sorted(
                groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)
            )
        ]


class GoalsForm(PlanSectionForm):
    goals = _plan_text("goals", rows=4)
    anxious_going_out = _plan_text("anxious_going_out", rows=3)
    hints = {
        "goals": "What {name} would like to do, keep doing or get back to: for example “Get to my "
        "granddaughter's wedding in June”, “Go to the bowls club again”.",
        "anxious_going_out": "For example “A familiar face with her, a short trip first, knowing where "
        "the toilets are.”",
    }


SECTION_FORMS = {
    "matters": MattersForm,
    "story": StoryForm,
    "communication": CommunicationForm,
    "technology": TechnologyForm,
    "interests": InterestsForm,
    "goals": GoalsForm,
}


def section_initial(section_form, plan, interests):
    """Initial values for a section form from the plan (which may be unsaved)."""
    initial = {}
    for name in section_form.base_fields:
        initial[name] = [i.pk for i in interests] if name == "interests" else getattr(plan, name)
    initial["version"] = plan.version if plan.pk else 0
    return initial


# --- People who matter ---------------------------------------------------------------

WAYS = [
    ("by_visit", "Visits"),
    ("by_phone", "Phone calls"),
    ("by_video", "Video calls"),
    ("by_letter", "Letters or cards"),
]


class PersonForm(OnceFormMixin, VersionedFormMixin, KithForm):
    name = _text(
        PersonWhoMatters,
        "name",
        label="Their name",
        required=True,
        messages={"required": PERSON_NAME_MISSING},
    )
    relationship = _text(
        PersonWhoMatters,
        "relationship",
        label="Who they are to {name}",
        required=True,
        help_text="For example daughter, old friend, former neighbour.",
        messages={"required": RELATIONSHIP_MISSING},
    )
    ways = forms.MultipleChoiceField(
        label="Ways to keep in touch",
        choices=WAYS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Choose from visits, phone, video or letters."},
    )
    contact_every_days = forms.TypedChoiceField(
        label="How often {name} would like to be in touch",
        choices=[("", "Not decided yet"), *PersonWhoMatters.Frequency.choices],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": CHOOSE_HOW_OFTEN},
    )
    phone = _text(PersonWhoMatters, "phone", label="Phone number (optional)")
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        max_length=PersonWhoMatters._meta.get_field("email").max_length,
        error_messages={"invalid": EMAIL_INVALID, "max_length": TOO_LONG},
    )
    address = _text(PersonWhoMatters, "address", label="Address (optional)", rows=2)
    essential_care_supporter = forms.BooleanField(
        label="Essential care supporter (nominated visitor)",
        required=False,
        help_text="They can always visit, even when visiting is restricted.",
    )
    notes = _text(
        PersonWhoMatters,
        "notes",
        label="Notes (optional)",
        rows=2,
        help_text="For example “Rings on Sunday evenings after 6”.",
    )
    is_active = forms.BooleanField(
        label="Still in touch",
        required=False,
        help_text="Untick if they are no longer in touch. They stay on the plan under “No longer in "
        "touch”; nothing is deleted.",
    )

    def __init__(self, *args, resident, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.resident = resident
        for name in ("relationship", "contact_every_days"):
            self.fields[name].label = self.fields[name].label.format(name=resident.short_name)
        self.fields["phone"].widget.input_type = "tel"
        self.fields["phone"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        if not editing:
            del self.fields["is_active"]
        del self.fields["version" if not editing else "form_token"]

    @classmethod
    def initial_for(cls, person):
        initial = {name: getattr(person, name) for name in cls.base_fields if name != "ways"}
        initial["ways"] = [name for name, _ in WAYS if getattr(person, name)]
        initial["version"] = person.version
        return initial

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(PERSON_NAME_MISSING)
        return name

    def clean_relationship(self):
        relationship = self.cleaned_data["relationship"].strip()
        if not relationship:
            raise forms.ValidationError(RELATIONSHIP_MISSING)
        return relationship

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        problem = phone_problem(phone)
        if problem:
            raise forms.ValidationError(problem)
        return phone

    def person_data(self):
        """The cleaned form as the people services take it."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "ways"}
        for name, _ in WAYS:
            data[name] = name in self.cleaned_data["ways"]
        return data


# --- Reviews -------------------------------------------------------------------------------


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.relationship})"


class PlanReviewForm(OnceFormMixin, KithForm):
    reviewed_on = _date("Date of the review")
    resident_took_part = forms.BooleanField(label="{name} took part", required=False, initial=True)
    key_worker_took_part = forms.BooleanField(
        label="Their key worker took part", required=False, initial=True
    )
    people = PersonChoiceField(
        label="Relatives or friends who took part",
        queryset=PersonWhoMatters.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": "Choose people from {name}'s list.",
            "invalid_pk_value": "Choose people from {name}'s list.",
        },
    )
    relatives_other = forms.CharField(
        label="Other relatives or friends who took part (optional)",
        required=False,
        max_length=200,
        error_messages={"max_length": TOO_LONG},
    )
    others_took_part = _text(
        PlanReview,
        "others_took_part",
        label="Anyone else who took part (optional)",
        help_text="For example an advocate, the activity co-ordinator or a nurse.",
    )
    notes = forms.CharField(
        label="What was agreed",
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": TOO_LONG},
    )
    review_due_on = _date(
        "Next review due",
        help_text="Within 12 months of this review; many homes review every six months.",
        example="12/05/2027",
    )

    def __init__(self, *args, resident, people, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.resident = resident
        self.today = today
        name = resident.short_name
        self.fields["resident_took_part"].label = f"{name} took part"
        if resident.key_worker_id:
            self.fields[
                "key_worker_took_part"
            ].label = f"Their key worker ({resident.key_worker.full_name}) took part"
        if people.exists():
            field = self.fields["people"]
            field.queryset = people
            for key in ("invalid_choice", "invalid_pk_value"):
                field.error_messages[key] = field.error_messages[key].format(name=name)
        else:
            del self.fields["people"]
            self.fields["relatives_other"].label = "Relatives or friends who took part (optional)"
        self.fields["reviewed_on"].error_messages["required"] = REVIEW_DATE_MISSING
        self.fields["review_due_on"].error_messages["required"] = REVIEW_DUE_MISSING
        if not self.is_bound:
            self.initial.setdefault("reviewed_on", today)
            self.initial.setdefault("review_due_on", today + timedelta(days=182))
