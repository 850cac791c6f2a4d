"""Forms for a person's contact choices and a home's quiet hours. The forms
only parse; the rules (a phone number for texts, an address for letters, how
long quiet hours last) live in ``notifications.services``, whose words the
forms import when they need the same ones."""

from django import forms

from carehome.forms import KithForm, time_field
from notifications.models import Channel
from notifications.services import (
    CHANNEL_CHOICE_ERROR,
    NO_CHANNEL,
    QUIET_FROM_MISSING,
    QUIET_UNTIL_MISSING,
)


class ContactChoicesForm(KithForm):
    channels = forms.MultipleChoiceField(
        label="How should we contact you?",
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick every way that suits you. We use each one you tick.",
        error_messages={
            "required": NO_CHANNEL,
            "invalid_choice": CHANNEL_CHOICE_ERROR,
            "invalid_list": CHANNEL_CHOICE_ERROR,
        },
    )
    phone = forms.CharField(
        label="Mobile number",
        required=False,
        max_length=30,
        help_text="Needed for text messages. For example 07700 900123.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"max_length": "That is too long for a phone number. Enter a mobile number."},
    )
    postal_address = forms.CharField(
        label="Postal address",
        required=False,
        help_text="Needed for letters. Put each part on its own line and include the postcode.",
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "street-address"}),
    )
    reminders = forms.BooleanField(
        label="Send me reminders and invitations",
        required=False,
        help_text="Untick this to stop reminders about visits, meals and activities. "
        "The messages under “Messages that always come” still arrive.",
    )

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "channels": data["channels"],
            "phone": data["phone"],
            "postal_address": data["postal_address"],
            "reminders": data["reminders"],
        }


class QuietHoursForm(KithForm):
    quiet_from = time_field(
        "No text messages from",
        QUIET_FROM_MISSING,
        help_text="Home time, for example 21:00.",
    )
    quiet_until = time_field(
        "No text messages until",
        QUIET_UNTIL_MISSING,
        help_text="Home time, for example 08:00. A text message due in the night waits until then.",
    )
    daytime_confirmed = forms.BooleanField(
        label="Yes, hold text messages during the day",
        required=False,
        help_text="Needed only when quiet hours cover the daytime (10:00 to 16:00).",
    )
