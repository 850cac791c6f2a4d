"""Forms of the stories area. They only parse; the rules belong to
``community.services.stories``, whose ``DomainError`` the view shows next to
the field."""

from django import forms

from carehome.forms import KithForm, OnceFormMixin, VersionedFormMixin
from carehome.photos import PictureField
from community.services.stories import (
    DESCRIPTION_MISSING,
    DESCRIPTION_TOO_LONG,
    MAX_PHOTO_BYTES,
    NOT_A_PICTURE,
    OTHERS_TOO_LONG,
    PHOTO_MISSING,
    PHOTO_TOO_BIG,
    RESIDENT_NOT_HERE,
    TEXT_MISSING,
    TITLE_MISSING,
    TITLE_TOO_LONG,
)

PHOTO_TYPES = "image/jpeg,image/png,image/webp"


class StoryForm(KithForm):
    title = forms.CharField(
        label="Title",
        max_length=150,
        error_messages={"required": TITLE_MISSING, "max_length": TITLE_TOO_LONG},
    )
    text = forms.CharField(
        label="The story",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What happened, who enjoyed what, anything people said. Use first names.",
        error_messages={"required": TEXT_MISSING},
    )
    went_well = forms.BooleanField(
        label="Show this when planning the next one",
        required=False,
        initial=True,
        help_text="Stories of outings that went well reassure people who are anxious about going out.",
    )
    share_with_families = forms.BooleanField(
        label="Families of the home can read it",
        required=False,
        initial=False,
        help_text="On their “News from the home” page, with the photos each person agreed to. "
        "Only if everyone named in it is happy to be written about to other families.",
    )

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())

    def clean_text(self):
        return self.cleaned_data["text"].strip()


class StoryAddForm(OnceFormMixin, StoryForm):
    pass


class StoryEditForm(VersionedFormMixin, StoryForm):
    pass


class ResidentsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class PhotoFields(KithForm):
    """What a photo shows and who is in it. ``came``: residents at the story's
    date (listed first); ``others``: everyone else living here."""

    description = forms.CharField(
        label="What the photo shows",
        max_length=300,
        help_text="Read aloud to people who cannot see it, e.g. “Ted holding up a trout by the lake”.",
        error_messages={"required": DESCRIPTION_MISSING, "max_length": DESCRIPTION_TOO_LONG},
    )
    residents = ResidentsField(
        label="Residents in the photo",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Tick everyone who can be recognised. The photo is shown only where each of them has agreed."
        ),
        error_messages={"invalid_choice": RESIDENT_NOT_HERE, "invalid_pk_value": RESIDENT_NOT_HERE},
    )
    nobody_here = forms.BooleanField(
        label="Nobody who lives here is in it",
        required=False,
        help_text="A view, the food, the catch: then it can be shown wherever the story is.",
    )
    others = forms.CharField(
        label="Anyone else in it (optional)",
        max_length=300,
        required=False,
        help_text="Staff, volunteers or visitors, who agreed to be in it.",
        error_messages={"max_length": OTHERS_TOO_LONG},
    )

    def __init__(self, *args, residents, came=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["residents"]
        field.queryset = residents
        came_ids = {r.pk for r in came}
        if came_ids:
            rest = [r for r in residents if r.pk not in came_ids]
            field.choices = [
                ("At this activity", [(r.pk, r.display_name) for r in came]),
                ("Everyone else living here", [(r.pk, r.display_name) for r in rest]),
            ]

    def clean_description(self):
        return " ".join(self.cleaned_data["description"].split())

    def clean_others(self):
        return " ".join(self.cleaned_data["others"].split())


class PhotoAddForm(OnceFormMixin, PhotoFields):
    field_order = ["image", "description", "residents", "nobody_here", "others"]

    image = PictureField(
        label="Choose a photo",
        widget=forms.FileInput(attrs={"accept": PHOTO_TYPES}),
        help_text="A JPEG, PNG or WebP picture. It is shown only where everyone in it has agreed.",
        error_messages={
            "required": PHOTO_MISSING,
            "invalid_image": NOT_A_PICTURE,
            "empty": "This file is empty. Choose the photo again.",
            "invalid": "Choose a photo file from this device.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and image.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError(PHOTO_TOO_BIG)
        return image


class PhotoEditForm(PhotoFields):
    pass
