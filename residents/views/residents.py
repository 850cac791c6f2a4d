"""Residents: the list, a resident's overview and photo, admitting, editing,
the key worker, leaving, and the home's connection settings."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from carehome.errors import DomainError
from carehome.versions import EditConflict, show_conflict
from homes.decorators import home_permission
from homes.fragments import deferred, remembered
from homes.submissions import AlreadySaved, already_saved
from residents.forms.residents import (
    AdmitForm,
    ConnectionSettingsForm,
    EditForm,
    KeyWorkerForm,
    LeaveForm,
    ResidentFilterForm,
    VisitingPriorityForm,
)
from residents.models import Resident
from residents.selectors import residents as selectors
from residents.selectors.settings import connection_settings_for
from residents.services import residents as services

PAGE_SIZE = 50


def _resident(request, pk):
    return get_object_or_404(selectors.residents_for_pages(request.home), pk=pk)


def resident_for_page(request, pk):
    """The resident a page is about (404 if not this home's), with the key worker
    its header names; on a GET remembered until the home's data changes, so a
    page served from its fragments makes no query of its own."""

    def find():
        # Kept in Redis: the key worker's password hash is left out.
        residents = selectors.residents_for_pages(request.home).defer("key_worker__password")
        return get_object_or_404(residents, pk=pk)

    # The queryset is built only when the cache has not got the resident.
    return remembered(request, "resident", find, pk)


def _already_left(resident):
    verb = "died" if resident.status == Resident.Status.DIED else "moved out"
    when = f"{resident.left_on.day} {resident.left_on:%B %Y}" if resident.left_on else ""
    return f"It is already recorded that {resident.short_name} {verb}{f' on {when}' if when else ''}."


@home_permission("residents.view")
def resident_list(request, home_slug):
    home = request.home

    def make():
        form = ResidentFilterForm(request.GET or None, home=home, units=selectors.units_for_home(home))
        filters = form.filters()
        paginator = Paginator(selectors.resident_list(home, **filters), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        filtered = (
            any(filters[name] for name in ("search", "unit", "key_worker", "interest", "review"))
            or filters["status"] != selectors.StatusFilter.LIVING
        )
        return {
            "form": form,
            "filters": filters,
            "status_label": dict(selectors.StatusFilter.CHOICES)[filters["status"]],
            "filtered": filtered,
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "query": query.urlencode(),
        }

    # Made only when the list is rendered, not when it is served from the cache.
    context = deferred(make, "form", "filters", "status_label", "filtered", "page", "page_range", "query")
    return render(request, "residents/list.html", {**context, "today": timezone.localdate()})


@home_permission("residents.view")
def resident_detail(request, home_slug, pk):
    resident = resident_for_page(request, pk)

    def make():
        history = selectors.key_worker_history(request.home, resident)
        current = next((a for a in history if a.ended_on is None), None)
        return {"history": history, "current_assignment": current}

    # Made only when the overview is rendered, not when it is served from the cache.
    context = deferred(make, "history", "current_assignment")
    age = selectors.age_on(resident.date_of_birth, timezone.localdate())
    return render(request, "residents/detail.html", {"resident": resident, "age": age, **context})


@home_permission("residents.view")
def resident_photo(request, home_slug, pk):
    """The photo, only to signed-in staff of this home: never a public address."""
    resident = _resident(request, pk)
    if not resident.photo:
        raise Http404("No photo.")
    try:
        handle = resident.photo.open("rb")
    except FileNotFoundError:
        raise Http404("No photo.") from None
    response = FileResponse(handle, content_type="image/jpeg")
    patch_cache_control(response, private=True, no_store=True)
    return response


@home_permission("residents.admit")
def resident_admit(request, home_slug):
    form = AdmitForm(request.POST or None, request.FILES or None, home=request.home)
    if request.method == "POST" and form.is_valid():
        try:
            resident = services.resident_admit(home=request.home, actor=request.user, **form.cleaned_data)
        except AlreadySaved as saved:
            url = reverse("residents:list", kwargs={"home_slug": home_slug})
            if saved.record is not None:
                url = reverse("residents:detail", kwargs={"home_slug": home_slug, "pk": saved.record.pk})
            return already_saved(request, saved, url)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request,
                f"{resident.full_name} has been admitted. Their personal plan is ready to be filled in.",
            )
            return redirect("residents:detail", home_slug=home_slug, pk=resident.pk)
    return render(
        request,
        "residents/resident_admit.html",
        {"form": form, "units": selectors.units_for_home(request.home)},
    )


@home_permission("residents.change")
def resident_edit(request, home_slug, pk):
    resident = _resident(request, pk)
    form = EditForm(request.POST or None, request.FILES or None, resident=resident)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.setdefault("status", None)
        try:
            changes = services.resident_update(
                home=request.home, actor=request.user, resident=resident, **data
            )
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _changes_message(resident, changes))
            return redirect("residents:detail", home_slug=home_slug, pk=resident.pk)
    return render(
        request,
        "residents/resident_edit.html",
        {"form": form, "resident": resident, "units": selectors.units_for_home(request.home)},
    )


def _changes_message(resident, changes):
    """What the person sees after saving: the room move and status in words."""
    name = resident.short_name
    parts = []
    if "room" in changes:
        before, after = changes["room"]
        if not after:
            parts.append(f"{name} has no room recorded now.")
        elif before:
            parts.append(f"{name} is now in room {after} (was {before}).")
        else:
            parts.append(f"{name} is now in room {after}.")
    if "status" in changes:
        in_hospital = changes["status"][1] == Resident.Status.HOSPITAL
        parts.append(f"{name} is in hospital." if in_hospital else f"{name} is back living here.")
    if "photo" in changes:
        parts.append("The new photo was saved." if changes["photo"][1] else "The photo was removed.")
    if set(changes) - {"room", "status", "photo"}:
        parts.append("The changes were saved.")
    return " ".join(parts) or "Nothing needed changing."


def _key_worker_message(resident, key_worker, changed):
    name = resident.short_name
    if not changed and key_worker:
        return f"{key_worker.full_name} is already {name}'s key worker. Nothing was changed."
    if not changed:
        return f"{name} already has no key worker. Nothing was changed."
    if key_worker:
        return f"{key_worker.full_name} is now {name}'s key worker."
    return f"{name} has no key worker for now."


@home_permission("residents.change")
def resident_key_worker(request, home_slug, pk):
    resident = _resident(request, pk)
    if resident.has_left:
        messages.info(
            request, f"{resident.short_name} has left the home, so there is no key worker to change."
        )
        return redirect("residents:detail", home_slug=home_slug, pk=resident.pk)
    form = KeyWorkerForm(request.POST or None, home=request.home, resident=resident)
    if request.method == "POST" and form.is_valid():
        key_worker = form.cleaned_data["key_worker"]
        try:
            changed = services.resident_change_key_worker(
                home=request.home, actor=request.user, resident=resident, key_worker=key_worker
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            (messages.success if changed else messages.info)(
                request, _key_worker_message(resident, key_worker, changed)
            )
            return redirect("residents:detail", home_slug=home_slug, pk=resident.pk)
    return render(
        request,
        "residents/resident_key_worker.html",
        {
            "form": form,
            "resident": resident,
            "history": selectors.key_worker_history(request.home, resident)[:5],
        },
    )


@home_permission("residents.change")
def resident_visiting_priority(request, home_slug, pk):
    """Anne's Law: mark a resident as at the end of life or significantly
    deteriorated, so their essential care supporters and named relatives keep
    visiting whatever restriction is in force."""
    resident = _resident(request, pk)
    initial = {
        "visiting_priority": resident.visiting_priority,
        "visiting_priority_since": resident.visiting_priority_since,
        "visiting_priority_note": resident.visiting_priority_note,
        "version": resident.version,
    }
    form = VisitingPriorityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.resident_visiting_priority_set(
                home=request.home,
                actor=request.user,
                resident=resident,
                priority=data["visiting_priority"] or "",
                since=data["visiting_priority_since"],
                note=data["visiting_priority_note"],
                version=data.get("version"),
            )
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            if resident.visiting_priority:
                words = (
                    f"Saved. {resident.short_name}'s essential care supporters and named relatives can "
                    "visit whatever restriction is in force."
                )
            else:
                words = f"Saved. {resident.short_name} is no longer marked."
            messages.success(request, words)
            return redirect("residents:detail", home_slug=home_slug, pk=resident.pk)
    return render(request, "residents/resident_visiting_priority.html", {"form": form, "resident": resident})


@home_permission("residents.admit")
def resident_leave(request, home_slug, pk):
    resident = _resident(request, pk)
    if resident.has_left:
        messages.info(request, _already_left(resident))
        return redirect("residents:detail", home_slug=home_slug, pk=resident.pk)
    form = LeaveForm(request.POST or None, resident=resident)
    if request.method == "POST" and form.is_valid():
        try:
            services.resident_leave(
                home=request.home, actor=request.user, resident=resident, **form.cleaned_data
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            what = "has died" if resident.status == Resident.Status.DIED else "has moved out"
            messages.success(
                request,
                f"It is recorded that {resident.short_name} {what}. Their records are kept, and any "
                "friends here are flagged so staff can offer support.",
            )
            return redirect("residents:detail", home_slug=home_slug, pk=resident.pk)
    return render(request, "residents/resident_leave.html", {"form": form, "resident": resident})


@home_permission("home.settings")
def connection_settings(request, home_slug):
    current = connection_settings_for(request.home)
    form = ConnectionSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.connection_settings_update(home=request.home, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, "The settings were saved. The lists use them straight away.")
            return redirect("residents:settings", home_slug=home_slug)
    return render(request, "residents/settings.html", {"form": form, "settings_record": current})
