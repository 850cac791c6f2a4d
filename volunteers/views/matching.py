"""Matching volunteers with residents, and the regular visits that come of it."""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from carehome.errors import DomainError
from carehome.query import parse_id
from carehome.timeutils import today
from carehome.versions import EditConflict, show_conflict
from homes.decorators import home_permission
from homes.submissions import AlreadySaved, already_saved
from volunteers import rules
from volunteers.forms.matching import AssignmentEditForm, AssignmentEndForm, AssignmentForm
from volunteers.models import Assignment, Shift
from volunteers.selectors import matching as selectors
from volunteers.services import matching as services

VISIT_FIELDS = (
    "role",
    "weekday",
    "starts_at",
    "minutes",
    "every",
    "space",
    "where_note",
    "starts_on",
    "ends_on",
    "reason",
)


@home_permission("volunteers.manage")
def matching(request, home_slug):
    ready, not_ready = selectors.volunteers_to_match(request.home)
    return render(
        request,
        "volunteers/matching/index.html",
        {
            "residents": selectors.residents_to_match(request.home),
            "ready": ready,
            "not_ready": not_ready,
        },
    )


@home_permission("volunteers.manage")
def match_resident(request, home_slug, pk):
    resident = selectors.resident_for_matching(request.home, pk)
    if resident is None:
        raise Http404("No such resident living here.")
    return render(
        request,
        "volunteers/matching/resident.html",
        {"resident": resident, **selectors.matches_for_resident(request.home, resident)},
    )


@home_permission("volunteers.manage")
def match_volunteer(request, home_slug, pk):
    volunteer = selectors.volunteer_for_matching(request.home, pk)
    if volunteer is None:
        raise Http404("No such volunteer here.")
    return render(
        request,
        "volunteers/matching/volunteer.html",
        {
            "volunteer": volunteer,
            "free": selectors.free_words(selectors.free_parts(volunteer.availability.all())),
            **selectors.matches_for_volunteer(request.home, volunteer),
        },
    )


def _prefill(request):
    """The volunteer and resident named in the address (``?volunteer=&resident=``),
    if they are this home's, and what to fill in for them."""
    home = request.home
    volunteer = resident = None
    initial = {"starts_on": None}
    if volunteer_id := parse_id(request.GET.get("volunteer")):
        volunteer = selectors.volunteer_for_matching(home, volunteer_id)
    if resident_id := parse_id(request.GET.get("resident")):
        resident = selectors.resident_for_matching(home, resident_id)
    if volunteer is not None:
        initial["volunteer"] = volunteer.pk
        roles = rules.meeting_roles(volunteer)
        if len(roles) == 1:
            initial["role"] = roles[0].pk
    if resident is not None:
        initial["resident"] = resident.pk
    if volunteer is not None and resident is not None:
        reason, first = selectors.match_reason(home, volunteer, resident)
        initial["reason"] = reason
        if first is not None:
            weekday, at = first
            initial["weekday"] = weekday
            initial["starts_at"] = at
            on = today()
            initial["starts_on"] = on + timedelta(days=(weekday - on.weekday()) % 7)
    if initial["starts_on"] is None:
        del initial["starts_on"]
    return volunteer, resident, initial


def _detail_url(home_slug, pk):
    return reverse("volunteers:assignment_detail", kwargs={"home_slug": home_slug, "pk": pk})


@home_permission("volunteers.manage")
def assignment_add(request, home_slug):
    if request.method == "POST":
        volunteer, resident, initial = None, None, {}
        form = AssignmentForm(request.POST, home=request.home)
    else:
        volunteer, resident, initial = _prefill(request)
        form = AssignmentForm(home=request.home, volunteer=volunteer, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment = services.assignment_create(
                home=request.home,
                actor=request.user,
                volunteer=data["volunteer"],
                resident=data["resident"],
                form_token=data.get("form_token"),
                **{name: data.get(name) for name in VISIT_FIELDS},
            )
        except AlreadySaved as saved:
            url = reverse("volunteers:matching", kwargs={"home_slug": home_slug})
            if saved.record is not None:
                url = _detail_url(home_slug, saved.record.pk)
            return already_saved(request, saved, url)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request,
                f"{assignment.volunteer.full_name} will visit {assignment.resident.short_name} "
                f"{assignment.get_every_display().lower()}. The next four weeks are on the rota.",
            )
            return redirect(_detail_url(home_slug, assignment.pk))
    return render(
        request,
        "volunteers/matching/assignment_form.html",
        {"form": form, "assignment": None, "volunteer": volunteer, "resident": resident},
    )


def _assignment_or_404(request, pk):
    assignment = (
        Assignment.objects.for_home(request.home)
        .select_related("volunteer", "resident", "role", "space", "created_by", "ended_by")
        .filter(pk=pk)
        .first()
    )
    if assignment is None:
        raise Http404("No such regular visits here.")
    return assignment


def _render_detail(request, assignment, end_form, status=200):
    now = timezone.now()
    shifts = Shift.objects.for_home(request.home).filter(assignment=assignment).select_related("logged_by")
    upcoming = list(shifts.filter(starts_at__gt=now).exclude(status=Shift.Status.CANCELLED)[:8])
    recent = list(shifts.filter(starts_at__lte=now).order_by("-starts_at")[:8])
    return render(
        request,
        "volunteers/matching/assignment_detail.html",
        {"assignment": assignment, "upcoming": upcoming, "recent": recent, "end_form": end_form},
        status=status,
    )


@home_permission("volunteers.manage")
def assignment_detail(request, home_slug, pk):
    assignment = _assignment_or_404(request, pk)
    return _render_detail(request, assignment, AssignmentEndForm() if assignment.is_current else None)


@home_permission("volunteers.manage")
def assignment_edit(request, home_slug, pk):
    assignment = _assignment_or_404(request, pk)
    if not assignment.is_current:
        messages.info(request, "These visits have ended, so they cannot be changed.")
        return redirect(_detail_url(home_slug, assignment.pk))
    initial = {name: getattr(assignment, name) for name in VISIT_FIELDS}
    form = AssignmentEditForm(request.POST or None, home=request.home, assignment=assignment, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.assignment_update(
                home=request.home,
                actor=request.user,
                assignment=assignment,
                version=data.get("version"),
                **{name: data.get(name) for name in VISIT_FIELDS},
            )
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, "The regular visits were changed. The rota shows the new times.")
            return redirect(_detail_url(home_slug, assignment.pk))
    return render(
        request,
        "volunteers/matching/assignment_form.html",
        {
            "form": form,
            "assignment": assignment,
            "volunteer": assignment.volunteer,
            "resident": assignment.resident,
        },
    )


@require_POST
@home_permission("volunteers.manage")
def assignment_end(request, home_slug, pk):
    assignment = _assignment_or_404(request, pk)
    form = AssignmentEndForm(request.POST)
    if form.is_valid():
        try:
            services.assignment_end(
                home=request.home,
                actor=request.user,
                assignment=assignment,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request,
                f"The visits of {assignment.volunteer.full_name} to {assignment.resident.short_name} "
                "have ended. Visits still to come were taken off the rota.",
            )
            return redirect(_detail_url(home_slug, assignment.pk))
    return _render_detail(request, assignment, form)
