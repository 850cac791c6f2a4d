"""Forms for the home's visiting information and the photo of a space."""

from django import forms

from carehome.forms import KithForm, KithModelForm, VersionedFormMixin
from carehome.photos import PictureField
from visits.models import VisitingInfo
from visits.services.info import INFO_FIELDS, NOT_A_PICTURE, SPACE_PHOTO_FORMATS

MAX_PHOTO_BYTES = 8 * 1024 * 1024


def _area(rows=3):
    return forms.Textarea(attrs={"rows": rows})


class VisitingInfoForm(VersionedFormMixin, KithModelForm):
    class Meta:
        model = VisitingInfo
        fields = list(INFO_FIELDS)
        widgets = {name: _area(4 if name in ("front_door", "accessibility") else 3) for name in INFO_FIELDS}
        labels = {
            "welcome": "A welcome",
            "front_door": "How to get in",
            "parking": "Parking",
            "public_transport": "Buses, trains and taxis",
            "what_to_bring": "What to bring",
            "accessibility": "Getting around",
            "who_to_contact": "Who to contact",
        }
        help_texts = {
            "welcome": "The first words a visitor reads. For example “Visiting is your right. "
            "You do not need to book: come whenever suits you and the person you visit.”",
            "front_door": "For example “The doorbell is on the left; the door is opened 8am–8pm, "
            "ring at other times and someone will come.”",
            "parking": "For example “Free car park at the front, with two blue-badge bays by the door.”",
            "public_transport": "For example “The 42 bus stops outside (Mill Lane). "
            "The station is a 10-minute taxi ride.”",
            "what_to_bring": "For example “Photos, music they love, their favourite biscuits.”",
            "accessibility": "Step-free access, lifts, a hearing loop, accessible toilets, somewhere to sit.",
            "who_to_contact": "A job title or the office phone is enough. Names you type here are shown "
            "to anyone who opens the page.",
        }
        error_messages = {
            "welcome": {"required": "Write a short welcome, for example “Visiting is your right.”"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["welcome"].required = True


class SpacePhotoForm(KithForm):
    photo = PictureField(
        label="Choose a photo of the space",
        required=False,
        formats=SPACE_PHOTO_FORMATS,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
        help_text="A JPEG or PNG picture of the room or garden. It is shown on the public visiting page, "
        "so please no photos of residents, visitors or staff.",
        error_messages={
            "invalid_image": NOT_A_PICTURE,
            "empty": "This file is empty. Choose the photo again.",
            "invalid": "Choose a photo file from this device.",
        },
    )
    remove = forms.BooleanField(label="Remove the photo", required=False)

    def __init__(self, *args, has_photo=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_photo:
            del self.fields["remove"]

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError("This photo is too large. Choose one smaller than 8 MB.")
        return photo

    def clean(self):
        data = super().clean()
        if "photo" in self.errors:
            return data
        if not data.get("photo") and not data.get("remove"):
            message = "Choose a photo of the space"
            message += ", or tick “Remove the photo”." if "remove" in self.fields else "."
            self.add_error("photo", message)
        return data
