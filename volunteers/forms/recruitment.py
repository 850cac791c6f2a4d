"""Forms for recruitment: adding and changing a volunteer, their status,
identity check and interview, and weekly times. The public application
(``volunteers.forms.public``) is built from the same pieces.

They only parse, and show every problem next to its field at once; the rules
and their words belong to ``volunteers.services.recruitment``, which checks
everything again.
"""

from itertools import groupby

from django import forms
from django.utils.html import format_html

from carehome.forms import KithForm, OnceFormMixin, VersionedFormMixin, date_field, time_field
from carehome.lib.phones import phone_problem
from homes.models import Interest
from volunteers.models import Volunteer, VolunteerRole
from volunteers.models.choices import Weekday
from volunteers.services.recruitment import (
    ADD_STATUS_CHOICE,
    ADD_STATUSES,
    CONTACT_CHOICE,
    CONTACT_MISSING,
    DAY_CHOICE,
    DOCUMENTS_TOO_LONG,
    EMAIL_INVALID,
    EMAIL_TOO_LONG,
    INTEREST_CHOICE,
    NAME_MISSING,
    NAME_TOO_LONG,
    PHONE_TOO_LONG,
    POSTCODE_INVALID,
    PREFERRED_TOO_LONG,
    REASON_TOO_LONG,
    REFEREE_FIELDS,
    REFEREE_NAME_TOO_LONG,
    REFEREE_RELATIONSHIP_TOO_LONG,
    REFEREES_SAME,
    ROLE_CHOICE,
    STATUS_CHOICE,
    TEXT_LIMIT,
    TEXT_TOO_LONG,
    availability_problem,
    past_date_problem,
    postcode_clean,
    referee_problems,
    same_referee,
)

Status = Volunteer.Status

DAY_CHOICES = [("", "Choose a day"), *Weekday.choices]
TIME_INVALID = "Enter a time like 10:00."
DATE_INVALID = "Enter a real date, like 12/11/2026."
CHOICE_ERRORS = ("invalid_choice", "invalid_pk_value", "invalid_list")


def _what(name, field):
    """What a box is, for the summary: "Time 2, until", "First referee, name"."""
    label = str(field.label or "").rstrip(" ?")
    for prefix, what in (("day_", "day"), ("from_", "from"), ("until_", "until")):
        if name.startswith(prefix):
            return f"Time {name.removeprefix(prefix)}, {what}"
    if name.startswith("referee"):
        n, part = name.removeprefix("referee").split("_", 1)
        which = {"1": "First referee", "2": "Second referee"}.get(n, f"Referee {n}")
        return f"{which}, {part}"
    return label.replace(" (optional)", "")


def _choice_errors(message):
    return dict.fromkeys(CHOICE_ERRORS, message)


class RoleChoices(forms.ModelMultipleChoiceField):
    """The home's roles as checkboxes, each with what it involves under its name."""

    def label_from_instance(self, obj):
        if obj.description:
            return format_html('{}<span class="choice-hint">{}</span>', obj.name, obj.description)
        return obj.name


class InterestChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class WeeklyTimesMixin:
    """Rows of day, from and until (``day_<n>``, ``from_<n>``, ``until_<n>``,
    n from 1): a time in the week someone is usually free. Empty rows are
    left out; a row that is not complete or ends before it starts gets its
    message next to the box to fix."""

    availability_rows = 0

    def add_time_fields(self):
        for n in range(1, self.availability_rows + 1):
            self.fields[f"day_{n}"] = forms.TypedChoiceField(
                label="Day",
                choices=DAY_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                error_messages={"invalid_choice": DAY_CHOICE},
            )
            self.fields[f"from_{n}"] = time_field("From", TIME_INVALID, required=False)
            self.fields[f"until_{n}"] = time_field("Until", TIME_INVALID, required=False)

    def clean_times(self):
        """The complete rows as (weekday, from, until); problems go next to their box."""
        rows = []
        for n in range(1, self.availability_rows + 1):
            names = {part: f"{part}_{n}" for part in ("day", "from", "until")}
            if any(name in self.errors for name in names.values()):
                continue
            day, starts, ends = (self.cleaned_data.get(names[part]) for part in ("day", "from", "until"))
            if day is None and starts is None and ends is None:
                continue
            if found := availability_problem(day, starts, ends):
                self.add_error(names[found[0]], found[1])
                continue
            rows.append((day, starts, ends))
        return rows

    def availability_fields(self):
        """[(row number, day, from, until)] bound fields, for the weekly times."""
        return [
            (n, self[f"day_{n}"], self[f"from_{n}"], self[f"until_{n}"])
            for n in range(1, self.availability_rows + 1)
        ]

    def problems(self):
        """Every message on the form for the summary at its top, in the order
        of the page: [(id of the box to go to, what the box is, message)]."""
        found = [(None, "", str(message)) for message in self.non_field_errors()]
        last = ("over_16", "consent_to_checks", "contact", "status")
        names = [n for n in self.fields if n not in last] + [n for n in last if n in self.fields]
        for name in names:
            if name not in self.errors:
                continue
            field = self[name]
            anchor = field.id_for_label or f"{field.auto_id}_0"
            for message in field.errors:
                found.append((None if field.is_hidden else anchor, _what(name, field), str(message)))
        return found


