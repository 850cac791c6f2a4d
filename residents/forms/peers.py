from django import forms

from carehome.forms import KithForm, OnceFormMixin
from residents.models import Resident, SupportFlag
from residents.services.peers import SUPPORT_NOTE_MISSING, SUPPORT_NOTE_TOO_LONG


def resident_label(resident):
    return f"{resident.display_name} (room {resident.room})" if resident.room else resident.display_name


class _OtherResidentForm(OnceFormMixin, KithForm):
    """A form that picks another current resident of the same home.

    ``choices`` (optional) is a list of residents already loaded, or of
    (group label, residents) pairs, so the page needs no extra query to show
    the list; what is posted is still checked against the home's residents."""

    other_field_label = "Who"
    other_required = "Choose someone from the list."

    other = forms.ModelChoiceField(queryset=Resident.objects.none())
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=300,
        help_text="For example, how they met or what they like doing together.",
        error_messages={"max_length": "Keep the notes under 300 characters."},
    )

    def __init__(self, *args, home, resident, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.resident = resident
        field = self.fields["other"]
        field.label = self.other_field_label
        field.queryset = Resident.objects.for_home(home).current().exclude(pk=resident.pk)
        field.error_messages = {
            "required": self.other_required,
            "invalid_choice": "Choose someone from the list of people who live here now.",
        }
        field.label_from_instance = resident_label
        if choices is not None:
            field.choices = [("", "Choose…"), *self._build(choices)]

    @staticmethod
    def _build(choices):
        built = []
        for item in choices:
            if isinstance(item, tuple):
                group, residents = item
                if residents:
                    built.append((group, [(r.pk, resident_label(r)) for r in residents]))
            else:
                built.append((item.pk, resident_label(item)))
        return built


class FriendshipForm(_OtherResidentForm):
    other_field_label = "Friends with"
    other_required = "Choose who they are friends with."


class BuddyForm(_OtherResidentForm):
    other_field_label = "Buddy"
    other_required = "Choose a buddy from the list."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notes"].help_text = "For example, why they might get on, or when they will first meet."


class SupportFlagResolveForm(KithForm):
    note = forms.CharField(
        label="How they were supported",
        max_length=SupportFlag._meta.get_field("resolution_note").max_length,
        help_text="A short note, for example “Sat together after lunch and looked at old photos.”",
        error_messages={
            "required": SUPPORT_NOTE_MISSING,
            "max_length": SUPPORT_NOTE_TOO_LONG,
        },
    )

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError(SUPPORT_NOTE_MISSING)
        return note
