"""Forms for partners, their contact history and places. They only parse;
the rules and their words belong to ``community.services.partners``."""

from itertools import groupby

from django import forms

from carehome.errors import DomainError
from carehome.forms import KithForm, OnceFormMixin, VersionedFormMixin, date_field
from community.models import Partner, PartnerContact, PartnerKind, Partnership, Place, Rhythm
from community.selectors.partners import area_kinds, contact_choices, interest_choices
from community.services.partners import (
    CONTACT_CHOICE,
    CONTACT_DATE_MISSING,
    CONTACT_KIND_CHOICE,
    DIRECTORY_CHOICE,
    EMAIL_INVALID,
    INTEREST_CHOICE,
    KIND_CHOICE,
    LATITUDE_INVALID,
    LONGITUDE_INVALID,
    NAME_MISSING,
    NAME_TOO_LONG,
    NOTE_TOO_LONG,
    PARTNER_NOT_IN_DIRECTORY,
    PLACE_KIND_CHOICE,
    PLACE_NAME_MISSING,
    RHYTHM_CHOICE,
    STATUS_CHOICE,
    WEBSITE_INVALID,
    clean_location,
    contact_date_problem,
    directories_for,
    started_date_problem,
    too_long,
)
from homes.models import Interest, Role

DATE_WORDS = "Enter a date like 14/11/2025, or leave it empty."


def _choice_errors(message):
    return {
        "required": message,
        "invalid_choice": message,
        "invalid_pk_value": message,
        "invalid_list": message,
        "invalid": message,
    }


def _text(label, limit=300, *, required=False, rows=None, help_text=""):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        widget=widget,
        help_text=help_text,
        error_messages={"max_length": too_long(limit)},
    )


def _coordinate(label, message, help_text=""):
    return forms.DecimalField(
        label=label,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=help_text,
        error_messages={"invalid": message, "max_digits": message, "max_decimal_places": message},
    )


class InterestChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ContactChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        title = f" ({obj.job_title})" if obj.job_title else f" ({obj.get_role_display()})"
        return f"{obj.user.full_name}{title}"


def _interests(label, help_text=""):
    return InterestChoices(
        label=label,
        queryset=Interest.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=help_text,
        error_messages=_choice_errors(INTEREST_CHOICE),
    )


def interest_groups(bound_field):
    """Checkboxes by category: [(category label, [checkbox, …])] (as volunteers' forms show them)."""
    labels = dict(Interest.Category.choices)
    order = list(labels)
    boxes = [(box.data["value"].instance.category, box) for box in bound_field]
    boxes.sort(key=lambda pair: order.index(pair[0]) if pair[0] in order else len(order))
    return [
        (labels.get(category, category), [box for _, box in group])
        for category, group in groupby(boxes, key=lambda pair: pair[0])
    ]


class LocationMixin:
    """Both coordinates or neither, each in range: told next to the field."""

    def clean(self):
        cleaned = super().clean()
        if "latitude" in self.fields and not {"latitude", "longitude"} & set(self.errors):
            try:
                clean_location(cleaned.get("latitude"), cleaned.get("longitude"))
            except DomainError as error:
                self.add_error(error.field, error.message)
        return cleaned


PARTNER_NAMES = (
    "name",
    "kind",
    "about",
    "address",
    "postcode",
    "latitude",
    "longitude",
    "contact_name",
    "contact_role",
    "phone",
    "email",
    "website",
    "offers",
    "offers_note",
    "would_like",
    "would_like_note",
    "venue_access",
)
PARTNERSHIP_NAMES = (
    "contact",
    "rhythm",
    "started_on",
    "agreement",
    "agreement_review_on",
    "travel_notes",
    "access_notes",
)


