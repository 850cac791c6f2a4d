"""Forms for residents: the list filters, admitting, editing, the key worker,
leaving, and the home's connection settings. Every message says what to do.

The forms only parse what was typed; the rules (dates in range and in order,
photo consent, a reason for leaving) belong to ``residents.services.residents``,
whose ``DomainError`` the views show next to the field."""

from django import forms

from carehome.forms import KithForm, KithModelForm, OnceFormMixin, VersionedFormMixin
from carehome.forms import date_field as picker_date_field
from carehome.photos import PictureField
from homes.models import Interest
from residents.models import HomeConnectionSettings, Resident
from residents.selectors.residents import ReviewFilter, StatusFilter, interests_in_use, key_worker_choices
from residents.services.residents import (
    FULL_NAME_MISSING,
    KEY_WORKER_NOT_HERE,
    LEAVING_KIND_CHOICE,
    NOT_A_PICTURE,
    PRIORITY_CHOICE,
    STATUS_CHOICE,
)

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y"]
MAX_PHOTO_BYTES = 8 * 1024 * 1024
PHOTO_TYPES = "image/jpeg,image/png,image/webp"


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
            "invalid_choice": KEY_WORKER_NOT_HERE,
        },
    )


# --- The list's filters ---------------------------------------------------------


class ResidentFilterForm(KithForm):
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
    review = forms.ChoiceField(label="Plan review", required=False, choices=ReviewFilter.CHOICES)

    def __init__(self, *args, home, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "Every unit or floor"), *[(u, u) for u in units]]
        self.fields["key_worker"].queryset = key_worker_choices(home)
        self.fields["interest"].queryset = in_use = interests_in_use(home)
        # One query: the choices are listed once, and the list tells the page whether to show the filter.
        self.fields["interest"].choices = [("", "Any interest"), *((i.pk, i.name) for i in in_use)]

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
            "review": data.get("review") or "",
        }


# --- Shared pieces of the resident forms ------------------------------------------


class ResidentDetailsMixin(KithForm):
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={"required": FULL_NAME_MISSING},
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
            raise forms.ValidationError(FULL_NAME_MISSING)
        return name

    def clean_preferred_name(self):
        return " ".join(self.cleaned_data["preferred_name"].split())

    def clean_room(self):
        return self.cleaned_data["room"].strip()

    def clean_unit(self):
        return " ".join(self.cleaned_data["unit"].split())


class PhotoMixin(KithForm):
    """A photo may be kept only with consent, and we note who gave it."""

    photo = PictureField(
        label="Choose a photo",
        required=False,
        widget=forms.FileInput(attrs={"accept": PHOTO_TYPES}),
        help_text="A JPEG, PNG or WebP picture. It is shown only to staff, never made public.",
        error_messages={
            "invalid_image": NOT_A_PICTURE,
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


# --- Admit, edit ---------------------------------------------------------------------


class AdmitForm(OnceFormMixin, ResidentDetailsMixin, PhotoMixin, KithForm):
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
        missing="Enter the day they came to live here, like 12/11/2026.",
    )

    def __init__(self, *args, home, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_worker"] = key_worker_field(
            home, label="Key worker (optional)", empty_label="No key worker yet"
        )
        self.order_fields(self.field_order)
        self.fields["key_worker"].help_text = "The member of staff who will get to know them best."


class EditForm(VersionedFormMixin, ResidentDetailsMixin, PhotoMixin, KithForm):
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
            "invalid_choice": STATUS_CHOICE,
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
                "version": resident.version,
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


# --- Key worker, leaving -------------------------------------------------------------


class KeyWorkerForm(KithForm):
    def __init__(self, *args, home, resident, **kwargs):
        kwargs.setdefault("initial", {"key_worker": resident.key_worker_id})
        super().__init__(*args, **kwargs)
        self.fields["key_worker"] = key_worker_field(
            home, label=f"{resident.short_name}'s key worker", empty_label="No key worker for now"
        )
        self.fields["key_worker"].help_text = "Only staff of this home are listed."


class LeaveForm(KithForm):
    kind = forms.ChoiceField(
        label="What happened",
        widget=forms.RadioSelect,
        error_messages={
            "required": LEAVING_KIND_CHOICE,
            "invalid_choice": LEAVING_KIND_CHOICE,
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

    def clean_reason(self):
        return self.cleaned_data["reason"].strip()


# --- The home's connection settings --------------------------------------------------


def _whole_number(low, high, what):
    message = f"Enter a whole number of {what} from {low} to {high}."
    return {
        "required": message,
        "invalid": message,
        "min_value": message,
        "max_value": message,
    }


class ConnectionSettingsForm(KithModelForm):
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
    loneliness_every_days = forms.IntegerField(
        label="Days between loneliness checks",
        min_value=14,
        max_value=365,
        error_messages=_whole_number(14, 365, "days"),
        help_text="How long after someone last answered the three loneliness questions they are "
        "asked again. Their key worker is reminded, and the list shows who is due. "
        "From 14 to 365 days (90 is about every three months).",
    )

    class Meta:
        model = HomeConnectionSettings
        fields = ["quiet_days", "no_visitor_days", "lonely_threshold", "loneliness_every_days"]


# --- End of life or significant deterioration (Anne's Law) ---------------------------


class VisitingPriorityForm(VersionedFormMixin, KithForm):
    visiting_priority = forms.ChoiceField(
        label="Is this person at the end of life, or has their condition significantly deteriorated?",
        choices=Resident.VisitingPriority.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="If so, their essential care supporters and named relatives can visit, and book, "
        "whatever visiting restriction is in force.",
        error_messages={"invalid_choice": PRIORITY_CHOICE},
    )
    visiting_priority_since = picker_date_field(
        "Since (optional)",
        "Enter the date, like 12/11/2026.",
        required=False,
        help_text="Leave empty for today.",
        error_messages={"invalid": "Enter the date as a real date, like 12/11/2026."},
    )
    visiting_priority_note = forms.CharField(
        label="A note (optional)",
        required=False,
        max_length=300,
        help_text="For example: “Agreed with the GP and Linda on 3 November.”",
        error_messages={"max_length": "Keep the note to 300 characters."},
    )
