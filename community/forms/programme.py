"""Forms for the programme: an activity (added or changed), moving one date,
cancelling one date. They only parse; the rules and their words belong to
``community.services.programme``."""

from itertools import groupby

from django import forms

from carehome.forms import KithForm, OnceFormMixin, VersionedFormMixin, date_field, time_field
from community.models import Activity
from community.selectors import programme as selectors
from community.services.programme import (
    ACCESSIBILITY_TOO_LONG,
    ADDRESS_TOO_LONG,
    CALL_NAME_TOO_LONG,
    CAPACITY_MAX,
    CAPACITY_RANGE,
    CHOOSE_IDEA,
    CHOOSE_KIND,
    CHOOSE_PARTNER,
    CHOOSE_PLACE,
    CHOOSE_REPEATS,
    CHOOSE_SPACE,
    CHOOSE_STAFF,
    CHOOSE_TRANSPORT,
    CHOOSE_VOLUNTEERS,
    DATE_MISSING,
    DAY_MISSING,
    ENDS_MISSING,
    NOTE_TOO_LONG,
    REASON_MISSING,
    REASON_TOO_LONG,
    STARTS_MISSING,
    TITLE_MISSING,
    TITLE_TOO_LONG,
    WHAT_TO_TAKE_TOO_LONG,
    date_problem,
)
from homes.models import Interest

UNTIL_MESSAGE = "Enter the last date it repeats, like 14/11/2027, or leave it empty."
CHOOSE_INTERESTS = "Choose interests from the list."


def _choice_errors(message):
    return {"required": message, "invalid_choice": message, "invalid_pk_value": message, "list": message}


def _bounded(day):
    return date_problem(day, allow_past=True)


class _Named(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class PartnershipChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.partner.name


class IdeaChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        text = obj.text if len(obj.text) <= 90 else obj.text[:89] + "…"
        return f"{text} ({obj.get_status_display().lower()})"


class StaffChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.user.full_name} ({obj.get_role_display().lower()})"


class NameChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name if hasattr(obj, "full_name") else obj.name


