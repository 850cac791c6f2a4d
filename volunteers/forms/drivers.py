"""Forms for the driver bank. They parse; the rules and their words belong to
``volunteers.services.drivers`` (``driver_problems`` lets a form show every
problem at once, next to its field)."""

from django import forms
from django.utils.html import format_html

from carehome.forms import KithForm, OnceFormMixin, VersionedFormMixin, date_field, time_field
from carehome.timeutils import booking_date_problem
from volunteers.models import LICENCE_CATEGORIES
from volunteers.models.choices import Weekday
from volunteers.selectors.drivers import people_who_could_drive
from volunteers.services.drivers import (
    CATEGORIES_MISSING,
    CATEGORY_CHOICE,
    DRIVES_CHOICE,
    DRIVES_MISSING,
    FROM_MISSING,
    INSURANCE_DATE,
    LICENCE_DATE_MISSING,
    MOT_DATE,
    NOTES_TOO_LONG,
    PERSON_CHOICE,
    PERSON_MISSING,
    TIME_INVALID,
    TIMES_ON_A_DAY,
    TIMES_OVERLAP,
    UNTIL_BEFORE_FROM,
    UNTIL_MISSING,
    Slot,
    document_date_problem,
    driver_problems,
    licence_checked_problem,
)

MINIBUS, CAR = "minibus", "car"
DRIVES_CHOICES = [(MINIBUS, "The home's minibus"), (CAR, "Their own car")]


