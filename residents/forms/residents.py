"""Forms for residents: the list filters, admitting, editing, the key worker,
leaving, and the home's connection settings. Every message says what to do."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from carehome.forms import date_field as picker_date_field
from homes.models import Interest
from residents.models import HomeConnectionSettings, Resident
from residents.selectors.residents import StatusFilter, interests_in_use, key_worker_choices

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y"]
MAX_ADMISSION_AHEAD_DAYS = 30
MAX_PHOTO_BYTES = 8 * 1024 * 1024
PHOTO_TYPES = "image/jpeg,image/png,image/webp"


def years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _example(day):
    return day.strftime("%d/%m/%Y")


def date_field(label, *, required=True, missing="Enter the date, like 12/11/2026.", help_text=""):
    return picker_date_field(
        label,
        missing,
        required=required,
        input_formats=DATE_INPUT_FORMATS,
        help_text=help_text,
        error_messages={"invalid": "Enter a real date, like 12/11/2026."},
    )


class KeyWorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.email


def key_worker_field(home, *, label, empty_label):
    return KeyWorkerChoiceField(
        label=label,
        queryset=key_worker_choices(home),
        required=False,
        empty_label=empty_label,
        error_messages={
            "invalid_choice": "Choose a key worker from the list of staff at this home.",
        },
    )


# --- The list's filters ---------------------------------------------------------


class ResidentFilterForm(forms.Form):
    """The GET form above the resident list. Anything odd in the address is
    ignored rather than shown as an error: it is only a filter."""

    q = forms.CharField(
        label="Name or room",
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    unit = forms.ChoiceField(label="Unit or floor", required=False)
    key_worker = KeyWorkerChoiceField(
        label="Key worker", queryset=None, required=False, empty_label="Any key worker"
    )
    interest = forms.ModelChoiceField(
        label="Interest", queryset=Interest.objects.none(), required=False, empty_label="Any interest"
    )
    status = forms.ChoiceField(label="Who", required=False, choices=StatusFilter.CHOICES)

    def __init__(self, *args, home, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "Every unit or floor"), *[(u, u) for u in units]]
        self.fields["key_worker"].queryset = key_worker_choices(home)
        self.fields["interest"].queryset = interests_in_use(home)

    def filters(self):
        """The filters to apply; invalid values fall back to "no filter"."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "search": (data.get("q") or "").strip(),
            "unit": data.get("unit") or "",
            "key_worker": data.get("key_worker"),
            "interest": data.get("interest"),
            "status": data.get("status") or StatusFilter.LIVING,
        }


# --- Shared pieces of the resident forms ------------------------------------------


class ResidentDetailsMixin(forms.Form):
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={"required": "Enter the person's full name, for example “Margaret Baxter”."},
    )
    preferred_name = forms.CharField(
        label="What they like to be called (optional)",
        max_length=80,
        required=False,
        help_text="For example “Peggy”. Staff will see and use this name.",
    )
    date_of_birth = date_field("Date of birth (optional)", required=False)
    room = forms.CharField(label="Room", max_length=20, required=False, help_text="For example 12 or 2B.")
    unit = forms.CharField(
        label="Unit or floor (optional)",
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"list": "unit-options", "autocomplete": "off"}),
        help_text="For example “Ground floor” or “Garden wing”.",
    )

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError("Enter the person's full name, for example “Margaret Baxter”.")
        return name

    def clean_preferred_name(self):
        return " ".join(self.cleaned_data["preferred_name"].split())

    def clean_room(self):
        return self.cleaned_data["room"].strip()

    def clean_unit(self):
        return " ".join(self.cleaned_data["unit"].split())

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born is None:
            return None
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError("The date of birth cannot be in the future.")
        if born > years_before(today, 18):
            raise forms.ValidationError("Check the date of birth: the people who live here are adults.")
        if born.year < today.year - 115:
            raise forms.ValidationError(f"Check the year of birth: {born.year} would make them over 115.")
        return born


