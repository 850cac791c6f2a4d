"""Recruitment, for the volunteer co-ordinator: the board of everyone by
status, adding a volunteer, their page, and changing their details, status,
identity check and interview, weekly times and portal invitation."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from carehome.errors import DomainError
from carehome.versions import EditConflict, show_conflict
from homes.decorators import home_permission
from homes.fragments import deferred
from homes.submissions import AlreadySaved, already_saved
from volunteers import rules
from volunteers.forms.recruitment import (
    AvailabilityForm,
    ScreeningForm,
    StatusForm,
    VolunteerAddForm,
    VolunteerEditForm,
    initial_times,
)
from volunteers.models import Volunteer
from volunteers.selectors import recruitment as selectors
from volunteers.services import recruitment as services
from volunteers.views import rota as rota_views

Status = Volunteer.Status
MIN_TIME_ROWS = 7


def _or_404(volunteer):
    if volunteer is None:
        raise Http404("No such volunteer at this home.")
    return volunteer


def _detail(home_slug, pk, anchor=""):
    url = reverse("volunteers:volunteer_detail", kwargs={"home_slug": home_slug, "pk": pk})
    return f"{url}#{anchor}" if anchor else url


# --- The board ---------------------------------------------------------------------------------


@home_permission("volunteers.rota")
def home(request, home_slug):
    """The "Volunteers" entry: the board for the co-ordinator, the rota for other staff."""
    if request.membership.has_perm("volunteers.manage"):
        return _board(request)
    return rota_views.rota(request, home_slug)


@home_permission("volunteers.manage")
def board(request, home_slug):
    return _board(request)


def _board(request):
    home = request.home
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    blocked_only = request.GET.get("blocked") == "1"

    def make():
        counts = selectors.status_counts(home)
        groups = selectors.board(home, status=status, blocked_only=blocked_only)
        return {
            "groups": groups,
            "counts": counts,
            "shown": sum(len(g["people"]) for g in groups),
            "statuses": [(value, label, counts[value]) for value, label in Status.choices],
            "volunteering": rules.settings_for(home),
        }

    # Listed only when the board is rendered, not when it is served from the cache.
    listed = deferred(make, "groups", "counts", "shown", "statuses", "volunteering")
    return render(
        request,
        "volunteers/recruitment/board.html",
        {
            **listed,
            "status": status,
            "blocked_only": blocked_only,
            "filtered": bool(status or blocked_only),
            "public_url": settings.SITE_URL + reverse("volunteer_with_us:apply", args=[home.slug]),
        },
    )


# --- Adding and changing a volunteer -----------------------------------------------------------


@home_permission("volunteers.manage")
def volunteer_add(request, home_slug):
    home = request.home
    form = VolunteerAddForm(
        request.POST if request.method == "POST" else None, roles=selectors.roles_for(home)
    )
    if request.method == "POST" and form.is_valid():
        try:
            volunteer = services.volunteer_add(
                home=home,
                actor=request.user,
                status=form.cleaned_data["status"],
                form_token=form.cleaned_data.get("form_token"),
                **form.volunteer_data(),
            )
        except AlreadySaved as saved:
            url = reverse("volunteers:board", kwargs={"home_slug": home_slug})
            if saved.record is not None:
                url = _detail(home_slug, saved.record.pk)
            return already_saved(request, saved, url)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"{volunteer.full_name} was added.")
            return redirect(_detail(home_slug, volunteer.pk))
    return render(request, "volunteers/recruitment/volunteer_form.html", {"form": form, "volunteer": None})


@home_permission("volunteers.manage")
def volunteer_edit(request, home_slug, pk):
    home = request.home
    volunteer = _or_404(selectors.volunteer_for_edit(home, pk))
    initial = {
        "full_name": volunteer.full_name,
        "preferred_name": volunteer.preferred_name,
        "email": volunteer.email,
        "phone": volunteer.phone,
        "postcode": volunteer.postcode,
        "roles": list(volunteer.roles.all()),
        "what_to_do": volunteer.what_to_do,
        "interests": list(volunteer.interests.all()),
        "skills_notes": volunteer.skills_notes,
        "over_16": volunteer.over_16,
        "consent_to_checks": volunteer.consent_to_checks,
        "contact": str(volunteer.contact_id or ""),
        "version": volunteer.version,
    }
    form = VolunteerEditForm(
        request.POST if request.method == "POST" else None,
        roles=selectors.roles_for(home, volunteer),
        contacts=selectors.contact_choices(home),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.volunteer_update(
                home=home, volunteer=volunteer, actor=request.user, **form.volunteer_data()
            )
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"{form.cleaned_data['full_name']}'s details were saved.")
            return redirect(_detail(home_slug, volunteer.pk))
    return render(
        request, "volunteers/recruitment/volunteer_form.html", {"form": form, "volunteer": volunteer}
    )


# --- A volunteer's page --------------------------------------------------------------------------


@home_permission("volunteers.manage")
def volunteer_detail(request, home_slug, pk):
    volunteer = _or_404(selectors.volunteer_for_page(request.home, pk))
    role, meeting_missing = rules.clear_to_meet_residents(volunteer)
    return render(
        request,
        "volunteers/recruitment/detail.html",
        {
            "volunteer": volunteer,
            "start_missing": rules.blockers(volunteer, status=False),
            "meeting_role": role,
            "meeting_missing": meeting_missing,
            "driver": (volunteer.driver_records or [None])[0],
        },
    )


# --- Status ----------------------------------------------------------------------------------------


@home_permission("volunteers.manage")
def volunteer_status(request, home_slug, pk):
    home = request.home
    volunteer = _or_404(selectors.volunteer_for_status(home, pk))
    form = StatusForm(request.POST if request.method == "POST" else None, volunteer=volunteer)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.volunteer_status_set(
                home=home, volunteer=volunteer, actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            done = f"{changed.full_name} is now “{changed.get_status_display().lower()}”."
            if changed.status == Status.LEFT and home.in_scotland and selectors.pvg_to_close(home, changed):
                done += (
                    " They are a PVG scheme member: tell Disclosure Scotland that they have stopped doing "
                    "regulated work here, then record the date you told them on their PVG check."
                )
            messages.success(request, done)
            return redirect(_detail(home_slug, volunteer.pk, "status"))
    return render(
        request,
        "volunteers/recruitment/status.html",
        {
            "volunteer": volunteer,
            "form": form,
            "start_missing": rules.blockers(volunteer, status=False),
        },
    )


# --- Identity check and interview ------------------------------------------------------------------


@home_permission("volunteers.manage")
def volunteer_screening(request, home_slug, pk):
    home = request.home
    volunteer = get_object_or_404(
        Volunteer.objects.for_home(home).select_related("identity_checked_by", "interviewed_by"), pk=pk
    )
    initial = {
        "identity_checked_on": volunteer.identity_checked_on,
        "identity_documents": volunteer.identity_documents,
        "interviewed_on": volunteer.interviewed_on,
        "interview_notes": volunteer.interview_notes,
        "version": volunteer.version,
    }
    form = ScreeningForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.volunteer_screening_save(
                home=home, volunteer=volunteer, actor=request.user, **form.cleaned_data
            )
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"{volunteer.full_name}'s identity check and interview were saved.")
            return redirect(_detail(home_slug, volunteer.pk, "screening"))
    return render(request, "volunteers/recruitment/screening.html", {"volunteer": volunteer, "form": form})


# --- Weekly times ------------------------------------------------------------------------------------


@home_permission("volunteers.manage")
def volunteer_availability(request, home_slug, pk):
    home = request.home
    volunteer = _or_404(selectors.volunteer_with_availability(home, pk))
    saved = list(volunteer.availability.all())
    rows = max(MIN_TIME_ROWS, len(saved) + 2)
    form = AvailabilityForm(
        request.POST if request.method == "POST" else None,
        rows=rows,
        initial={**initial_times(saved, rows), "version": volunteer.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.volunteer_availability_set(
                home=home,
                volunteer=volunteer,
                actor=request.user,
                availability=form.cleaned_data["availability"],
                version=form.cleaned_data.get("version"),
            )
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"{volunteer.full_name}'s usual times were saved.")
            return redirect(_detail(home_slug, volunteer.pk, "availability"))
    return render(request, "volunteers/recruitment/availability.html", {"volunteer": volunteer, "form": form})


# --- The portal invitation ---------------------------------------------------------------------------


@require_POST
@home_permission("volunteers.manage")
def volunteer_invite(request, home_slug, pk):
    volunteer = get_object_or_404(Volunteer.objects.for_home(request.home), pk=pk)
    try:
        invitation = services.volunteer_invite(home=request.home, volunteer=volunteer, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"An invitation was emailed to {invitation.email}. Once they accept it, they can see their "
            "shifts and log their hours in Kith.",
        )
    return redirect(_detail(home_slug, volunteer.pk, "portal"))