class _DriverFields(KithForm):
    licence_categories = forms.MultipleChoiceField(
        label="Licence categories",
        choices=LICENCE_CATEGORIES,
        widget=forms.CheckboxSelectMultiple,
        help_text="As shown on their driving licence. The minibus needs D1.",
        error_messages={"required": CATEGORIES_MISSING, "invalid_choice": CATEGORY_CHOICE},
    )
    licence_checked_on = date_field(
        "Licence last checked on",
        LICENCE_DATE_MISSING,
        bounds=licence_checked_problem,
        help_text="The day you saw their licence, or checked it online with a check code they gave you.",
    )
    drives = forms.MultipleChoiceField(
        label="What they drive for the home",
        choices=DRIVES_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": DRIVES_MISSING, "invalid_choice": DRIVES_CHOICE},
    )
    insurance_expires_on = date_field(
        "Business-use car insurance ends on",
        INSURANCE_DATE,
        bounds=document_date_problem,
        required=False,
        help_text="Needed if they drive their own car: their insurance must cover business use.",
    )
    vehicle_check_expires_on = date_field(
        "Their car's MOT ends on",
        MOT_DATE,
        bounds=document_date_problem,
        required=False,
        help_text="Needed if they drive their own car.",
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, how many passengers their car takes, or a wheelchair that folds into it.",
        error_messages={"max_length": NOTES_TOO_LONG},
    )
    is_active = forms.BooleanField(
        label="In the driver bank",
        required=False,
        initial=True,
        help_text=(
            "Untick to take them out for now, for example while their car is off the road. "
            "A licence check, insurance, MOT or training out of date takes them out by itself."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        drives = cleaned.get("drives") or []
        for name, message in driver_problems(
            licence_categories=cleaned.get("licence_categories") or [],
            licence_checked_on=cleaned.get("licence_checked_on"),
            drives_minibus=MINIBUS in drives,
            drives_own_car=CAR in drives,
            insurance_expires_on=cleaned.get("insurance_expires_on"),
            vehicle_check_expires_on=cleaned.get("vehicle_check_expires_on"),
            notes=cleaned.get("notes") or "",
        ):
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return cleaned

    def driver_data(self):
        """The cleaned details, as the services take them."""
        data = self.cleaned_data
        drives = data["drives"]
        return {
            "licence_categories": data["licence_categories"],
            "licence_checked_on": data["licence_checked_on"],
            "drives_minibus": MINIBUS in drives,
            "drives_own_car": CAR in drives,
            "insurance_expires_on": data.get("insurance_expires_on"),
            "vehicle_check_expires_on": data.get("vehicle_check_expires_on"),
            "notes": data.get("notes", ""),
            "is_active": data.get("is_active", False),
        }


class DriverAddForm(OnceFormMixin, _DriverFields):
    """Who, from the home's volunteers and staff not yet in the bank, and their details."""

    person = forms.ChoiceField(
        label="Who will drive",
        help_text="A volunteer or a member of staff. Someone already in the driver bank is not listed.",
        error_messages={"required": PERSON_MISSING, "invalid_choice": PERSON_CHOICE},
    )
    field_order = ["person"]

    def __init__(self, *args, home, **kwargs):
        super().__init__(*args, **kwargs)
        volunteers, staff = people_who_could_drive(home)
        self._people = {f"v{v.pk}": ("volunteer", v) for v in volunteers}
        self._people |= {f"m{m.pk}": ("member", m) for m in staff}
        groups = []
        if volunteers:
            groups.append(("Volunteers", [(f"v{v.pk}", _volunteer_label(v)) for v in volunteers]))
        if staff:
            groups.append(("Staff", [(f"m{m.pk}", _member_label(m)) for m in staff]))
        self.fields["person"].choices = [("", "Choose a person"), *groups]

    @property
    def nobody(self):
        """Everyone is in the bank already: there is no one to choose."""
        return not self._people

    def clean_person(self):
        chosen = self._people.get(self.cleaned_data["person"])
        if chosen is None:
            raise forms.ValidationError(PERSON_CHOICE, code="invalid_choice")
        return chosen

    def person_data(self):
        kind, person = self.cleaned_data["person"]
        return {kind: person}


def _volunteer_label(volunteer):
    if volunteer.is_active:
        return volunteer.full_name
    return f"{volunteer.full_name} ({volunteer.get_status_display().lower()})"


def _member_label(member):
    return f"{member.user.full_name} ({member.job_title or member.get_role_display().lower()})"


class DriverEditForm(VersionedFormMixin, _DriverFields):
    """A driver's details; the person stays who they are. Open it with
    ``initial=driver_initial(driver)``."""


def driver_initial(driver):
    """What ``DriverEditForm`` shows for ``driver``, with the version it was opened on."""
    return {
        "licence_categories": list(driver.licence_categories or []),
        "licence_checked_on": driver.licence_checked_on,
        "drives": [c for c, on in ((MINIBUS, driver.drives_minibus), (CAR, driver.drives_own_car)) if on],
        "insurance_expires_on": driver.insurance_expires_on,
        "vehicle_check_expires_on": driver.vehicle_check_expires_on,
        "notes": driver.notes,
        "is_active": driver.is_active,
        "version": driver.version,
    }


# --- Usual times -------------------------------------------------------------------------------

NTH = ["first", "second", "third"]


def _key(weekday, slot):
    return f"{Weekday(weekday).name.lower()}_{slot}"


def times_initial(driver):
    """What ``DriverTimesForm`` shows for ``driver`` (its usual times loaded), with its version."""
    initial = {"version": driver.version}
    per_day = {}
    for row in driver.availability.all():
        per_day.setdefault(row.weekday, []).append(row)
    for weekday, rows in per_day.items():
        for n, row in enumerate(rows[:TIMES_ON_A_DAY], start=1):
            initial[f"{_key(weekday, n)}_from"] = row.starts_at
            initial[f"{_key(weekday, n)}_until"] = row.ends_at
    return initial


class DriverTimesForm(VersionedFormMixin, KithForm):
    """For each day of the week, up to two times the driver is usually free:
    ``<day>_<n>_from`` and ``<day>_<n>_until``. Empty rows are no time. Open
    it with ``initial=times_initial(driver)``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for weekday, day in Weekday.choices:
            for n in range(1, TIMES_ON_A_DAY + 1):
                which = f", {NTH[n - 1]} time" if TIMES_ON_A_DAY > 1 else ""
                self.fields[f"{_key(weekday, n)}_from"] = time_field(
                    format_html('From<span class="visually-hidden"> ({}{})</span>', day, which),
                    TIME_INVALID,
                    required=False,
                )
                self.fields[f"{_key(weekday, n)}_until"] = time_field(
                    format_html('Until<span class="visually-hidden"> ({}{})</span>', day, which),
                    TIME_INVALID,
                    required=False,
                )

    def days(self):
        """[(day name, [(first from, first until), (second from, second until)])] for the template."""
        return [
            (
                day,
                [
                    (self[f"{_key(weekday, n)}_from"], self[f"{_key(weekday, n)}_until"])
                    for n in range(1, TIMES_ON_A_DAY + 1)
                ],
            )
            for weekday, day in Weekday.choices
        ]

    def clean(self):
        cleaned = super().clean()
        slots = []
        for weekday, _ in Weekday.choices:
            previous = None
            for n in range(1, TIMES_ON_A_DAY + 1):
                start_name, end_name = f"{_key(weekday, n)}_from", f"{_key(weekday, n)}_until"
                if start_name in self.errors or end_name in self.errors:
                    previous = None
                    continue
                starts, ends = cleaned.get(start_name), cleaned.get(end_name)
                if starts is None and ends is None:
                    continue
                if starts is None:
                    self.add_error(start_name, FROM_MISSING)
                elif ends is None:
                    self.add_error(end_name, UNTIL_MISSING)
                elif ends <= starts:
                    self.add_error(end_name, UNTIL_BEFORE_FROM)
                elif previous is not None and starts < previous.ends_at and previous.starts_at < ends:
                    self.add_error(start_name, TIMES_OVERLAP)
                else:
                    previous = Slot(weekday, starts, ends)
                    slots.append(previous)
        cleaned["slots"] = slots
        return cleaned


# --- Finding a driver -------------------------------------------------------------------------

TRIP_DATE = "Enter the date of the trip, like 14/11/2026."
TRIP_FROM = "Enter when the trip leaves, like 13:30."
TRIP_UNTIL = "Enter when the trip is back, like 16:00."
TRIP_ENDS_FIRST = "The trip must be back after it leaves: enter a later time."
VEHICLE_MISSING = "Choose the minibus or a car."


class FindDriverForm(KithForm):
    """A trip: the day, from when until when, and in what (read from the address)."""

    date = date_field("Date of the trip", TRIP_DATE, bounds=booking_date_problem)
    starts = time_field("Leaves at", TRIP_FROM)
    ends = time_field("Back by", TRIP_UNTIL)
    vehicle = forms.ChoiceField(
        label="Travelling in",
        choices=[(MINIBUS, "The home's minibus"), (CAR, "A driver's own car")],
        widget=forms.RadioSelect,
        initial=MINIBUS,
        error_messages={"required": VEHICLE_MISSING, "invalid_choice": VEHICLE_MISSING},
    )

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts"), cleaned.get("ends")
        if starts is not None and ends is not None and ends <= starts:
            self.add_error("ends", TRIP_ENDS_FIRST)
        return cleaned
