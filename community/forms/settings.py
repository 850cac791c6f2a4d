"""The community settings form. It only parses; the rules belong to
``community.services.settings``."""

from django import forms

from carehome.forms import KithForm, VersionedFormMixin
from community.forms.partners import LocationMixin, _coordinate
from community.selectors.settings import connector_charities
from community.services.partners import LATITUDE_INVALID, LONGITUDE_INVALID
from community.services.settings import DIRECTORY_CHOICE


class CharityChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class SettingsForm(LocationMixin, VersionedFormMixin, KithForm):
    publish_programme = forms.BooleanField(
        label="Publish the programme",
        required=False,
        help_text="A plain public page and calendar feed of the programme, for the home's website "
        "or a screen in the foyer. Residents' names are never on it.",
    )
    directories = CharityChoices(
        label="Connector charities whose partner directory we use",
        queryset=connector_charities(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Their partners appear in your directory. Each partnership, its contact and its "
        "history stay with the home.",
        error_messages={
            "invalid_choice": DIRECTORY_CHOICE,
            "invalid_pk_value": DIRECTORY_CHOICE,
            "invalid_list": DIRECTORY_CHOICE,
        },
    )
    map_enabled = forms.BooleanField(label="Show the map on the local area page", required=False)
    latitude = _coordinate(
        "The home's latitude (optional)",
        LATITUDE_INVALID,
        "Distances to partners and places are measured from the home. Find it on any online map: "
        "for example 53.6160.",
    )
    longitude = _coordinate("The home's longitude (optional)", LONGITUDE_INVALID, "For example -2.1560.")

    def __init__(self, *args, map_available=False, **kwargs):
        super().__init__(*args, **kwargs)
        charities = self.fields["directories"]
        charities.queryset = charities.queryset.all()
        if not charities.queryset:
            del self.fields["directories"]
        if not map_available:
            self.fields[
                "map_enabled"
            ].help_text = (
                "No map server is set up for Kith yet (KITH_MAP_TILE_URL), so the local area is a list only."
            )

    def service_data(self):
        data = dict(self.cleaned_data)
        data.pop("version", None)
        for name in ("latitude", "longitude"):
            if data.get(name) is not None:
                data[name] = str(data[name])
        return data