class PhotoMixin(forms.Form):
    """A photo may be kept only with consent, and we note who gave it."""

    photo = forms.ImageField(
        label="Choose a photo",
        required=False,
        widget=forms.FileInput(attrs={"accept": PHOTO_TYPES}),
        help_text="A JPEG, PNG or WebP picture. It is shown only to staff, never made public.",
        error_messages={
            "invalid_image": "This file is not a picture we can use. Choose a JPEG, PNG or WebP photo.",
            "empty": "This file is empty. Choose the photo again.",
            "invalid": "Choose a photo file from this device.",
        },
    )
    photo_consent = forms.BooleanField(
        label="They agree to a photo being kept here",
        required=False,
        help_text="The person, or whoever may speak for them, said yes to a photo.",
    )
    photo_consent_note = forms.CharField(
        label="Who gave consent, and how",
        max_length=200,
        required=False,
        help_text="For example “Margaret agreed, 3 March” or “Her son (power of attorney), by letter”.",
    )

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError("This photo is too large. Choose one smaller than 8 MB.")
        return photo

    def clean_photo_consent_note(self):
        return " ".join(self.cleaned_data["photo_consent_note"].split())

    def check_consent(self, *, keeps_photo):
        """``keeps_photo``: the resident will have a photo after this save."""
        data = self.cleaned_data
        if not keeps_photo:
            return
        if not data.get("photo_consent"):
            if data.get("photo"):
                self.add_error(
                    "photo",
                    "A photo can only be kept with consent. Tick “They agree to a photo being kept here” "
                    "and say who gave consent, then choose the photo again. Or leave the photo out.",
                )
            else:
                self.add_error(
                    "photo_consent",
                    "Consent is needed to keep their photo. If consent has been withdrawn, "
                    "tick “Remove the photo” too.",
                )
        elif not data.get("photo_consent_note") and "photo_consent_note" not in self.errors:
            self.add_error(
                "photo_consent_note",
                "Say who gave consent and how, for example “Margaret agreed, 3 March”.",
            )


# --- Admit, edit ---------------------------------------------------------------------


class AdmitForm(ResidentDetailsMixin, PhotoMixin, forms.Form):
    field_order = [
        "full_name",
        "preferred_name",
        "date_of_birth",
        "room",
        "unit",
        "admitted_on",
        "key_worker",
        "photo",
        "photo_consent",
        "photo_consent_note",
    ]

    admitted_on = date_field(
        "Admission date",
        missing="Enter the day they came (or will come) to live here, like 12/11/2026.",
    )

    def __init__(self, *args, home, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_worker"] = key_worker_field(
            home, label="Key worker (optional)", empty_label="No key worker yet"
        )
        self.order_fields(self.field_order)
        self.fields["key_worker"].help_text = "The member of staff who will get to know them best."

    def clean_admitted_on(self):
        admitted = self.cleaned_data["admitted_on"]
        latest = timezone.localdate() + timedelta(days=MAX_ADMISSION_AHEAD_DAYS)
        if admitted > latest:
            raise forms.ValidationError(
                f"The admission date can be at most {MAX_ADMISSION_AHEAD_DAYS} days ahead, "
                f"so on or before {_example(latest)}."
            )
        if admitted.year < timezone.localdate().year - 60:
            raise forms.ValidationError(f"Check the year: {admitted.year} is too long ago.")
        return admitted

    def clean(self):
        data = super().clean()
        born, admitted = data.get("date_of_birth"), data.get("admitted_on")
        if born and admitted and admitted < born:
            self.add_error("admitted_on", "The admission date cannot be before their date of birth.")
        self.check_consent(keeps_photo=bool(data.get("photo")))
        return data