class VolunteerFields(WeeklyTimesMixin, KithForm):
    """Who a volunteer is, how to reach them, what they would like to do, and
    their skills and hobbies: the fields every volunteer form shares. Subclasses
    say how many weekly times (``availability_rows``) and referees
    (``referee_count``) they take."""

    availability_rows = 0
    referee_count = 0
    referees_required = False

    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": NAME_MISSING, "max_length": NAME_TOO_LONG},
    )
    preferred_name = forms.CharField(
        label="What they like to be called (optional)",
        max_length=80,
        required=False,
        help_text="For example “Bob” for Robert.",
        error_messages={"max_length": PREFERRED_TOO_LONG},
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": EMAIL_INVALID, "max_length": EMAIL_TOO_LONG},
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text="An email address or a phone number is needed; both is best.",
        error_messages={"max_length": PHONE_TOO_LONG},
    )
    postcode = forms.CharField(
        label="Postcode (optional)",
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "class": "w-auto"}),
        error_messages={"max_length": POSTCODE_INVALID},
    )
    roles = RoleChoices(
        label="What they would like to do",
        queryset=VolunteerRole.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages=_choice_errors(ROLE_CHOICE),
    )
    what_to_do = forms.CharField(
        label="In their own words (optional)",
        max_length=TEXT_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": TEXT_TOO_LONG},
    )
    interests = InterestChoices(
        label="Skills and hobbies",
        queryset=Interest.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=False,
        error_messages=_choice_errors(INTEREST_CHOICE),
    )
    skills_notes = forms.CharField(
        label="More about their skills and hobbies (optional)",
        max_length=TEXT_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example “I play the piano” or “I speak Polish and Punjabi”.",
        error_messages={"max_length": TEXT_TOO_LONG},
    )

    def __init__(self, *args, roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        if roles is None:
            del self.fields["roles"]
        else:
            self.fields["roles"].queryset = roles
        self.fields["interests"].queryset = Interest.objects.order_by("category", "name")
        self.add_time_fields()
        for n in range(1, self.referee_count + 1):
            self.fields[f"referee{n}_name"] = forms.CharField(
                label="Name",
                max_length=150,
                required=False,
                error_messages={"max_length": REFEREE_NAME_TOO_LONG},
            )
            self.fields[f"referee{n}_relationship"] = forms.CharField(
                label="How they know the volunteer",
                max_length=100,
                required=False,
                help_text="For example “my manager at work” or “a neighbour for ten years”.",
                error_messages={"max_length": REFEREE_RELATIONSHIP_TOO_LONG},
            )
            self.fields[f"referee{n}_email"] = forms.EmailField(
                label="Email address",
                max_length=254,
                required=False,
                error_messages={"invalid": EMAIL_INVALID, "max_length": EMAIL_TOO_LONG},
            )
            self.fields[f"referee{n}_phone"] = forms.CharField(
                label="Phone number",
                max_length=30,
                required=False,
                widget=forms.TextInput(attrs={"type": "tel"}),
                error_messages={"max_length": PHONE_TOO_LONG},
            )

    # --- Parsing -------------------------------------------------------------------------

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError(self.fields["full_name"].error_messages["required"])
        return name

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_phone(self):
        phone = " ".join(self.cleaned_data["phone"].split())
        if problem := phone_problem(phone):
            raise forms.ValidationError(problem)
        return phone

    def clean_postcode(self):
        postcode, problem = postcode_clean(self.cleaned_data["postcode"])
        if problem:
            raise forms.ValidationError(problem)
        return postcode

    def clean(self):
        cleaned = super().clean()
        if "email" in cleaned and "phone" in cleaned and not cleaned["email"] and not cleaned["phone"]:
            self.add_error("email", CONTACT_MISSING)
        if self.availability_rows:
            cleaned["availability"] = self.clean_times()
        if self.referee_count:
            cleaned["referees"] = self._clean_referees()
        return cleaned

    def _clean_referees(self):
        referees = []
        for n in range(1, self.referee_count + 1):
            names = {part: f"referee{n}_{part}" for part in REFEREE_FIELDS}
            if any(name in self.errors for name in names.values()):
                continue
            referee = {part: self.cleaned_data.get(name) or "" for part, name in names.items()}
            if not any(referee.values()) and not self.referees_required:
                continue
            problems = referee_problems(referee, applicant_email=self.cleaned_data.get("email") or "")
            for part, message in problems.items():
                self.add_error(names[part], message)
            if not problems:
                referees.append((n, referee))
        for index, (n, referee) in enumerate(referees[1:], start=1):
            for _, earlier in referees[:index]:
                if part := same_referee(earlier, referee):
                    self.add_error(f"referee{n}_{part}", REFEREES_SAME)
                    break
        return [referee for _, referee in referees]

    # --- For the templates ----------------------------------------------------------------

    def interest_groups(self):
        """The skills and hobbies checkboxes by category: [(category label, [checkbox, …])]."""
        labels = dict(Interest.Category.choices)
        order = list(labels)
        boxes = [(box.data["value"].instance.category, box) for box in self["interests"]]
        boxes.sort(key=lambda pair: order.index(pair[0]) if pair[0] in order else len(order))
        return [
            (labels.get(category, category), [box for _, box in group])
            for category, group in groupby(boxes, key=lambda pair: pair[0])
        ]

    def referee_fields(self):
        """[(referee number, [name, relationship, email, phone])] bound fields."""
        return [
            (n, [self[f"referee{n}_{part}"] for part in REFEREE_FIELDS])
            for n in range(1, self.referee_count + 1)
        ]

    def volunteer_data(self):
        """What the services take, from a valid form."""
        names = ["full_name", "preferred_name", "email", "phone", "postcode", "what_to_do"]
        names += ["interests", "skills_notes", "roles", "availability", "referees"]
        names += ["over_16", "consent_to_checks"]
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


def initial_times(rows, count):
    """Initial values for ``count`` rows of weekly times from ``rows`` (Availability)."""
    initial = {}
    for n, row in enumerate(rows[:count], start=1):
        initial.update({f"day_{n}": row.weekday, f"from_{n}": row.starts_at, f"until_{n}": row.ends_at})
    return initial


class VolunteerAddForm(OnceFormMixin, VolunteerFields):
    """Staff add someone the home met another way: a fair, a phone call, a letter."""

    availability_rows = 4
    referee_count = 2

    over_16 = forms.BooleanField(label="They are 16 or over", required=False)
    consent_to_checks = forms.BooleanField(
        label="They agree to a background check",
        required=False,
        help_text="Tick once they have said yes: every volunteer here needs one.",
    )
    status = forms.ChoiceField(
        label="Where are they now?",
        widget=forms.RadioSelect,
        choices=[(s, Status(s).label) for s in ADD_STATUSES],
        initial=Status.APPLIED,
        error_messages={"required": ADD_STATUS_CHOICE, "invalid_choice": ADD_STATUS_CHOICE},
    )


class VolunteerEditForm(VersionedFormMixin, VolunteerFields):
    """Change a volunteer's details, roles, skills and hobbies and their contact in the home."""

    over_16 = forms.BooleanField(label="They are 16 or over", required=False)
    consent_to_checks = forms.BooleanField(label="They agree to a background check", required=False)
    contact = forms.ChoiceField(
        label="Their contact in the home",
        required=False,
        error_messages={"invalid_choice": CONTACT_CHOICE},
    )

    def __init__(self, *args, contacts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.contacts = {str(m.pk): m for m in contacts}
        self.any_trained = any(m.trained for m in contacts)
        self.fields["contact"].choices = [("", "Nobody yet")] + [
            (
                str(m.pk),
                f"{m.user.full_name} (trained in volunteer management)" if m.trained else m.user.full_name,
            )
            for m in contacts
        ]
        if self.any_trained:
            self.fields["contact"].help_text = (
                "Someone who checks in with them and answers their questions. "
                "Staff trained in volunteer management are listed first."
            )
        else:
            self.fields["contact"].help_text = (
                "Nobody here has in-date volunteer-management training recorded yet, so every member "
                "of staff is listed. Choose someone now, and book them on the training."
            )

    def clean_contact(self):
        chosen = self.cleaned_data["contact"]
        if not chosen:
            return None
        if chosen not in self.contacts:
            raise forms.ValidationError(CONTACT_CHOICE)
        return self.contacts[chosen]

    def volunteer_data(self):
        data = super().volunteer_data()
        data["contact"] = self.cleaned_data["contact"]
        data["version"] = self.cleaned_data.get("version")
        return data


class StatusForm(KithForm):
    status = forms.ChoiceField(
        label="Move them to",
        widget=forms.RadioSelect,
        error_messages={"required": STATUS_CHOICE, "invalid_choice": STATUS_CHOICE},
    )
    reason = forms.CharField(
        label="Why (needed for paused and left)",
        max_length=300,
        required=False,
        help_text="For example “Both references back and fine” or “Moved away”.",
        error_messages={"max_length": REASON_TOO_LONG},
    )

    def __init__(self, *args, volunteer=None, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        # Any status parses, so the service can explain; the current one is not offered.
        current = volunteer.status if volunteer is not None else None
        status.choices = Status.choices
        status.widget.choices = [(value, label) for value, label in Status.choices if value != current]


class ScreeningForm(VersionedFormMixin, KithForm):
    identity_checked_on = date_field(
        "Identity checked on",
        DATE_INVALID,
        required=False,
        bounds=past_date_problem,
        help_text="The day you saw their documents.",
    )
    identity_documents = forms.CharField(
        label="Documents seen",
        max_length=200,
        required=False,
        help_text="For example “Passport and a council tax bill”.",
        error_messages={"max_length": DOCUMENTS_TOO_LONG},
    )
    interviewed_on = date_field("Interviewed on", DATE_INVALID, required=False, bounds=past_date_problem)
    interview_notes = forms.CharField(
        label="Interview notes (optional)",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What they hope to do, what they enjoy, anything to follow up.",
        error_messages={"max_length": "Keep the notes under 5,000 characters."},
    )


class AvailabilityForm(VersionedFormMixin, WeeklyTimesMixin, KithForm):
    """A volunteer's usual weekly times, as rows of day, from and until."""

    def __init__(self, *args, rows=7, **kwargs):
        super().__init__(*args, **kwargs)
        self.availability_rows = rows
        self.add_time_fields()

    def clean(self):
        cleaned = super().clean()
        cleaned["availability"] = self.clean_times()
        return cleaned
