"""The booking form: who, when, where, a meal, how many, and what helps.

The form only parses; the rules (times in order, how many people, whose
relative) belong to ``visits.services.booking``, whose ``DomainError`` the
views show next to the field."""

from datetime import time

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils import timezone

from carehome.forms import KithForm, OnceFormMixin, date_field, time_field
from carehome.query import parse_id
from carehome.timeutils import booking_date_problem
from homes.models import Space
from residents.models import PersonalPlan
from visits.models import Visit
from visits.selectors import booking as selectors
from visits.services.booking import NOT_LISTED

WHEN = {
    "date": "Enter the date, like 14/11/2026.",
    "start_time": "Enter the time you will arrive, like 14:30.",
    "end_time": "Enter the time you will leave, like 15:30.",
}


def parse_slot(value):
    """A free time tapped on the booking page, "10:00-11:00", as (start, end)
    times; None if it is not one."""
    start, _, end = (value or "").partition("-")
    try:
        start_at, end_at = time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
    except ValueError:
        return None
    return (start_at, end_at) if start_at < end_at else None


def with_slot_times(data):
    """A tapped free time fills in From and Until (without JavaScript too)."""
    slot = parse_slot(data.get("slot")) if data is not None else None
    if slot is None:
        return data
    data = data.copy()
    data["start_time"], data["end_time"] = (f"{at:%H:%M}" for at in slot)
    return data


class _RowsIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.rows:
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.rows) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.rows)


class RowsChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` over rows already read (``rows``, a list): it
    offers and checks them with no query of its own."""

    iterator = _RowsIterator

    def __init__(self, *args, **kwargs):
        self._rows = []
        self._load = None
        self._found = None
        super().__init__(*args, **kwargs)

    @property
    def rows(self):
        if self._load is not None:
            self._rows, self._load = list(self._load()), None
        return self._rows

    @rows.setter
    def rows(self, rows):
        # The widget lists the choices of this field (a form's copy), as
        # setting a queryset does for a ModelChoiceField.
        self._rows, self._load = list(rows), None
        self.widget.choices = self.choices

    def offer(self, load, found):
        """Rows read by ``load()`` only if the field is shown; until then a
        posted value is checked against ``found`` alone (the one row the
        value names, read by id, or None)."""
        self._load, self._found = load, found
        self.widget.choices = self.choices  # iterated, so read, only when shown

    def to_python(self, value):
        if value in self.empty_values:
            return None
        wanted = str(value).strip()
        rows = [self._found] if self._load is not None else self.rows
        for obj in rows:
            if obj is not None and str(obj.pk) == wanted:
                return obj
        raise ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class ResidentField(RowsChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class SpaceField(RowsChoiceField):
    def label_from_instance(self, obj):
        if obj.kind in selectors.DEVICE_KINDS:
            return f"{obj.name} (for calls)"
        return f"{obj.name} — up to {obj.capacity} people, {obj.opens_at:%H:%M} to {obj.closes_at:%H:%M}"


class BookingForm(OnceFormMixin, KithForm):
    resident = ResidentField(queryset=None, label="Who are you visiting?", empty_label=None)
    kind = forms.ChoiceField(
        label="Visit or call?",
        choices=Visit.Kind.choices,
        widget=forms.RadioSelect,
        initial=Visit.Kind.VISIT,
        error_messages={
            "required": "Choose a visit or a call.",
            "invalid_choice": "Choose one of the options.",
        },
    )
    date = date_field("Date", WHEN["date"], bounds=booking_date_problem)
    start_time = time_field("From", WHEN["start_time"])
    end_time = time_field("Until", WHEN["end_time"])
    space = SpaceField(
        queryset=None,
        required=False,
        widget=forms.RadioSelect,
        blank=True,
        label="Where would you like to be? (optional)",
        empty_label="Anywhere — no room needed",
        help_text="Calls use the home's tablet or phone: leave this as it is.",
    )
    meal = forms.ChoiceField(
        label="Would you like to share a meal?",
        choices=Visit.Meal.choices,
        widget=forms.RadioSelect,
        initial=Visit.Meal.NONE,
        error_messages={
            "required": "Choose a meal, or no meal.",
            "invalid_choice": "Choose one of the meals.",
        },
    )
    visitors = forms.IntegerField(
        label="How many people are coming?",
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter how many people are coming, like 2.",
            "invalid": "Enter how many people are coming as a number, like 2.",
        },
    )
    visitor_name = forms.CharField(
        label="Your name", max_length=150, required=False, help_text="So staff know who to expect."
    )
    accessibility_needs = forms.CharField(
        label="Anything that would help (optional)",
        max_length=300,
        required=False,
        help_text="For example a wheelchair space, a hearing loop, somewhere quiet.",
        error_messages={"max_length": "Keep this to 300 characters or fewer."},
    )
    note = forms.CharField(
        label="A note for the home (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, home, membership, changing=False, **kwargs):
        if args:
            args = (with_slot_times(args[0]), *args[1:])
        super().__init__(*args, **kwargs)
        self.home = home
        if changing:
            del self.fields["form_token"]  # a one-time token is for a new booking
        if membership.has_perm("visits.book") and not changing:
            # Staff booking for a family: the visit becomes the relative's own.
            self.fields["for_relative"] = forms.ModelChoiceField(
                queryset=selectors.relatives_to_book_for(home),
                required=False,
                label="Booking for a relative? (optional)",
                empty_label="No — I am booking for the home",
                help_text="The visit then shows on their home page and they get the email.",
                error_messages={"invalid_choice": "Choose one of the relatives listed, or nobody."},
            )
            self.fields["for_relative"].label_from_instance = lambda link: (
                f"{link.membership.user.full_name} — {link.relationship} of {link.resident}"
            )
        # Read once here, then offered and checked with no further query; the
        # service checks the resident and the space again when it books. A
        # posted form reads only the person chosen (and whether there is
        # another): the list is read if the form is shown again.
        posted = parse_id(self.data.get("resident")) if self.is_bound else _LIST
        residents, spaces, kinds = _choices(home, membership, posted=posted)
        if self.is_bound:  # ``residents``: the one chosen, or None
            self.fields["resident"].offer(lambda: selectors.bookable_residents(home, membership), residents)
        else:
            self.fields["resident"].rows = residents
        self.fields["resident"].error_messages.update(
            {
                "required": "Choose who you are visiting.",
                "invalid_choice": NOT_LISTED,
            }
        )
        self.fields["space"].rows = spaces
        not_here = f"That space is not one of {home.name}'s spaces to book. Choose one from the list."
        self.fields["space"].error_messages.update({"invalid_choice": not_here, "invalid_pk_value": not_here})
        self.fields["kind"].choices = kinds
        if len(self.fields["kind"].choices) == 1:
            self.fields["kind"].widget = forms.HiddenInput()
            self.fields["space"].help_text = ""
            # Shown in the summary at the top (a hidden field has no place of its own).
            self.fields["kind"].error_messages["invalid_choice"] = (
                "Calls cannot be booked here at the moment: the home's tablet or phone is not available "
                "for this booking. Book a visit instead, or ring the home to arrange a call."
            )

    @staticmethod
    def _kinds(devices, residents):
        """Calls only if the home has the device (``devices``: the kinds of its
        bookable spaces); and, when there is one person to choose, only the
        calls their plan welcomes."""
        choices = [(Visit.Kind.VISIT, "A visit")]
        for kind, device, label in (
            (Visit.Kind.VIDEO_CALL, Space.Kind.TABLET, "A video call on the home's tablet"),
            (Visit.Kind.PHONE_CALL, Space.Kind.PHONE, "A phone call"),
        ):
            if device not in devices:
                continue
            if (
                len(residents) == 1
                and selectors.call_wish(residents[0], kind) == PersonalPlan.VideoCalls.NOT_FOR_ME
            ):
                continue
            choices.append((kind, label))
        return choices

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "resident": data["resident"],
            "kind": data["kind"],
            "day": data["date"],
            "start_time": data["start_time"],
            "end_time": data["end_time"],
            "space": data["space"],
            "meal": data["meal"],
            "visitors": data["visitors"],
            "visitor_name": data["visitor_name"],
            "accessibility_needs": data["accessibility_needs"],
            "note": data["note"],
            **({"on_behalf_of": data["for_relative"]} if data.get("for_relative") else {}),
            **({"form_token": data.get("form_token")} if "form_token" in self.fields else {}),
        }


_LIST = object()


def _choices(home, membership, *, posted=_LIST):
    """(residents, spaces, kinds) the booking form offers this member; with
    ``posted`` (the id of the person a posted form chose, or None), instead
    of the list of residents, the one chosen (or None)."""
    if posted is _LIST:
        residents = first_two = selectors.bookable_residents(home, membership)
    else:
        residents, first_two = selectors.chosen_to_book(home, membership, posted)
    spaces = selectors.bookable_space_list(home)
    devices = {space.kind for space in spaces}
    return residents, spaces, BookingForm._kinds(devices, first_two[:2])


def initial_from(visit):
    start = timezone.localtime(visit.starts_at)
    return {
        "resident": visit.resident_id,
        "kind": visit.kind,
        "date": start.date(),
        "start_time": start.time().replace(second=0, microsecond=0),
        "end_time": timezone.localtime(visit.ends_at).time().replace(second=0, microsecond=0),
        "space": visit.space_id if visit.space and visit.space.kind not in selectors.DEVICE_KINDS else None,
        "meal": visit.meal,
        "visitors": visit.visitors,
        "visitor_name": visit.visitor_name,
        "accessibility_needs": visit.accessibility_needs,
        "note": visit.note,
    }
