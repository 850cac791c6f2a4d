"""Visiting information: the manager's form, the photo of a space, and the
public visiting page (no sign-in) with its printable version and space photos."""

import mimetypes

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control

from carehome.errors import DomainError
from carehome.versions import EditConflict, show_conflict
from homes.decorators import home_permission
from homes.models import Space
from homes.scoping import home_scope
from visits.forms.info import SpacePhotoForm, VisitingInfoForm
from visits.selectors import info as selectors
from visits.services import info as services

# --- Staff pages ---------------------------------------------------------------------


@home_permission("visiting_info.manage")
def info_edit(request, home_slug):
    info = selectors.visiting_info_for(request.home)
    form = VisitingInfoForm(request.POST if request.method == "POST" else None, instance=info)
    if request.method == "POST" and form.is_valid():
        try:
            services.visiting_info_save(home=request.home, actor=request.user, **form.cleaned_data)
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, "The visiting information was saved. Visitors see it straight away.")
            return redirect("visits:info_edit", home_slug=home_slug)
    return render(request, "visits/info/edit.html", {"form": form})


@home_permission("spaces.manage")
def space_photo_edit(request, home_slug, pk):
    space = get_object_or_404(Space.objects.for_home(request.home), pk=pk)
    has_photo = bool(space.photo)
    if request.method == "POST":
        form = SpacePhotoForm(request.POST, request.FILES, has_photo=has_photo)
    else:
        form = SpacePhotoForm(has_photo=has_photo)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.space_photo_save(
                home=request.home,
                actor=request.user,
                space=space,
                photo=form.cleaned_data.get("photo"),
                remove=form.cleaned_data.get("remove", False),
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            if saved.photo:
                messages.success(request, f"The photo of “{saved.name}” was saved.")
            else:
                messages.success(request, f"The photo of “{saved.name}” was removed.")
            return redirect("homes:spaces", home_slug=home_slug)
    return render(request, "visits/info/space_photo.html", {"form": form, "space": space})


# --- Public pages (no sign-in) ---------------------------------------------------------


def _public_page(template, request, slug):
    """The public pages find their home by its slug and read only that home."""
    home = selectors.public_home(slug)
    with home_scope(home):
        context = {
            "home": home,
            "info": selectors.visiting_info_for(home),
            "spaces": selectors.public_spaces(home),
        }
        return render(request, template, context)


def public_info(request, slug):
    return _public_page("visits/info/public.html", request, slug)


def public_info_print(request, slug):
    return _public_page("visits/info/print.html", request, slug)


def public_space_photo(request, slug, pk):
    home = selectors.public_home(slug)
    with home_scope(home):
        space = selectors.public_space_with_photo(home, pk)
    try:
        handle = space.photo.open("rb")
    except FileNotFoundError:
        raise Http404("No photo.") from None
    content_type = mimetypes.guess_type(space.photo.name)[0] or "image/jpeg"
    response = FileResponse(handle, content_type=content_type)
    patch_cache_control(response, public=True, max_age=300)
    return response
