"""The rota (who is volunteering when), one shift, logging what happened, and hours."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from carehome.errors import DomainError
from carehome.timeutils import query_date, today
from homes.decorators import home_permission
from homes.submissions import AlreadySaved, already_saved
from volunteers.forms.rota import ShiftForm, ShiftLogForm
from volunteers.selectors import rota as selectors
from volunteers.services import rota as services

# The rota can be looked at this far either side of today.
WEEKS_BACK, WEEKS_AHEAD = 104, 78


def _shift_url(home_slug, pk):
    return reverse("volunteers:shift_detail", kwargs={"home_slug": home_slug, "pk": pk})


def _rota_url(home_slug, day=None):
    url = reverse("volunteers:rota", kwargs={"home_slug": home_slug})
    return f"{url}?week={selectors.monday_of(day).isoformat()}" if day else url


@home_permission("volunteers.rota")
def rota(request, home_slug):
    now_day = today()
    day, problem = query_date(request.GET.get("week"))
    this_monday = selectors.monday_of(now_day)
    monday = selectors.monday_of(day)
    earliest = this_monday - timedelta(weeks=WEEKS_BACK)
    latest = this_monday + timedelta(weeks=WEEKS_AHEAD)
    if not problem and not earliest <= monday <= latest:
        problem = "The rota goes back two years and ahead eighteen months. This shows this week."
        monday = this_monday
    elif problem:
        monday = this_monday
    days = selectors.week_rota(request.home, monday)
    if monday == this_monday:
        in_today = selectors.shifts_on(days, now_day)
    else:
        in_today = selectors.todays_shifts(request.home)
    return render(
        request,
        "volunteers/rota/rota.html",
        {
            "days": days,
            "monday": monday,
            "sunday": monday + timedelta(days=6),
            "problem": problem,
            "in_today": in_today,
            "previous": monday - timedelta(weeks=1) if monday > earliest else None,
            "next": monday + timedelta(weeks=1) if monday < latest else None,
            "this_week": monday == this_monday,
            "today": now_day,
            "can_manage": request.membership.has_perm("volunteers.manage"),
            "shift_count": sum(len(d.shifts) for d in days),
        },
    )


@home_permission("volunteers.rota")
def shift_add(request, home_slug):
    """Put a volunteer on the rota. Staff see the rota; only a co-ordinator
    (``volunteers.manage``) puts people on it."""
    if not request.membership.has_perm("volunteers.manage"):
        raise PermissionDenied
    form = ShiftForm(request.POST or None, home=request.home)
    if request.method == "POST" and form.is_valid():
        try:
            shift = services.shift_create(home=request.home, actor=request.user, **form.cleaned_data)
        except AlreadySaved as saved:
            url = _shift_url(home_slug, saved.record.pk) if saved.record else _rota_url(home_slug)
            return already_saved(request, saved, url)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"{shift.volunteer.full_name} is on the rota for “{shift.title}”.")
            return redirect(_rota_url(home_slug, form.cleaned_data["day"]))
    return render(request, "volunteers/rota/shift_form.html", {"form": form})


def _shift_or_404(request, pk):
    shift = selectors.shift_for_page(request.home, pk)
    if shift is None:
        raise Http404("No such shift here.")
    return shift


@home_permission("volunteers.rota")
def shift_detail(request, home_slug, pk):
    shift = _shift_or_404(request, pk)
    return render(
        request,
        "volunteers/rota/shift_detail.html",
        {
            "shift": shift,
            "can_log": selectors.can_log(shift),
            "can_manage": request.membership.has_perm("volunteers.manage"),
            "minutes_text": selectors.hours_in_words(shift.minutes_given),
        },
    )


@home_permission("volunteers.rota")
def shift_log(request, home_slug, pk):
    """Staff log a visit or shift for the volunteer."""
    shift = _shift_or_404(request, pk)
    if request.method == "POST" and not selectors.can_log(shift):
        # Logged meanwhile (or not started, or cancelled): say so where the shift is.
        messages.info(request, _already(shift) or "This cannot be logged now.")
        return redirect(_shift_url(home_slug, shift.pk))
    form = ShiftLogForm(request.POST or None, shift=shift)
    if request.method == "POST" and form.is_valid():
        try:
            services.shift_log(home=request.home, actor=request.user, shift=shift, **form.cleaned_data)
        except AlreadySaved as saved:
            return already_saved(request, saved, _shift_url(home_slug, shift.pk))
        except DomainError as error:
            error.add_to_form(form)
        else:
            if shift.resident_id:
                done = f"The visit to {shift.resident.short_name} was logged, and is on their connection log."
            else:
                done = "The shift was logged."
            messages.success(request, f"{done} The hours wait for a co-ordinator to confirm them.")
            return redirect(_shift_url(home_slug, shift.pk))
    return render(
        request,
        "volunteers/rota/shift_log.html",
        {"shift": shift, "form": form, "can_log": selectors.can_log(shift), "already": _already(shift)},
    )


def _already(shift):
    return services.already_logged(shift) if shift.logged_at else ""


@home_permission("volunteers.manage")
def hours(request, home_slug):
    waiting, waiting_total = selectors.hours_waiting(request.home)
    return render(
        request,
        "volunteers/rota/hours.html",
        {"waiting": waiting, "waiting_total": waiting_total, "totals": selectors.hours_totals(request.home)},
    )


@require_POST
@home_permission("volunteers.manage")
def hours_confirm(request, home_slug, pk):
    shift = _shift_or_404(request, pk)
    try:
        services.hours_confirm(home=request.home, actor=request.user, shift=shift)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"{selectors.hours_in_words(shift.minutes_given)} confirmed for {shift.volunteer.full_name}. "
            "Thank you for keeping the hours up to date.",
        )
    return redirect("volunteers:hours", home_slug=home_slug)
