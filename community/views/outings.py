"""Outings and who comes: the risk assessment and its approval, booking a
driver, confirming a date, inviting residents and their families, and
recording attendance. Thin: forms parse, services write, selectors read."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from carehome.errors import DomainError
from carehome.versions import EditConflict, show_conflict
from community import rules
from community.forms.outings import (
    NO_DRIVER,
    AnswerForm,
    ApproveForm,
    AttendanceForm,
    DriverForm,
    FamiliesForm,
    HazardFormSet,
    InviteForm,
    RiskAssessmentForm,
    hazard_initial,
)
from community.models import Attendee
from community.selectors import outings as selectors
from community.services import attendance as attendance_services
from community.services import outings as services
from homes.decorators import home_permission
from homes.submissions import AlreadySaved, already_saved, submission_seen
from volunteers.models import Driver


def _occurrence_or_404(request, pk):
    occurrence = selectors.occurrence_for_page(request.home, pk)
    if occurrence is None:
        raise Http404("No such date at this home.")
    return occurrence


def _outing_or_404(request, pk):
    activity = selectors.outing_for_risk(request.home, pk)
    if activity is None:
        raise Http404("No such outing at this home.")
    return activity


def date_url(home_slug, occurrence):
    """The date's own page (the programme area's); until it exists, who comes."""
    try:
        return reverse("community:occurrence", kwargs={"home_slug": home_slug, "pk": occurrence.pk})
    except NoReverseMatch:
        return reverse("community:occurrence_invite", kwargs={"home_slug": home_slug, "pk": occurrence.pk})


def _risk_url(home_slug, activity):
    return reverse("community:risk_assessment", kwargs={"home_slug": home_slug, "pk": activity.pk})


# --- The risk assessment ------------------------------------------------------------------------


@home_permission("community.plan")
def risk_assessment(request, home_slug, pk):
    activity = _outing_or_404(request, pk)
    assessment, hazards = selectors.assessment_and_hazards(activity)
    initial = {"version": assessment.version if assessment else 0}
    if assessment is not None:
        initial.update(
            summary=assessment.summary,
            emergency_plan=assessment.emergency_plan,
            review_on=assessment.review_on,
        )
    form = RiskAssessmentForm(request.POST or None, initial=initial)
    formset = HazardFormSet(request.POST or None, initial=hazard_initial(hazards), prefix="hazard")
    if request.method == "POST" and form.is_valid() & formset.is_valid():
        try:
            saved, removed = services.risk_assessment_save(
                home=request.home,
                actor=request.user,
                activity=activity,
                summary=form.cleaned_data["summary"],
                emergency_plan=form.cleaned_data["emergency_plan"],
                review_on=form.cleaned_data["review_on"],
                hazards=formset.hazards(),
                version=form.cleaned_data.get("version"),
            )
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            if removed:
                messages.warning(
                    request,
                    "The risk assessment was saved. It had been approved: because it changed, it needs "
                    "approving again before the outing can be confirmed.",
                )
            else:
                messages.success(request, "The risk assessment was saved.")
            return redirect(_risk_url(home_slug, activity))
    return render(
        request,
        "community/outings/risk.html",
        {
            "activity": activity,
            "assessment": assessment,
            "hazards": hazards,
            "form": form,
            "formset": formset,
            "dates": selectors.next_dates(request.home, activity),
        },
    )


@home_permission("outings.approve")
def risk_approve(request, home_slug, pk):
    activity = _outing_or_404(request, pk)
    assessment, hazards = selectors.assessment_and_hazards(activity)
    form = ApproveForm(request.POST or None, initial={"version": assessment.version if assessment else 0})
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_approve(
                home=request.home,
                actor=request.user,
                activity=activity,
                version=form.cleaned_data.get("version"),
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"The risk assessment for “{activity.title}” is approved.")
            return redirect(_risk_url(home_slug, activity))
    problems = services.approval_problems(assessment, hazards) if assessment else [services.NOT_WRITTEN]
    return render(
        request,
        "community/outings/approve.html",
        {
            "activity": activity,
            "assessment": assessment,
            "hazards": hazards,
            "form": form,
            "problems": problems,
        },
    )


# --- The driver --------------------------------------------------------------------------------


@home_permission("community.plan")
def occurrence_driver(request, home_slug, pk):
    occurrence = _occurrence_or_404(request, pk)
    if not occurrence.activity.needs_minibus:
        raise Http404("This date does not go in the minibus.")
    found = selectors.trip_drivers(request.home, occurrence)
    choosable = found.available + found.not_free
    initial = {"driver": str(occurrence.driver_id) if occurrence.driver_id else NO_DRIVER}
    form = DriverForm(request.POST or None, drivers=choosable + found.out, initial=initial)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["driver"]
        driver = None
        if chosen != NO_DRIVER:
            driver = Driver.objects.for_home(request.home).filter(pk=int(chosen)).first()
        try:
            saved, unconfirmed = services.occurrence_driver_set(
                home=request.home, actor=request.user, occurrence=occurrence, driver=driver
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            if unconfirmed:
                messages.warning(request, "No driver is booked now, so the outing is no longer confirmed.")
            elif saved.driver_id:
                messages.success(request, f"{saved.driver.name} is booked to drive.")
            else:
                messages.success(request, "No driver is booked.")
            return redirect(date_url(home_slug, occurrence))
    return render(
        request,
        "community/outings/driver.html",
        {"occurrence": occurrence, "found": found, "form": form, "date_url": date_url(home_slug, occurrence)},
    )


# --- Confirming --------------------------------------------------------------------------------


@home_permission("community.plan")
def occurrence_confirm(request, home_slug, pk):
    occurrence = _occurrence_or_404(request, pk)
    errors = []
    if request.method == "POST":
        try:
            services.occurrence_confirm(home=request.home, actor=request.user, occurrence=occurrence)
        except rules.NotConfirmable as error:
            errors = [b.message for b in error.blockers]
        except DomainError as error:
            errors = [error.message]
        else:
            messages.success(request, f"“{occurrence.activity.title}” is confirmed. Reminders will go out.")
            return redirect(date_url(home_slug, occurrence))
    blockers = rules.confirm_blockers(occurrence)
    return render(
        request,
        "community/outings/confirm.html",
        {
            "occurrence": occurrence,
            "blockers": blockers,
            "errors": errors,
            "date_url": date_url(home_slug, occurrence),
        },
        status=200,
    )


# --- Residents ---------------------------------------------------------------------------------


@home_permission("community.plan")
def occurrence_invite(request, home_slug, pk):
    occurrence = _occurrence_or_404(request, pk)
    rows = selectors.invite_suggestions(request.home, occurrence)
    to_invite = [row.resident for row in rows if row.attendee is None]
    form = InviteForm(request.POST if "invite" in request.POST else None, residents=to_invite)
    answer_form = AnswerForm(request.POST if "answer" in request.POST else None)
    if request.method == "POST" and "answer" in request.POST:
        if answer_form.is_valid():
            attendee = (
                Attendee.objects.for_home(request.home)
                .filter(occurrence=occurrence, pk=answer_form.cleaned_data["attendee"])
                .select_related("resident", "occurrence")
                .first()
            )
            if attendee is None:
                answer_form.add_error(None, "That resident is not invited to this date.")
            else:
                try:
                    attendance_services.attendee_answer_set(
                        home=request.home,
                        actor=request.user,
                        attendee=attendee,
                        answer=answer_form.cleaned_data["answer"],
                    )
                except DomainError as error:
                    error.add_to_form(answer_form)
                else:
                    name = attendee.resident.short_name
                    if answer_form.cleaned_data["answer"] == Attendee.Answer.COMING:
                        messages.success(request, f"Noted: {name} would like to come.")
                    else:
                        messages.success(
                            request, f"Noted: {name} would rather not. Their place is free again."
                        )
                    return redirect("community:occurrence_invite", home_slug=home_slug, pk=occurrence.pk)
    elif request.method == "POST" and form.is_valid():
        chosen = {int(pk) for pk in form.cleaned_data["residents"]}
        residents = [r for r in to_invite if r.pk in chosen]
        try:
            made = attendance_services.attendees_invite(
                home=request.home, actor=request.user, occurrence=occurrence, residents=residents
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"{len(made)} resident{'' if len(made) == 1 else 's'} invited.")
            return redirect("community:occurrence_invite", home_slug=home_slug, pk=occurrence.pk)
    invited = sorted(
        (row for row in rows if row.attendee is not None), key=lambda row: row.resident.full_name.lower()
    )
    suggested = [row for row in rows if row.attendee is None and row.suggested]
    others = [row for row in rows if row.attendee is None and not row.suggested]
    taken = sum(1 for row in invited if row.attendee.answer != Attendee.Answer.NOT_COMING)
    return render(
        request,
        "community/outings/invite.html",
        {
            "occurrence": occurrence,
            "invited": invited,
            "suggested": suggested,
            "others": others,
            "form": form,
            "answer_form": answer_form,
            "taken": taken,
            "left": max(occurrence.activity.capacity - taken, 0),
            "started": occurrence.starts_at <= timezone.now(),
            "date_url": date_url(home_slug, occurrence),
            "lately_days": selectors.LATELY_DAYS,
        },
    )


@home_permission("community.plan")
def occurrence_families(request, home_slug, pk):
    occurrence = _occurrence_or_404(request, pk)
    rows = selectors.family_rows(request.home, occurrence)
    can_invite = [row.attendee.resident for row in rows if row.links and not row.invited]
    form = FamiliesForm(request.POST or None, residents=can_invite)
    if request.method == "POST":
        try:
            # Sent again after it was saved: the family is no longer a choice, so
            # answer before the form refuses them.
            try:
                submission_seen(
                    home=request.home, token=form.fields["form_token"].clean(request.POST.get("form_token"))
                )
            except ValidationError:
                pass
            if form.is_valid():
                chosen = {int(pk) for pk in form.cleaned_data["residents"]}
                events, skipped = attendance_services.families_invite(
                    home=request.home,
                    actor=request.user,
                    occurrence=occurrence,
                    residents=[r for r in can_invite if r.pk in chosen],
                    message=form.cleaned_data["message"],
                    form_token=form.cleaned_data.get("form_token"),
                )
                messages.success(
                    request,
                    f"{len(events)} famil{'y' if len(events) == 1 else 'ies'} invited. "
                    "Their replies will show here.",
                )
                return redirect("community:occurrence_families", home_slug=home_slug, pk=occurrence.pk)
        except AlreadySaved as saved:
            return already_saved(
                request,
                saved,
                reverse(
                    "community:occurrence_families", kwargs={"home_slug": home_slug, "pk": occurrence.pk}
                ),
            )
        except DomainError as error:
            error.add_to_form(form)
    return render(
        request,
        "community/outings/families.html",
        {
            "occurrence": occurrence,
            "rows": rows,
            "form": form,
            "can_invite": can_invite,
            "started": occurrence.starts_at <= timezone.now(),
            "date_url": date_url(home_slug, occurrence),
        },
    )


# --- Attendance --------------------------------------------------------------------------------


@home_permission("community.plan")
def occurrence_attendance(request, home_slug, pk):
    occurrence = _occurrence_or_404(request, pk)
    started = occurrence.starts_at <= timezone.now()
    attendees, others = selectors.attendance_rows(request.home, occurrence)
    initial_rows = {a.resident_id: (a.response, a.note) for a in attendees}
    form = AttendanceForm(
        request.POST or None if started else None,
        attendees=attendees,
        residents=others,
        initial_rows=initial_rows,
    )
    if request.method == "POST" and started and form.is_valid():
        try:
            attendance_services.attendance_record(
                home=request.home,
                actor=request.user,
                membership=request.membership,
                occurrence=occurrence,
                rows=form.rows(),
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request,
                "Attendance was recorded. It is in the connection log and on each resident's timeline.",
            )
            return redirect(date_url(home_slug, occurrence))
    return render(
        request,
        "community/outings/attendance.html",
        {
            "occurrence": occurrence,
            "form": form,
            "started": started,
            "invited_rows": [r for r in form.rows_for_template() if r[1]],
            "other_rows": [r for r in form.rows_for_template() if not r[1]],
            "date_url": date_url(home_slug, occurrence),
        },
    )
