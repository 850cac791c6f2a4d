"""Stories and photos: the staff's list, a story's page, writing and editing
a story, adding a photo and saying who is in it, removing a photo; the news
page for families; and the photo's image, served only through a consent check
(never a public file address)."""

import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control

from carehome.errors import DomainError
from carehome.versions import EditConflict, show_conflict
from community.forms.stories import PhotoAddForm, PhotoEditForm, StoryAddForm, StoryEditForm
from community.models import CommunitySettings
from community.selectors import stories as selectors
from community.services import stories as services
from homes.decorators import home_permission, not_found_without_session
from homes.scoping import home_scope
from homes.submissions import AlreadySaved, already_saved
from residents.models import Resident
from visits.selectors.info import public_home

PAGE_SIZE = 10


def _story_url(home_slug, story):
    return reverse("community:story", kwargs={"home_slug": home_slug, "pk": story.pk})


def _page(request, stories):
    return Paginator(stories, PAGE_SIZE).get_page(request.GET.get("page"))


@home_permission("community.plan")
def stories(request, home_slug):
    page = _page(request, selectors.stories_for_families(request.home))
    return render(
        request,
        "community/stories/list.html",
        {"page": page, "stories": selectors.stories_page(request.home, page.object_list)},
    )


@home_permission("community.plan")
def story(request, home_slug, pk):
    found = selectors.story_for_page(request.home, pk)
    if found is None:
        raise Http404("No such story at this home.")
    return render(request, "community/stories/story.html", {"story": found})


def _occurrence_from_query(request):
    """The date named by ``?date=<pk>``: (occurrence or None, a message or '')."""
    value = request.GET.get("date", "")
    if not value:
        return None, ""
    if not (value.isascii() and value.isdigit()) or len(value) > 12:
        return None, "That date of the programme was not found, so this story is not linked to one."
    occurrence = selectors.occurrence_for_story(request.home, int(value))
    if occurrence is None:
        return None, (
            "A story can only be linked to a date of the programme that has started and was not "
            "cancelled, so this one is not linked to a date."
        )
    return occurrence, ""


@home_permission("community.plan")
def story_add(request, home_slug):
    occurrence, problem = _occurrence_from_query(request)
    initial = {}
    if occurrence is not None:
        initial["title"] = occurrence.activity.title
    form = StoryAddForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.story_create(
                home=request.home,
                actor=request.user,
                title=data["title"],
                text=data["text"],
                went_well=data["went_well"],
                share_with_families=data["share_with_families"],
                occurrence=occurrence,
                form_token=data.get("form_token"),
            )
        except AlreadySaved as saved:
            url = reverse("community:stories", kwargs={"home_slug": home_slug})
            return already_saved(request, saved, _story_url(home_slug, saved.record) if saved.record else url)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, "The story was saved. Add photos to it below.")
            return redirect(_story_url(home_slug, created))
    return render(
        request,
        "community/stories/story_form.html",
        {"form": form, "story": None, "occurrence": occurrence, "problem": problem},
    )


@home_permission("community.plan")
def story_edit(request, home_slug, pk):
    found = selectors.story_plain(request.home, pk)
    if found is None:
        raise Http404("No such story at this home.")
    initial = {
        "title": found.title,
        "text": found.text,
        "went_well": found.went_well,
        "share_with_families": found.share_with_families,
        "version": found.version,
    }
    form = StoryEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _, changed = services.story_update(
                home=request.home,
                actor=request.user,
                story=found,
                title=data["title"],
                text=data["text"],
                went_well=data["went_well"],
                share_with_families=data["share_with_families"],
                version=data.get("version"),
            )
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, "The story was saved." if changed else "Nothing was changed.")
            return redirect(_story_url(home_slug, found))
    return render(
        request,
        "community/stories/story_form.html",
        {"form": form, "story": found, "occurrence": found.occurrence},
    )


def _people(request, story, photo=None):
    """Residents who may be ticked: those at the story's date, everyone living
    here, and (changing a photo) whoever is in it already, even if they have left."""
    came, rest = selectors.people_to_choose(request.home, story.occurrence)
    ids = [r.pk for r in came] + [r.pk for r in rest]
    if photo is not None:
        ids += [r.pk for r in photo.residents.all()]
    return came, Resident.objects.for_home(request.home).filter(pk__in=ids).order_by("full_name")