class ActivityForm(KithForm):
    """An activity in the home, an outing, or a community group using a space."""

    title = forms.CharField(
        label="Name of the activity",
        max_length=150,
        help_text="For example “Chair exercise”, “Fishing trip” or “Rowan Singers”.",
        error_messages={"required": TITLE_MISSING, "max_length": TITLE_TOO_LONG},
    )
    kind = forms.ChoiceField(
        label="What kind",
        choices=Activity.Kind.choices,
        widget=forms.RadioSelect,
        error_messages=_choice_errors(CHOOSE_KIND),
    )
    description = forms.CharField(
        label="What happens (optional)",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    space = _Named(
        label="Space in the home",
        queryset=None,
        required=False,
        empty_label="No space",
        help_text="For an activity in the home or a community group. The space is held on the same "
        "calendar as family visits.",
        error_messages=_choice_errors(CHOOSE_SPACE),
    )
    partnership = PartnershipChoice(
        label="Partner",
        queryset=None,
        required=False,
        empty_label="No partner",
        help_text="The community group using the space, the partner coming in, or where an outing goes.",
        error_messages=_choice_errors(CHOOSE_PARTNER),
    )
    place = _Named(
        label="A place nearby (for an outing)",
        queryset=None,
        required=False,
        empty_label="No place",
        error_messages=_choice_errors(CHOOSE_PLACE),
    )
    address = forms.CharField(
        label="Or an address (for an outing)",
        required=False,
        max_length=300,
        error_messages={"max_length": ADDRESS_TOO_LONG},
    )
    capacity = forms.IntegerField(
        label="Places for residents",
        min_value=1,
        max_value=CAPACITY_MAX,
        initial=10,
        error_messages={
            "required": CAPACITY_RANGE,
            "invalid": CAPACITY_RANGE,
            "min_value": CAPACITY_RANGE,
            "max_value": CAPACITY_RANGE,
        },
    )
    accessibility = forms.CharField(
        label="Accessibility (optional)",
        required=False,
        max_length=300,
        help_text="For example “Step-free; hearing loop in the hall; accessible toilet”.",
        error_messages={"max_length": ACCESSIBILITY_TOO_LONG},
    )
    interests = forms.ModelMultipleChoiceField(
        label="Interests it suits",
        queryset=Interest.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=False,
        error_messages=_choice_errors(CHOOSE_INTERESTS),
    )
    intergenerational = forms.BooleanField(
        label="Intergenerational (with children or young people)", required=False
    )
    nature = forms.BooleanField(label="Nature and the outdoors", required=False)
    wider_community = forms.BooleanField(label="Benefits the wider community", required=False)
    virtual = forms.BooleanField(label="Virtual (online)", required=False)
    idea = IdeaChoice(
        label="Co-produced from a residents' idea (optional)",
        queryset=None,
        required=False,
        empty_label="Not from an idea",
        help_text="A new idea moves to “planned”.",
        error_messages=_choice_errors(CHOOSE_IDEA),
    )
    repeats = forms.ChoiceField(
        label="How often",
        choices=Activity.Repeats.choices,
        initial=Activity.Repeats.ONCE,
        error_messages=_choice_errors(CHOOSE_REPEATS),
    )
    first_day = date_field("Date (the first date, if it repeats)", DATE_MISSING, bounds=_bounded)
    last_day = date_field(
        "Repeat until (optional)",
        UNTIL_MESSAGE,
        bounds=_bounded,
        required=False,
        help_text="Leave empty to keep it going.",
    )
    starts = time_field("Starts (for an outing: departs)", STARTS_MISSING)
    ends = time_field("Ends (for an outing: returns)", ENDS_MISSING)
    staff = StaffChoices(
        label="Staff leading it",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages=_choice_errors(CHOOSE_STAFF),
    )
    volunteers = NameChoices(
        label="Volunteers helping",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages=_choice_errors(CHOOSE_VOLUNTEERS),
    )
    transport = forms.ChoiceField(
        label="Transport",
        choices=[("", "Choose for an outing")] + [c for c in Activity.Transport.choices if c[0]],
        required=False,
        error_messages=_choice_errors(CHOOSE_TRANSPORT),
    )
    transport_partnership = PartnershipChoice(
        label="Community transport partner",
        queryset=None,
        required=False,
        empty_label="None",
        error_messages=_choice_errors(CHOOSE_PARTNER),
    )
    what_to_take = forms.CharField(
        label="What to take",
        required=False,
        max_length=500,
        help_text="For example “Blankets, sun hats, medication, a change of clothes”.",
        error_messages={"max_length": WHAT_TO_TAKE_TOO_LONG},
    )
    call_name = forms.CharField(
        label="Who to call on the day",
        required=False,
        max_length=150,
        error_messages={"max_length": CALL_NAME_TOO_LONG},
    )
    call_phone = forms.CharField(label="Their phone", required=False, max_length=30)
    on_public_programme = forms.BooleanField(
        label="Show on the public programme",
        required=False,
        initial=False,
        help_text="Only if the home publishes its programme. Residents are never named there.",
    )

    def __init__(self, *args, home, activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["space"].queryset = selectors.spaces_to_choose(home)
        self.fields["partnership"].queryset = selectors.partnerships_to_choose(home)
        self.fields["transport_partnership"].queryset = selectors.transport_partnerships(home)
        self.fields["place"].queryset = selectors.places_to_choose(home)
        self.fields["idea"].queryset = selectors.ideas_to_choose(
            home, keep=activity.idea_id if activity is not None else None
        )
        self.fields["staff"].queryset = selectors.staff_to_choose(home)
        self.fields["volunteers"].queryset = selectors.volunteers_to_choose(home)
        self.fields["interests"].queryset = selectors.interests_to_choose()
        if activity is not None:
            self.fields["kind"].disabled = True
            self.fields["kind"].required = False

    def activity_data(self):
        data = dict(self.cleaned_data)
        data.pop("form_token", None)
        data.pop("version", None)
        return data

    def interest_groups(self):
        """The interest checkboxes by category: [(category label, [checkbox, …])]."""
        labels = dict(Interest.Category.choices)
        order = list(labels)
        boxes = [(box.data["value"].instance.category, box) for box in self["interests"]]
        boxes.sort(key=lambda pair: order.index(pair[0]) if pair[0] in order else len(order))
        return [
            (labels.get(category, category), [box for _, box in group])
            for category, group in groupby(boxes, key=lambda pair: pair[0])
        ]


class ActivityAddForm(OnceFormMixin, ActivityForm):
    pass


class ActivityEditForm(VersionedFormMixin, ActivityForm):
    pass


def activity_initial(activity):
    """The edit form's starting values from ``activity`` (its m2m already loaded)."""
    values = {
        name: getattr(activity, name)
        for name in (
            "title kind description space partnership place address capacity accessibility intergenerational "
            "nature wider_community virtual idea repeats first_day last_day starts ends transport "
            "transport_partnership what_to_take call_name call_phone on_public_programme"
        ).split()
    }
    values["interests"] = list(activity.interests.all())
    values["staff"] = list(activity.staff.all())
    values["volunteers"] = list(activity.volunteers.all())
    values["version"] = activity.version
    return values


class OccurrenceMoveForm(VersionedFormMixin, KithForm):
    """Move one date: a new day and times, and a note for this date."""

    day = date_field("Date", DAY_MISSING, bounds=_bounded)
    starts = time_field("Starts (for an outing: departs)", STARTS_MISSING)
    ends = time_field("Ends (for an outing: returns)", ENDS_MISSING)
    note = forms.CharField(
        label="Note for this date (optional)",
        required=False,
        max_length=300,
        help_text="For example “In the garden room this week: the lounge is being painted”.",
        error_messages={"max_length": NOTE_TOO_LONG},
    )


class OccurrenceCancelForm(KithForm):
    reason = forms.CharField(
        label="Why is it cancelled?",
        max_length=300,
        help_text="The people invited are told.",
        error_messages={"required": REASON_MISSING, "max_length": REASON_TOO_LONG},
    )
