"""Forms for a person's contact choices and a home's quiet hours. Rules that
need the database or a phone-number library live in the services."""

from django import forms

from carehome.forms import time_field
from notifications.models import Channel

CHANNEL_CHOICE_ERROR = "Choose from email, text message or post."


class ContactChoicesForm(forms.Form):
    channels = forms.MultipleChoiceField(
        label="How should we contact you?",
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick every way that suits you. We use each one you tick.",
        error_messages={
            "required": "Choose at least one way for us to reach you.",
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


class QuietHoursForm(forms.Form):
    quiet_from = time_field(
        "No text messages from",
        "Enter when quiet hours start, like 21:00.",
        help_text="Home time, for example 21:00.",
    )
    quiet_until = time_field(
        "No text messages until",
        "Enter when quiet hours end, like 08:00.",
        help_text="Home time, for example 08:00. A text message due in the night waits until then.",
    )