class EditForm(ResidentDetailsMixin, PhotoMixin, forms.Form):
    """Details, room, living here / in hospital, and the photo. Leaving and the
    key worker have their own pages."""

    status = forms.ChoiceField(
        label="Where they are now",
        choices=[
            (Resident.Status.CURRENT, "Living here"),
            (Resident.Status.HOSPITAL, "In hospital (still a resident here)"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether they are living here or in hospital.",
            "invalid_choice": "Choose whether they are living here or in hospital. "
            "To record that someone has left, use “Record leaving”.",
        },
    )
    remove_photo = forms.BooleanField(label="Remove the photo", required=False)

    field_order = [
        "full_name",
        "preferred_name",
        "date_of_birth",
        "room",
        "unit",
        "status",
        "photo",
        "remove_photo",
        "photo_consent",
        "photo_consent_note",
    ]

    def __init__(self, *args, resident, **kwargs):
        self.resident = resident
        kwargs.setdefault(
            "initial",
            {
                "full_name": resident.full_name,
                "preferred_name": resident.preferred_name,
                "date_of_birth": resident.date_of_birth,
                "room": resident.room,
                "unit": resident.unit,
                "status": resident.status,
                "photo_consent": resident.photo_consent,
                "photo_consent_note": resident.photo_consent_note,
            },
        )
        super().__init__(*args, **kwargs)
        if resident.has_left:
            del self.fields["status"]
        if resident.photo:
            self.fields["photo"].label = "A new photo (optional)"
            self.fields["photo"].help_text = "Choose a picture only to replace the one kept now."
        else:
            del self.fields["remove_photo"]

    def clean(self):
        data = super().clean()
        born = data.get("date_of_birth")
        if born and born > self.resident.admitted_on:
            self.add_error("date_of_birth", "The date of birth cannot be after their admission date.")
        removing = data.get("remove_photo") and not data.get("photo")
        keeps = bool(data.get("photo")) or (bool(self.resident.photo) and not removing)
        self.check_consent(keeps_photo=keeps)
        return data


# --- Key worker, leaving -------------------------------------------------------------


class KeyWorkerForm(forms.Form):
    def __init__(self, *args, home, resident, **kwargs):
        kwargs.setdefault("initial", {"key_worker": resident.key_worker_id})
        super().__init__(*args, **kwargs)
        self.fields["key_worker"] = key_worker_field(
            home, label=f"{resident.short_name}'s key worker", empty_label="No key worker for now"
        )
        self.fields["key_worker"].help_text = "Only staff of this home are listed."


class LeaveForm(forms.Form):
    kind = forms.ChoiceField(
        label="What happened",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether they moved out or died.",
            "invalid_choice": "Choose whether they moved out or died.",
        },
    )
    left_on = date_field("The date", missing="Enter the date it happened, like 12/11/2026.")
    reason = forms.CharField(
        label="Where they went, or anything to note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed if they moved out, for example “Moved nearer her son in Leeds”. "
        "Optional otherwise.",
    )

    def __init__(self, *args, resident, **kwargs):
        self.resident = resident
        super().__init__(*args, **kwargs)
        name = resident.short_name
        self.fields["kind"].choices = [
            (Resident.Status.LEFT, f"{name} has moved out"),
            (Resident.Status.DIED, f"{name} has died"),
        ]

    def clean_left_on(self):
        left_on = self.cleaned_data["left_on"]
        if left_on > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future. Record it on the day or after.")
        if left_on < self.resident.admitted_on:
            raise forms.ValidationError(
                f"The date cannot be before they came to live here ({_example(self.resident.admitted_on)})."
            )
        return left_on

    def clean_reason(self):
        return self.cleaned_data["reason"].strip()

    def clean(self):
        data = super().clean()
        if (
            data.get("kind") == Resident.Status.LEFT
            and not data.get("reason")
            and "reason" not in self.errors
        ):
            self.add_error("reason", "Say where they moved to, or why they left.")
        return data


# --- The home's connection settings --------------------------------------------------


def _whole_number(low, high, what):
    message = f"Enter a whole number of {what} from {low} to {high}."
    return {
        "required": message,
        "invalid": message,
        "min_value": message,
        "max_value": message,
    }


class ConnectionSettingsForm(forms.ModelForm):
    quiet_days = forms.IntegerField(
        label="Days without a meaningful connection",
        min_value=1,
        max_value=90,
        error_messages=_whole_number(1, 90, "days"),
        help_text="How many days without a meaningful connection before someone appears on "
        "the “Who needs connection” list. From 1 to 90 days.",
    )
    no_visitor_days = forms.IntegerField(
        label="Days without a visit",
        min_value=7,
        max_value=365,
        error_messages=_whole_number(7, 365, "days"),
        help_text="How many days without an in-person visit from someone who matters to them "
        "before the list shows it. From 7 to 365 days.",
    )
    lonely_threshold = forms.IntegerField(
        label="Loneliness score that shows as “often lonely”",
        min_value=3,
        max_value=9,
        error_messages=_whole_number(3, 9, "points"),
        help_text="The three loneliness questions give a score from 3 (hardly ever lonely) to "
        "9 (often lonely). At or above this score, someone shows as often lonely. "
        "This is your home's choice, not a medical cut-off.",
    )

    class Meta:
        model = HomeConnectionSettings
        fields = ["quiet_days", "no_visitor_days", "lonely_threshold"]
