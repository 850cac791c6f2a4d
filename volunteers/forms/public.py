"""The public "Volunteer with us" forms: a home's own, and an organisation's
for several homes. Written to the person applying ("you"); built from the
same pieces as staff entry (``volunteers.forms.recruitment``). They only
parse; ``volunteers.services.public`` owns the rules."""

from django import forms

from carehome.forms import OnceFormMixin
from homes.models import Nation
from volunteers.forms.recruitment import VolunteerFields
from volunteers.services.public import HOMES_CHOICE, HOMES_NEEDED
from volunteers.services.recruitment import CONSENT_NEEDED, CONTACT_MISSING, OVER_16_NEEDED

# The honeypot: a box people never see (hidden, out of the tab order), which
# robots fill in. A filled one gets the usual thank-you and saves nothing.
HONEYPOT = "website"

CHECKS_SCOTLAND = (
    "Spending time with the people who live here is “regulated work”, so volunteers join the "
    "PVG scheme (Protecting Vulnerable Groups), run by Disclosure Scotland. It tells the home "
    "about any criminal record and whether you are barred from working with adults."
)
CHECKS_ENGLAND_WALES = (
    "Most volunteering here needs a DBS check from the Disclosure and Barring Service, usually an "
    "enhanced check with the adults' barred list. It tells the home about any criminal record and "
    "whether you are barred from working with adults."
)
CHECKS_AFTER = "The home helps you apply and keeps what it learns private."


def checks_explained(nations):
    """What the background check means for homes in ``nations``, in plain words (paragraphs)."""
    nations = set(nations)
    found = []
    if Nation.SCOTLAND in nations:
        found.append(("In Scotland: " if len(nations) > 1 else "") + CHECKS_SCOTLAND)
    if nations - {Nation.SCOTLAND}:
        found.append(("In England and Wales: " if Nation.SCOTLAND in nations else "") + CHECKS_ENGLAND_WALES)
    return [*found, CHECKS_AFTER]


class ApplicationForm(OnceFormMixin, VolunteerFields):
    """An application on a home's own page."""

    availability_rows = 4
    referee_count = 2
    referees_required = True

    over_16 = forms.BooleanField(label="I am 16 or over", error_messages={"required": OVER_16_NEEDED})
    consent_to_checks = forms.BooleanField(
        label="I agree to a background check", error_messages={"required": CONSENT_NEEDED}
    )
    website = forms.CharField(
        label="Leave this box empty",
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, nations=(), **kwargs):
        super().__init__(*args, **kwargs)
        words = {
            "full_name": ("Your full name", "Enter your full name, like “Ann Smith”."),
            "preferred_name": ("What you like to be called (optional)", None),
            "email": ("Your email address", None),
            "phone": ("Your phone number", None),
            "roles": ("What would you like to do?", None),
            "what_to_do": ("Anything else you would like to do, in your own words (optional)", None),
            "interests": ("Your skills and hobbies (optional)", None),
            "skills_notes": ("More about your skills and hobbies (optional)", None),
        }
        for name, (label, required) in words.items():
            if name in self.fields:
                self.fields[name].label = label
                if required:
                    self.fields[name].error_messages["required"] = required
        self.fields["phone"].help_text = CONTACT_MISSING
        self.fields["postcode"].help_text = "So the home knows roughly how far you would travel."
        for n in range(1, self.referee_count + 1):
            self.fields[f"referee{n}_relationship"].label = "How they know you"
        self.checks_explained = checks_explained(nations)

    def honeypot_filled(self):
        """Whether a robot filled the hidden box (read before anything else is checked)."""
        return bool(self.data.get(self.add_prefix(HONEYPOT)))


class OrganisationApplicationForm(ApplicationForm):
    """An application on an organisation's page: which of its homes, and
    everything else but roles (each home gives roles later)."""

    homes = forms.ModelMultipleChoiceField(
        label="Which homes would you like to volunteer at?",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": HOMES_NEEDED,
            "invalid_choice": HOMES_CHOICE,
            "invalid_pk_value": HOMES_CHOICE,
            "invalid_list": HOMES_CHOICE,
        },
    )

    field_order = ["homes"]

    def __init__(self, *args, homes=(), **kwargs):
        super().__init__(*args, nations=[h.nation for h in homes], **kwargs)
        from homes.models import Home

        self.offered = list(homes)
        self.fields["homes"].queryset = Home.objects.filter(pk__in=[h.pk for h in self.offered]).order_by(
            "name"
        )
        self.fields["homes"].label_from_instance = _home_label
        self.fields["what_to_do"].label = "What would you like to do? (optional)"
        self.fields[
            "what_to_do"
        ].help_text = (
            "For example “chat with people over a cup of tea”, “help in the garden” or “drive the minibus”."
        )


def _home_label(home):
    place = home.postcode or ""
    return f"{home.name}, {place}" if place else home.name