class PartnershipFieldsMixin:
    """The home's own side: our point of contact, how often, the agreement."""

    def add_partnership_fields(self, home, *, editing=False):
        self.fields["contact"] = ContactChoice(
            label="Our point of contact",
            queryset=contact_choices(home),
            empty_label="Choose someone",
            help_text="One member of staff who keeps in touch with them.",
            error_messages=_choice_errors(CONTACT_CHOICE),
        )
        self.fields["rhythm"] = forms.TypedChoiceField(
            label="How often we usually meet",
            choices=Rhythm.choices,
            coerce=int,
            initial=Rhythm.MONTHLY,
            help_text="If there is no contact for this long and half as long again, the partnership "
            "is shown as going cold and its contact is reminded.",
            error_messages=_choice_errors(RHYTHM_CHOICE),
        )
        self.fields["started_on"] = date_field(
            "Working together since (optional)", DATE_WORDS, required=False, bounds=started_date_problem
        )
        self.fields["agreement"] = _text(
            "What we agreed (optional)",
            5000,
            rows=3,
            help_text="For example “Year 2 visit on the first Tuesday of each month; the school brings "
            "the children, we provide squash and biscuits.”",
        )
        self.fields["agreement_review_on"] = date_field(
            "Review the agreement on (optional)", DATE_WORDS, required=False
        )
        self.fields["travel_notes"] = _text(
            "Getting there from the home (optional)",
            help_text="For example “10 minutes in the minibus; park on Mill Lane”.",
        )
        self.fields["access_notes"] = _text(
            "Accessibility notes (optional)",
            help_text="Step-free access, accessible toilets, hearing loop, places to sit.",
        )
        if editing:
            self.fields["status"] = forms.ChoiceField(
                label="Status",
                choices=Partnership.Status.choices,
                widget=forms.RadioSelect,
                error_messages=_choice_errors(STATUS_CHOICE),
            )
            self.fields["notes"] = _text(
                "Notes (optional)",
                5000,
                rows=3,
                help_text="If the partnership is paused or ended, say why here.",
            )

    def partnership_data(self):
        names = [*PARTNERSHIP_NAMES, "status", "notes"]
        return {n: self.cleaned_data.get(n) for n in names if n in self.fields}


class PartnerForm(LocationMixin, PartnershipFieldsMixin, OnceFormMixin, VersionedFormMixin, KithForm):
    """Add a partner (the directory entry and this home's partnership), or
    change both. ``directory=False`` leaves the directory entry out (it is
    kept by another organisation)."""

    name = forms.CharField(
        label="Name",
        max_length=150,
        error_messages={"required": NAME_MISSING, "max_length": NAME_TOO_LONG},
    )
    kind = forms.ChoiceField(
        label="What kind of partner", choices=PartnerKind.choices, error_messages=_choice_errors(KIND_CHOICE)
    )
    about = _text("What they do (optional)", 5000, rows=3)
    address = _text("Address (optional)", 500, rows=2)
    postcode = _text("Postcode (optional)", 12)
    latitude = _coordinate(
        "Latitude (optional)",
        LATITUDE_INVALID,
        "To show the distance and put them on the map. Find it on any online map: "
        "for example 53.4808 (north of the equator).",
    )
    longitude = _coordinate(
        "Longitude (optional)", LONGITUDE_INVALID, "For example -2.2426 (west of Greenwich is negative)."
    )
    contact_name = _text("Contact person (optional)", 150)
    contact_role = _text("Their role (optional)", 100, help_text="For example “Year 2 teacher”.")
    phone = _text("Phone (optional)", 30)
    email = forms.EmailField(
        label="Email (optional)",
        required=False,
        max_length=254,
        error_messages={"invalid": EMAIL_INVALID, "max_length": EMAIL_INVALID},
    )
    website = forms.URLField(
        label="Website (optional)",
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": WEBSITE_INVALID, "max_length": WEBSITE_INVALID},
    )
    offers = _interests("What they offer (optional)")
    offers_note = _text(
        "What they offer, in words (optional)",
        help_text="For example “a Year 2 class to read and sing with residents”.",
    )
    would_like = _interests("What they would like (optional)")
    would_like_note = _text(
        "What they would like, in words (optional)",
        help_text="For example “somewhere for the choir to rehearse on Thursday evenings”.",
    )
    venue_access = _text(
        "Access at their venue (optional)", help_text="Steps, ramps, parking, toilets, seating."
    )

    def __init__(self, *args, home, editing=False, directory=True, membership=None, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["version" if not editing else "form_token"]
        directories = [] if editing else directories_for(home)
        connector = getattr(membership, "role", "") == Role.CONNECTOR
        if len(directories) > 1:
            # A home that uses a connector charity's directory says which one a new partner joins;
            # the charity's own staff add to the charity's by default.
            self.fields["directory"] = forms.TypedChoiceField(
                label="Whose directory",
                choices=[(o.pk, o.name) for o in directories],
                coerce=int,
                initial=directories[1].pk if connector else home.organisation_id,
                help_text="Every home that uses this directory can then work with them too.",
                error_messages={"invalid_choice": DIRECTORY_CHOICE, "required": DIRECTORY_CHOICE},
            )
            self._directories = {o.pk: o for o in directories}
        if editing:
            self.fields["partner_version"] = forms.IntegerField(
                widget=forms.HiddenInput, min_value=0, required=False
            )
        if not directory:
            for name in PARTNER_NAMES:
                del self.fields[name]
        else:
            for name in ("offers", "would_like"):
                self.fields[name].queryset = interest_choices()
        self.add_partnership_fields(home, editing=editing)

    def offers_groups(self):
        return interest_groups(self["offers"])

    def would_like_groups(self):
        return interest_groups(self["would_like"])

    def service_data(self):
        data = {n: self.cleaned_data.get(n) for n in PARTNER_NAMES if n in self.fields}
        if "directory" in self.fields:
            data["directory"] = self._directories[self.cleaned_data["directory"]]
        for name in ("latitude", "longitude"):
            if name in data and data[name] is not None:
                data[name] = str(data[name])
        return {**data, **self.partnership_data()}

    @staticmethod
    def initial_for(partnership):
        partner = partnership.partner
        initial = {
            name: getattr(partner, name) for name in PARTNER_NAMES if name not in ("offers", "would_like")
        }
        initial["offers"] = list(partner.offers.all())
        initial["would_like"] = list(partner.would_like.all())
        initial.update({name: getattr(partnership, name) for name in PARTNERSHIP_NAMES})
        initial["status"] = partnership.status
        initial["notes"] = partnership.notes
        initial["version"] = partnership.version
        initial["partner_version"] = partner.version
        return initial


class PartnerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class StartForm(PartnershipFieldsMixin, OnceFormMixin, KithForm):
    """Start working with a partner already in a directory this home uses."""

    def __init__(self, *args, home, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"] = PartnerChoice(
            queryset=Partner.objects.for_home(home),
            widget=forms.HiddenInput,
            error_messages=_choice_errors(PARTNER_NOT_IN_DIRECTORY),
        )
        self.add_partnership_fields(home)

    def service_data(self):
        return {"partner": self.cleaned_data["partner"], **self.partnership_data()}


class ContactForm(OnceFormMixin, KithForm):
    """Record contact with a partner."""

    on = date_field("Date", CONTACT_DATE_MISSING, bounds=contact_date_problem)
    kind = forms.ChoiceField(
        label="How",
        choices=PartnerContact.Kind.choices,
        initial=PartnerContact.Kind.MEETING,
        error_messages=_choice_errors(CONTACT_KIND_CHOICE),
    )
    note = forms.CharField(
        label="What was said or agreed (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": NOTE_TOO_LONG},
    )

    def service_data(self):
        return {n: self.cleaned_data.get(n) for n in ("on", "kind", "note")}


