"""The volunteer's own pages, phone first: their shifts (with "I'll be there"
and "I can't make it"), logging a visit, the residents they visit, when they
are free, and the time they have given.

Everything starts from the signed-in person's own Volunteer record; another
volunteer's shift, a resident they do not visit, or any resident while they
are not clear is a 404, the same answer as a record that does not exist.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from carehome.errors import DomainError
from carehome.versions import EditConflict, show_conflict
from homes.decorators import home_permission
from homes.submissions import AlreadySaved, already_saved
from volunteers.forms.portal import AvailabilityForm, ReplyForm
from volunteers.forms.rota import ShiftLogForm
from volunteers.models import Shift
from volunteers.selectors import portal as selectors
from volunteers.selectors.matching import free_parts, free_words
from volunteers.selectors.rota import can_log, hours_in_words
from volunteers.services import portal as services
from volunteers.services import rota as rota_services

REPLY_STATUSES = (Shift.Status.PLANNED, Shift.Status.CONFIRMED, Shift.Status.DECLINED)


def _me(request):
    return selectors.my_volunteer(request.home, request.user)


def _not_linked(request):
    return render(request, "volunteers/portal/not_linked.html")


def _me_or_404(request):
    volunteer = _me(request)
    if volunteer is None:
        raise Http404("This account is not linked to a volunteer here.")
    return volunteer


def _shift_or_404(request, volunteer, pk):
    shift = selectors.my_shift(request.home, volunteer, pk)
    if shift is None:
        raise Http404("No such shift of yours.")
    return shift


@home_permission("volunteer.portal")
def portal(request, home_slug):
    volunteer = _me(request)
    if volunteer is None:
        return _not_linked(request)
    overview = selectors.portal_overview(request.home, volunteer)
    for shift in overview.upcoming:
        shift.reply_form = ReplyForm(shift=shift)
    return render(request, "volunteers/portal/home.html", {"volunteer": volunteer, "overview": overview})


def _render_shift(request, volunteer, shift, reply_form, status=200):
    return render(
        request,
        "volunteers/portal/shift.html",
        {
            "volunteer": volunteer,
            "shift": shift,
            "reply_form": reply_form,
            "can_log": can_log(shift),
            "can_reply": shift.status in REPLY_STATUSES and shift.starts_at > timezone.now(),
            "minutes": int((shift.ends_at - shift.starts_at).total_seconds() // 60),
        },
        status=status,
    )


@home_permission("volunteer.portal")
def portal_shift(request, home_slug, pk):
    volunteer = _me_or_404(request)
    shift = _shift_or_404(request, volunteer, pk)
    return _render_shift(request, volunteer, shift, ReplyForm(shift=shift))


@require_POST
@home_permission("volunteer.portal")
def portal_shift_reply(request, home_slug, pk):
    volunteer = _me_or_404(request)
    shift = _shift_or_404(request, volunteer, pk)
    form = ReplyForm(request.POST, shift=shift)
    if form.is_valid():
        try:
            rota_services.shift_reply(
                home=request.home,
                actor=request.user,
                volunteer=volunteer,
                shift=shift,
                coming=form.coming,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            if form.coming:
                messages.success(request, "Thank you. The home knows you'll be there.")
            else:
                messages.success(
                    request, "Thank you for letting the home know. They will see it on the rota."
                )
            return redirect("volunteers:portal", home_slug=home_slug)
    return _render_shift(request, volunteer, shift, form)


@home_permission("volunteer.portal")
def portal_log(request, home_slug, pk):
    """Log a visit: the same service staff use, so it reaches the resident's timeline."""
    volunteer = _me_or_404(request)
    shift = _shift_or_404(request, volunteer, pk)
    if request.method == "POST" and not can_log(shift):
        already = rota_services.already_logged(shift) if shift.logged_at else "This cannot be logged now."
        messages.info(request, already)
        return redirect("volunteers:portal_shift", home_slug=home_slug, pk=shift.pk)
    form = ShiftLogForm(request.POST or None, shift=shift)
    if request.method == "POST" and form.is_valid():
        try:
            rota_services.shift_log(home=request.home, actor=request.user, shift=shift, **form.cleaned_data)
        except AlreadySaved as saved:
            return already_saved(
                request, saved, reverse("volunteers:portal", kwargs={"home_slug": home_slug})
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, "Thank you. Your time is logged.")
            return redirect("volunteers:portal", home_slug=home_slug)
    return render(
        request,
        "volunteers/portal/log.html",
        {
            "volunteer": volunteer,
            "shift": shift,
            "form": form,
            "can_log": can_log(shift),
            "already": rota_services.already_logged(shift) if shift.logged_at else "",
        },
    )


@home_permission("volunteer.portal")
def portal_resident(request, home_slug, pk):
    volunteer = _me_or_404(request)
    card = selectors.my_resident(request.home, volunteer, pk)
    if card is None:
        raise Http404("No such resident for you.")
    return render(request, "volunteers/portal/resident.html", {"volunteer": volunteer, "card": card})


@home_permission("volunteer.portal")
def portal_availability(request, home_slug):
    volunteer = _me(request)
    if volunteer is None:
        return _not_linked(request)
    free = free_parts(volunteer.availability.all())
    form = AvailabilityForm(request.POST or None, free=free, version=volunteer.version)
    if request.method == "POST" and form.is_valid():
        try:
            services.availability_set(
                home=request.home,
                actor=request.user,
                volunteer=volunteer,
                version=form.cleaned_data.get("version"),
                free=form.free(),
            )
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, "Thank you. The home can see when you are free.")
            return redirect("volunteers:portal", home_slug=home_slug)
    return render(
        request,
        "volunteers/portal/availability.html",
        {"volunteer": volunteer, "form": form, "free_text": free_words(free)},
    )


@home_permission("volunteer.portal")
def portal_hours(request, home_slug):
    volunteer = _me(request)
    if volunteer is None:
        return _not_linked(request)
    found = selectors.my_hours(request.home, volunteer)
    return render(
        request,
        "volunteers/portal/hours.html",
        {
            "volunteer": volunteer,
            "clear": selectors.clear_to_meet(volunteer),
            "history": found["history"],
            "year_words": hours_in_words(found["year"]["minutes"]),
            "year_minutes": found["year"]["minutes"],
            "ever_words": hours_in_words(found["ever"]["minutes"]),
            "ever_visits": found["ever"]["visits"],
        },
    )
