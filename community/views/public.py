"""The public programme (no sign-in), for a home that publishes it: this
week and next, a screen for the foyer, and the .ics feed.

Each page finds its home by slug and opens its scope, as the public visiting
page does, and answers 404 unless the home publishes its programme. They
show only what is on, when and where (a space, a partner or a place by
name): never a resident, a member of staff or a volunteer. Nothing here
needs a cookie, so the pages may be cached for a few minutes.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control

from community import ical
from community.selectors import calendars as selectors
from homes.scoping import home_scope

CACHE_SECONDS = 300


def _published_home(slug):
    home = selectors.public_home(slug)
    with home_scope(home):
        if not selectors.published(home):
            raise Http404("This home does not publish its programme.")
    return home


def _cached(response):
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


def programme(request, slug):
    home = _published_home(slug)
    with home_scope(home):
        this_week, next_week = selectors.public_weeks(home)
    context = {"home": home, "this_week": this_week, "next_week": next_week}
    return _cached(render(request, "community/public/programme.html", context))


def screen(request, slug):
    home = _published_home(slug)
    at = timezone.now()
    with home_scope(home):
        days = selectors.screen_days(home, at=at)
    context = {"home": home, "days": days, "at": at, "refresh_seconds": CACHE_SECONDS}
    return _cached(render(request, "community/public/screen.html", context))


def programme_ics(request, slug):
    home = _published_home(slug)
    with home_scope(home):
        occurrences = selectors.feed_occurrences(home, public=True)
        body = ical.programme_ics(home, occurrences, public=True)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{ical.ics_filename(home)}"'
    return _cached(response)