PLACE_NAMES = (
    "name",
    "kind",
    "address",
    "postcode",
    "latitude",
    "longitude",
    "interests",
    "travel_notes",
    "access_notes",
    "notes",
    "is_active",
)


class PlaceForm(LocationMixin, OnceFormMixin, VersionedFormMixin, KithForm):
    name = forms.CharField(
        label="Name",
        max_length=150,
        error_messages={"required": PLACE_NAME_MISSING, "max_length": NAME_TOO_LONG},
    )
    kind = forms.ChoiceField(
        label="What kind of place",
        choices=Place.Kind.choices,
        error_messages=_choice_errors(PLACE_KIND_CHOICE),
    )
    address = _text("Address (optional)", 500, rows=2)
    postcode = _text("Postcode (optional)", 12)
    latitude = _coordinate("Latitude (optional)", LATITUDE_INVALID, "For example 53.4808.")
    longitude = _coordinate("Longitude (optional)", LONGITUDE_INVALID, "For example -2.2426.")
    interests = _interests("Good for (optional)")
    travel_notes = _text(
        "Getting there from the home (optional)",
        help_text="For example “a 5-minute walk, level all the way”.",
    )
    access_notes = _text(
        "Accessibility notes (optional)", help_text="Step-free paths, accessible toilets, benches, parking."
    )
    notes = _text("Notes (optional)", 5000, rows=3)
    is_active = forms.BooleanField(
        label="On our list",
        required=False,
        initial=True,
        help_text="Untick to take it off the local area list.",
    )

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["version" if not editing else "form_token"]
        if not editing:
            del self.fields["is_active"]
        self.fields["interests"].queryset = interest_choices()

    def interests_groups(self):
        return interest_groups(self["interests"])

    def service_data(self):
        data = {n: self.cleaned_data.get(n) for n in PLACE_NAMES if n in self.fields}
        data.setdefault("is_active", True)
        for name in ("latitude", "longitude"):
            if data[name] is not None:
                data[name] = str(data[name])
        return data

    @staticmethod
    def initial_for(place):
        initial = {name: getattr(place, name) for name in PLACE_NAMES if name != "interests"}
        initial["interests"] = list(place.interests.all())
        initial["version"] = place.version
        return initial


class PartnersFilterForm(KithForm):
    """The partners list's filters (GET)."""

    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any kind"), *PartnerKind.choices])
    interest = forms.ModelChoiceField(
        label="Interest", required=False, queryset=Interest.objects.none(), empty_label="Any interest"
    )

    def __init__(self, *args, area=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interest"].queryset = interest_choices()
        if area:
            self.fields["kind"].choices = [("", "Anything"), *area_kinds()]
