"""Community settings: publish the programme, the connector charities whose
partner directory the home uses, the map, and where the home is."""

from django.conf import settings as django_settings
from django.contrib import messages
from django.shortcuts import redirect, render

from carehome.errors import DomainError
from carehome.versions import EditConflict, show_conflict
from community.forms.settings import SettingsForm
from community.selectors import settings as selectors
from community.services import settings as services
from homes.decorators import home_permission


@home_permission("community.settings")
def settings_edit(request, home_slug):
    home = request.home
    saved = selectors.settings_for(home)
    initial = {
        "publish_programme": saved.publish_programme,
        "directories": selectors.directories_of(saved),
        "map_enabled": saved.map_enabled,
        "latitude": home.latitude,
        "longitude": home.longitude,
        "version": saved.version,
    }
    form = SettingsForm(
        request.POST or None, initial=initial, map_available=bool(django_settings.KITH_MAP_TILE_URL)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.community_settings_update(
                home=home, actor=request.user, version=form.cleaned_data.get("version"), **form.service_data()
            )
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, "The community settings were saved.")
            return redirect("community:settings", home_slug=home_slug)
    return render(request, "community/settings/form.html", {"form": form})
