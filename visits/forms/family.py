"""Forms for family accounts: inviting, pausing or ending a link, sharing news.

The forms only parse; the rules (how they are related to each resident,
whose residents) belong to ``visits.services.family`` and the residents
app's services, whose ``DomainError`` the views show next to the field."""

from django import forms

from carehome.forms import KithForm, OnceFormMixin
from carehome.photos import PictureField
from residents.forms.peers import resident_label
from residents.models import PersonWhoMatters, Resident
from residents.services.family import REASON_MAX_LENGTH, REASON_MISSING, REASON_TOO_LONG
from visits.services.family import (
    EMAIL_INVALID,
    NAME_LIMIT,
    NAME_MISSING,
    NAME_TOO_LONG,
    STATUS_CHANGES,
    UPDATE_MAX_LENGTH,
    UPDATE_MISSING,
    UPDATE_PHOTO_INVALID,
    UPDATE_TOO_LONG,
)


class FamilyInviteForm(OnceFormMixin, KithForm):
    """Invite one person to a family account linked to this resident (and,
    optionally, one more resident, e.g. both parents)."""

    person = forms.ModelChoiceField(
        queryset=PersonWhoMatters.objects.none(), required=False, widget=forms.HiddenInput
    )
    full_name = forms.CharField(
        label="Their name",
        max_length=NAME_LIMIT,
        error_messages={"required": NAME_MISSING, "max_length": NAME_TOO_LONG},
    )
    relationship = forms.CharField(
        label="How they are related",
        max_length=60,
        help_text="For example daughter, son, friend or neighbour.",
        error_messages={
            "required": "Write how they are related, like daughter or friend.",
            "max_length": "Keep this under 60 characters.",
        },
    )
    email = forms.EmailField(
        label="Their email address",
        help_text="We send them a link to set up their account. It works once and expires after two weeks.",
        error_messages={"required": EMAIL_INVALID, "invalid": EMAIL_INVALID},
    )
    also_resident = forms.ModelChoiceField(
        label="Also link them to (optional)",
        queryset=Resident.objects.none(),
        required=False,
        empty_label="No one else",
        help_text="For example, if both their parents live here.",
    )
    also_relationship = forms.CharField(
        label="How they are related to that person",
        max_length=60,
        required=False,
        error_messages={"max_length": "Keep this under 60 characters."},
    )
    message = forms.CharField(
        label="A personal note in the email (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep the note under 500 characters."},
    )

    def __init__(self, *args, home, resident, residents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.resident = resident
        self.fields["person"].queryset = PersonWhoMatters.objects.for_home(home).filter(resident=resident)
        self.fields["person"].error_messages["invalid_choice"] = (
            "That person is not in this resident's plan. Start again from the family page."
        )
        also = self.fields["also_resident"]
        also.queryset = Resident.objects.for_home(home).current().exclude(pk=resident.pk)
        also.label_from_instance = resident_label
        also.error_messages["invalid_choice"] = "Choose someone from the list of people who live here now."
        if residents is not None:
            # Already loaded by the view: no extra query to draw the list.
            also.choices = [("", "No one else"), *[(r.pk, resident_label(r)) for r in residents]]

    def service_kwargs(self):
        data = self.cleaned_data
        links = [(self.resident, data["relationship"], data.get("person"))]
        if data.get("also_resident"):
            links.append((data["also_resident"], data["also_relationship"], None))
        return {
            "email": data["email"],
            "full_name": data["full_name"],
            "links": links,
            "message": data.get("message", ""),
            "form_token": data.get("form_token"),
        }


ACTION_LABELS = {
    "pause": "Pause — they cannot see anything until a manager restores the link",
    "end": "End — they lose access for good (a manager can restore it later if needed)",
    "restore": "Restore — give them access again",
}


class LinkStatusForm(KithForm):
    action = forms.ChoiceField(
        label="What would you like to do?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what to do with this link.",
            "invalid_choice": "Choose one of the options shown.",
        },
    )
    reason = forms.CharField(
        label="Reason",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the home's records. Write it so a colleague understands.",
        error_messages={"required": REASON_MISSING, "max_length": REASON_TOO_LONG},
    )

    def __init__(self, *args, link, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [
            (action, ACTION_LABELS[action])
            for action, (_, allowed_from) in STATUS_CHANGES.items()
            if link.status in allowed_from
        ]


class SharedUpdateForm(OnceFormMixin, KithForm):
    text = forms.CharField(
        label="The news to share",
        max_length=UPDATE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=(
            "Only the relatives their consent to news names see this. Write it as you would say it to them."
        ),
        error_messages={"required": UPDATE_MISSING, "max_length": UPDATE_TOO_LONG},
    )
    photo = PictureField(
        label="A photo (optional)",
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text="A JPEG, PNG or WebP picture. Only for someone whose consent to photos being shared with "
        "families of the home is recorded; only the relatives named above and the staff see it.",
        error_messages={
            "invalid_image": UPDATE_PHOTO_INVALID,
            "empty": "This file is empty. Choose the photo again.",
            "invalid": "Choose a photo file from this device.",
        },
    )
    tell_families = forms.BooleanField(
        label="Tell the families by their chosen channel",
        required=False,
        help_text=(
            "Each of those relatives gets a message (email, text or letter, as they chose) saying "
            "there is news. People who turned reminders off are not sent one."
        ),
    )

    def __init__(self, *args, photo_allowed, **kwargs):
        """``photo_allowed``: the register holds the resident's live consent to
        photos being shared with families (``visits.selectors.family``)."""
        super().__init__(*args, **kwargs)
        # No photo to offer without consent. A photo sent anyway (consent
        # withdrawn while the page was open) keeps its field, so the service's
        # refusal shows next to it and nothing is shared without it.
        if not photo_allowed and not self.files.get(self.add_prefix("photo")):
            del self.fields["photo"]
