"""The programme: the week and the month, adding and changing an activity,
taking it off the programme, and one date (its page, moving it, cancelling it).

Connector charity staff (``community.view``) see the programme, activities
and dates, never residents' names; planning needs ``community.plan``."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from carehome.errors import DomainError
from carehome.timeutils import add_months, day_text, query_date
from carehome.versions import EditConflict, show_conflict
from community.forms.programme import (
    ActivityAddForm,
    ActivityEditForm,
    OccurrenceCancelForm,
    OccurrenceMoveForm,
    activity_initial,
)
from community.models import Activity
from community.selectors import programme as selectors
from community.services import programme as services
from homes.decorators import home_permission
from homes.fragments import deferred
from homes.submissions import AlreadySaved, already_saved, submission_seen
from residents.models import Idea

# The programme can be looked at this far either side of today.
WEEKS_BACK, WEEKS_AHEAD = 104, 104
WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _activity_url(home_slug, pk):
    return reverse("community:activity", kwargs={"home_slug": home_slug, "pk": pk})


def _occurrence_url(home_slug, pk):
    return reverse("community:occurrence", kwargs={"home_slug": home_slug, "pk": pk})


def _programme_url(home_slug, day=None):
    url = reverse("community:programme", kwargs={"home_slug": home_slug})
    return f"{url}?week={selectors.monday_of(day).isoformat()}" if day else url


def _common(request):
    return {
        "can_plan": request.membership.has_perm("community.plan"),
        "sees_residents": request.membership.has_perm("residents.view"),
    }


# --- The week and the month ------------------------------------------------------------------


@home_permission("community.view")
def programme(request, home_slug):
    today = timezone.localdate()
    day, problem = query_date(request.GET.get("week"))
    this_monday = selectors.monday_of(today)
    monday = selectors.monday_of(day)
    earliest = this_monday - timedelta(weeks=WEEKS_BACK)
    latest = this_monday + timedelta(weeks=WEEKS_AHEAD)
    if problem:
        monday = this_monday
    elif not earliest <= monday <= latest:
        problem = "The programme goes back two years and ahead two years. This shows this week."
        monday = this_monday
    context = _common(request)

    def make():
        days = selectors.week_programme(request.home, monday)
        return {
            "days": days,
            "date_count": sum(len(d.occurrences) for d in days),
            "ideas": selectors.ideas_waiting(request.home) if context["can_plan"] else [],
        }

    # Listed only when the week is rendered, not when it is served from the cache.
    listed = deferred(make, "days", "date_count", "ideas")
    return render(
        request,
        "community/programme/week.html",
        {
            **context,
            **listed,
            "monday": monday,
            "sunday": monday + timedelta(days=6),
            "problem": problem,
            "previous": monday - timedelta(weeks=1) if monday > earliest else None,
            "next": monday + timedelta(weeks=1) if monday < latest else None,
            "this_week": monday == this_monday,
        },
    )


def _month_from(value, today):
    """(first day of the month, problem) from ``?month=YYYY-MM``."""
    value = (value or "").strip()
    if not value:
        return today.replace(day=1), ""
    try:
        year, month = value.split("-") if value.isascii() else ("", "")
        first = date(int(year), int(month), 1)
    except ValueError:
        return today.replace(day=1), "That month was not recognised, so this shows this month."
    earliest, latest = add_months(today.replace(day=1), -24), add_months(today.replace(day=1), 24)
    if not earliest <= first <= latest:
        return today.replace(day=1), (
            "The programme goes back two years and ahead two years. This shows this month."
        )
    return first, ""


@home_permission("community.view")
def programme_month(request, home_slug):
    today = timezone.localdate()
    first, problem = _month_from(request.GET.get("month"), today)
    days = selectors.month_programme(request.home, first)
    this_month = today.replace(day=1)
    return render(
        request,
        "community/programme/month.html",
        {
            **_common(request),
            "first": first,
            "days": days,
            "weeks": selectors.month_weeks(days),
            "weekday_names": WEEKDAY_NAMES,
            "problem": problem,
            "previous": add_months(first, -1) if first > add_months(this_month, -24) else None,
            "next": add_months(first, 1) if first < add_months(this_month, 24) else None,
            "this_month": first == this_month,
            "date_count": sum(len(d.occurrences) for d in days),
        },
    )


# --- An activity ------------------------------------------------------------------------------


def _idea_initial(request):
    """``?idea=<pk>``: the idea's words and interests to start from (this home's, new or planned)."""
    try:
        pk = int(request.GET.get("idea", ""))
    except ValueError:
        return {}
    idea = (
        Idea.objects.for_home(request.home)
        .filter(pk=pk, status__in=(Idea.Status.NEW, Idea.Status.PLANNED))
        .prefetch_related("interests")
        .first()
    )
    if idea is None:
        return {}
    return {"idea": idea, "title": idea.text[:150], "interests": list(idea.interests.all())}


@home_permission("community.plan")
def activity_add(request, home_slug):
    initial = {} if request.method == "POST" else _idea_initial(request)
    if "kind" in request.GET and request.GET["kind"] in Activity.Kind.values:
        initial["kind"] = request.GET["kind"]
    initial.setdefault("kind", Activity.Kind.IN_HOME)
    form = ActivityAddForm(request.POST or None, home=request.home, initial=initial)
    if request.method == "POST":
        try:
            submission_seen(
                home=request.home, token=form.fields["form_token"].clean(request.POST.get("form_token"))
            )
        except ValidationError:
            pass
        except AlreadySaved as saved:
            url = _activity_url(home_slug, saved.record.pk) if saved.record else _programme_url(home_slug)
            return already_saved(request, saved, url)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(
                home=request.home,
                actor=request.user,
                form_token=form.cleaned_data.get("form_token"),
                **form.activity_data(),
            )
        except AlreadySaved as saved:
            url = _activity_url(home_slug, saved.record.pk) if saved.record else _programme_url(home_slug)
            return already_saved(request, saved, url)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _added_message(activity))
            return redirect(_activity_url(home_slug, activity.pk))
    return render(request, "community/programme/activity_form.html", {"form": form, "activity": None})


def _added_message(activity):
    if activity.kind == Activity.Kind.OUTING:
        return (
            f"“{activity.title}” is on the programme as planned. Before it can be confirmed it needs an "
            "approved risk assessment" + (" and a driver." if activity.needs_minibus else ".")
        )
    return f"“{activity.title}” is on the programme."


def _activity_or_404(request, pk):
    activity = selectors.activity_for_page(request.home, pk)
    if activity is None:
        raise Http404("No such activity at this home.")
    return activity


@home_permission("community.view")
def activity(request, home_slug, pk):
    found = _activity_or_404(request, pk)
    return render(request, "community/programme/activity.html", {**_common(request), "activity": found})


@home_permission("community.plan")
def activity_edit(request, home_slug, pk):
    found = _activity_or_404(request, pk)
    if found.ended_at is not None:
        messages.info(request, services.ALREADY_ENDED)
        return redirect(_activity_url(home_slug, found.pk))
    form = ActivityEditForm(
        request.POST or None, home=request.home, activity=found, initial=activity_initial(found)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(
                home=request.home,
                actor=request.user,
                activity=found,
                version=form.cleaned_data.get("version"),
                **form.activity_data(),
            )
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            title = form.cleaned_data["title"]
            messages.success(request, f"“{title}” was saved. Its dates to come follow the change.")
            return redirect(_activity_url(home_slug, found.pk))
    return render(request, "community/programme/activity_form.html", {"form": form, "activity": found})


@home_permission("community.plan")
def activity_end(request, home_slug, pk):
    found = _activity_or_404(request, pk)
    if request.method == "POST":
        try:
            services.activity_end(home=request.home, actor=request.user, activity=found)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"“{found.title}” is off the programme. Its dates to come are cancelled and their "
                "spaces are free.",
            )
        return redirect(_activity_url(home_slug, found.pk))
    return render(request, "community/programme/activity_end.html", {"activity": found})


# --- One date ---------------------------------------------------------------------------------


def _occurrence_or_404(request, pk):
    occurrence = selectors.occurrence_for_page(request.home, pk)
    if occurrence is None:
        raise Http404("No such date at this home.")
    return occurrence


@home_permission("community.view")
def occurrence(request, home_slug, pk):
    found = _occurrence_or_404(request, pk)
    now = timezone.now()
    return render(
        request,
        "community/programme/occurrence.html",
        {
            **_common(request),
            "occurrence": found,
            "activity": found.activity,
            "can_change": found.status != found.Status.CANCELLED and found.starts_at > now,
        },
    )


@home_permission("community.plan")
def occurrence_edit(request, home_slug, pk):
    found = _occurrence_or_404(request, pk)
    if found.status == found.Status.CANCELLED or found.starts_at <= timezone.now():
        messages.info(request, services.DATE_CANCELLED if found.cancelled_at else services.DATE_PASSED)
        return redirect(_occurrence_url(home_slug, found.pk))
    starts, ends = timezone.localtime(found.starts_at), timezone.localtime(found.ends_at)
    initial = {
        "day": starts.date(),
        "starts": starts.time(),
        "ends": ends.time(),
        "note": found.note,
        "version": found.version,
    }
    form = OccurrenceMoveForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            moved = services.occurrence_move(
                home=request.home,
                actor=request.user,
                occurrence=found,
                day=data["day"],
                starts=data["starts"],
                ends=data["ends"],
                note=data["note"],
                version=data.get("version"),
            )
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request,
                f"“{found.activity.title}” is now on {day_text(moved.starts_at, 'l j F')} at "
                f"{timezone.localtime(moved.starts_at):%H:%M}. The people told about it will be told again.",
            )
            return redirect(_occurrence_url(home_slug, found.pk))
    return render(request, "community/programme/occurrence_edit.html", {"form": form, "occurrence": found})


@home_permission("community.plan")
def occurrence_cancel(request, home_slug, pk):
    found = _occurrence_or_404(request, pk)
    if found.status == found.Status.CANCELLED or found.ends_at <= timezone.now():
        messages.info(
            request, "This date is already cancelled." if found.cancelled_at else services.DATE_PASSED
        )
        return redirect(_occurrence_url(home_slug, found.pk))
    form = OccurrenceCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.occurrence_cancel(
                home=request.home, actor=request.user, occurrence=found, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request,
                f"“{found.activity.title}” on {day_text(found.starts_at, 'l j F')} is cancelled. "
                "The people told about it will be told.",
            )
            return redirect(_occurrence_url(home_slug, found.pk))
    return render(request, "community/programme/occurrence_cancel.html", {"form": form, "occurrence": found})
