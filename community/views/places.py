"""The local area: partners and places around the home as a list, nearest
first, with travel and accessibility notes (and a map when a tile server is
configured and the home shows it); adding and changing places."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from carehome.errors import DomainError
from carehome.versions import EditConflict, show_conflict
from community.forms.partners import PartnersFilterForm, PlaceForm
from community.selectors import partners as selectors
from community.selectors.settings import settings_for
from community.services import partners as services
from homes.decorators import home_permission
from homes.submissions import AlreadySaved, already_saved


def _area_url(home_slug):
    return reverse("community:local_area", kwargs={"home_slug": home_slug})


def map_shown(home):
    """A map only when a tile server is configured and the home has not turned it off."""
    return bool(settings.KITH_MAP_TILE_URL) and settings_for(home).map_enabled


@home_permission("community.view")
def local_area(request, home_slug):
    home = request.home
    kind, interest = selectors.parse_filters(request.GET, kinds=selectors.area_kind_values())
    filters = PartnersFilterForm(initial={"kind": kind, "interest": interest}, area=True)
    found = selectors.local_area(home, kind=kind, interest=interest)
    items = [n for n in found if n.miles is None or n.miles <= selectors.NEARBY_MILES]
    further = [n for n in found if n.miles is not None and n.miles > selectors.NEARBY_MILES]
    show_map = map_shown(home)
    return render(
        request,
        "community/partners/local_area.html",
        {
            "items": items,
            "further": further,
            "nearby_miles": selectors.NEARBY_MILES,
            "filters": filters,
            "filtered": bool(kind or interest),
            "home_located": home.latitude is not None and home.longitude is not None,
            "show_map": show_map,
            "map_data": selectors.map_points(home, items) if show_map else None,
            "tile_url": settings.KITH_MAP_TILE_URL if show_map else "",
            "tile_attribution": settings.KITH_MAP_ATTRIBUTION if show_map else "",
        },
    )


@home_permission("community.partners")
def place_add(request, home_slug):
    form = PlaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            place = services.place_create(
                home=request.home,
                actor=request.user,
                form_token=form.cleaned_data.get("form_token"),
                **form.service_data(),
            )
        except AlreadySaved as saved:
            return already_saved(request, saved, _area_url(home_slug))
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"{place.name} was added to the local area.")
            return redirect(_area_url(home_slug))
    return render(request, "community/partners/place_form.html", {"form": form, "place": None})


@home_permission("community.partners")
def place_edit(request, home_slug, pk):
    place = selectors.place_for_page(request.home, pk)
    if place is None:
        raise Http404("No such place at this home.")
    form = PlaceForm(request.POST or None, editing=True, initial=PlaceForm.initial_for(place))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.place_update(
                home=request.home,
                actor=request.user,
                place=place,
                version=form.cleaned_data.get("version"),
                **form.service_data(),
            )
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"The changes to {saved.name} were saved.")
            return redirect(_area_url(home_slug))
    return render(request, "community/partners/place_form.html", {"form": form, "place": place})