@home_permission("community.plan")
def photo_add(request, home_slug, pk):
    found = selectors.story_plain(request.home, pk)
    if found is None:
        raise Http404("No such story at this home.")
    came, residents = _people(request, found)
    form = PhotoAddForm(request.POST or None, request.FILES or None, residents=residents, came=came)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            photo = services.photo_add(
                home=request.home,
                actor=request.user,
                story=found,
                image=data["image"],
                description=data["description"],
                residents=data["residents"],
                others=data["others"],
                nobody_here=data["nobody_here"],
                form_token=data.get("form_token"),
            )
        except AlreadySaved as saved:
            return already_saved(request, saved, _story_url(home_slug, found))
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _photo_saved_words(request.home, photo))
            return redirect(_story_url(home_slug, found) + f"#photo-{photo.pk}")
    return render(request, "community/stories/photo_form.html", {"form": form, "story": found, "photo": None})


def _photo_saved_words(home, photo):
    judged = selectors.photo_for_page(home, photo.pk)
    if judged.hidden[selectors.USE_HOME]:
        return f"The photo was saved. It stays hidden for now: {judged.hidden[selectors.USE_HOME]}"
    if judged.hidden[selectors.USE_FAMILY]:
        return f"The photo was saved. It is not shown to families: {judged.hidden[selectors.USE_FAMILY]}"
    return "The photo was saved."


@home_permission("community.plan")
def photo_edit(request, home_slug, pk):
    photo = selectors.photo_for_page(request.home, pk)
    if photo is None:
        raise Http404("No such photo at this home.")
    came, residents = _people(request, photo.story, photo)
    initial = {
        "description": photo.description,
        "residents": [r.pk for r in photo.residents.all()],
        "nobody_here": not photo.residents.all(),
        "others": photo.others,
    }
    form = PhotoEditForm(request.POST or None, residents=residents, came=came, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.photo_update(
                home=request.home,
                actor=request.user,
                photo=photo,
                description=data["description"],
                residents=data["residents"],
                others=data["others"],
                nobody_here=data["nobody_here"],
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _photo_saved_words(request.home, photo))
            return redirect(_story_url(home_slug, photo.story) + f"#photo-{photo.pk}")
    return render(
        request, "community/stories/photo_form.html", {"form": form, "story": photo.story, "photo": photo}
    )


@home_permission("community.plan")
def photo_delete(request, home_slug, pk):
    photo = selectors.photo_for_page(request.home, pk)
    if photo is None:
        raise Http404("No such photo at this home.")
    if request.method == "POST":
        services.photo_delete(home=request.home, actor=request.user, photo=photo)
        messages.success(request, "The photo was removed.")
        return redirect(_story_url(home_slug, photo.story))
    return render(request, "community/stories/photo_delete.html", {"photo": photo, "story": photo.story})


# --- The image, through a permission and consent check -------------------------------------


def _image_response(photo):
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404("No photo.") from None
    content_type = mimetypes.guess_type(photo.image.name)[0] or "image/jpeg"
    response = FileResponse(handle, content_type=content_type)
    patch_cache_control(response, private=True, no_store=True)
    return response


@not_found_without_session
@home_permission("home.dashboard")
def photo_image(request, home_slug, pk):
    """A story photo's image: to this home's staff while everyone in it agreed
    to photos shown inside the home; to relatives of this home while everyone
    agreed to that and to sharing with families. Otherwise 404, whether the
    photo exists or not. Volunteers and connector charity staff, who see no
    photos of residents, get 403 before any photo is looked up. Never cached."""
    membership = request.membership
    if membership.has_perm("community.plan"):
        use = selectors.USE_HOME
    elif membership.has_perm("family.portal"):
        use = selectors.USE_FAMILY
    else:
        raise PermissionDenied
    photo = selectors.photo_if_allowed(request.home, pk, use)
    if photo is None:
        raise Http404("No such photo.")
    return _image_response(photo)


def public_photo(request, slug, pk):
    """A photo on the public programme: 404 unless the home publishes its
    programme and everyone in the photo agreed to all three uses."""
    home = public_home(slug)
    with home_scope(home):
        published = CommunitySettings.objects.for_home(home).filter(publish_programme=True).exists()
        photo = selectors.photo_if_allowed(home, pk, selectors.USE_PUBLIC) if published else None
    if photo is None:
        raise Http404("No such photo.")
    return _image_response(photo)


# --- Families ----------------------------------------------------------------------------


@home_permission("family.portal")
def family_stories(request, home_slug):
    page = _page(request, selectors.stories_for_families(request.home))
    return render(
        request,
        "community/stories/family.html",
        {"page": page, "stories": selectors.family_stories(request.home, page.object_list)},
    )
