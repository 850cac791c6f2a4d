"""Calendars people can read: the week's poster for the noticeboard, one
resident's week ("Your week, Peggy"), and the programme as an .ics feed.

The poster and the resident's week are large-print A4 sheets
(static/css/community-print.css): on screen they have a Print button and the
way back; printed, only the sheet.
"""

from datetime import timedelta

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control

from carehome.timeutils import today
from community import ical
from community.forms.calendars import MyWeekChooseForm
from community.selectors import calendars as selectors
from homes.decorators import home_permission


def _week_context(request, monday, problem):
    this_monday = selectors.monday_of(today())
    earliest = this_monday - timedelta(weeks=selectors.WEEKS_BACK)
    latest = this_monday + timedelta(weeks=selectors.WEEKS_AHEAD)
    return {
        "monday": monday,
        "sunday": monday + timedelta(days=6),
        "problem": problem,
        "this_week": monday == this_monday,
        "previous": monday - timedelta(weeks=1) if monday > earliest else None,
        "next": monday + timedelta(weeks=1) if monday < latest else None,
        "this_monday": this_monday,
    }


@home_permission("community.view")
def poster(request, home_slug):
    """The week's programme as a large-print poster for the noticeboard."""
    monday, problem = selectors.week_from_query(request.GET.get("week"))
    days = selectors.week_programme(request.home, monday)
    context = _week_context(request, monday, problem)
    context |= {"days": days, "count": sum(len(d.entries) for d in days)}
    return render(request, "community/calendars/poster.html", context)


@home_permission("community.plan")
def my_week_choose(request, home_slug):
    """Choose a resident and a week for their sheet (a GET form)."""
    form = MyWeekChooseForm(request.GET or None, home=request.home)
    if request.GET and form.is_valid():
        url = reverse(
            "community:my_week",
            kwargs={"home_slug": home_slug, "resident_pk": form.cleaned_data["resident"].pk},
        )
        return redirect(f"{url}?week={form.cleaned_data['week']}")
    residents = list(selectors.current_residents(request.home)) if not request.GET else None
    return render(
        request,
        "community/calendars/my_week_choose.html",
        {"form": form, "residents": residents, "this_monday": selectors.monday_of(today())},
    )


@home_permission("community.plan")
def my_week(request, home_slug, resident_pk):
    """One resident's week, written to them: their visits and calls, their
    families' invitations, their activities, and what else is on."""
    resident = selectors.resident_for_week(request.home, resident_pk)
    if resident is None:
        raise Http404("No such resident living at this home.")
    monday, problem = selectors.week_from_query(request.GET.get("week"))
    week = selectors.resident_week(request.home, resident, monday)
    context = _week_context(request, monday, problem)
    context |= {"resident": resident, "week": week}
    return render(request, "community/calendars/my_week.html", context)


@home_permission("community.view")
def programme_ics(request, home_slug):
    """The programme as an .ics file: the last two weeks and the next eight."""
    occurrences = selectors.feed_occurrences(request.home)
    response = HttpResponse(
        ical.programme_ics(request.home, occurrences), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{ical.ics_filename(request.home)}"'
    patch_cache_control(response, private=True, no_store=True)
    return response
