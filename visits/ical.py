"""iCalendar (.ics) files for visits and calls: one visit (the email
attachment and the download) or a relative's whole feed.

Times carry the TZID of ``settings.TIME_ZONE`` (Europe/London) with its VTIMEZONE, so a calendar shows 10:00
as 10:00 on either side of a clock change. UID is stable per visit and
SEQUENCE goes up on every change, so calendars update the event in place.

Building a VTIMEZONE from zoneinfo (decades of RDATEs) and serializing it
costs several milliseconds, and a booking email attaches one .ics each, so
each zone's VTIMEZONE is built and serialized once per process and spliced in.
"""

from datetime import UTC
from functools import lru_cache

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, vText

from visits.models import Visit

PRODID = "-//Kith//Visits//EN"


@lru_cache(maxsize=8)
def vtimezone_ical(tzid):
    """``tzid``'s VTIMEZONE as serialized bytes, built once per process.

    Bytes, not a component, so no caller can change the shared copy.
    Empty for a zone icalendar cannot build, which it would leave out too.
    """
    try:
        return Timezone.from_tzid(tzid).to_ical()
    except ValueError:
        return b""


def with_timezones(calendar):
    """``calendar.to_ical()`` with a VTIMEZONE for each TZID its events use.

    The same output as ``add_missing_timezones()``: the VTIMEZONEs come
    first among the components, before the events that refer to them.
    """
    body = calendar.to_ical()
    zones = b"".join(vtimezone_ical(tzid) for tzid in sorted(calendar.get_missing_tzids()))
    if not zones:
        return body
    # Content lines are folded and escaped, so a line starting "BEGIN:" is
    # always a component: the first one after BEGIN:VCALENDAR is the first event.
    head, found, rest = body.partition(b"\r\nBEGIN:")
    return head + b"\r\n" + zones + b"BEGIN:" + rest if found else body


def summary(visit):
    name = visit.resident.short_name
    if visit.kind == Visit.Kind.VIDEO_CALL:
        return f"Video call with {name} at {visit.home.name}"
    if visit.kind == Visit.Kind.PHONE_CALL:
        return f"Phone call with {name} at {visit.home.name}"
    return f"Visit to {name} at {visit.home.name}"


def location(visit):
    home = visit.home
    address = ", ".join(part for part in [*home.address.splitlines(), home.postcode] if part.strip())
    parts = [visit.space.name if visit.space_id else "", home.name, address]
    return ", ".join(part for part in parts if part)


def visit_url(visit):
    return settings.SITE_URL + reverse("visits:visit_detail", args=[visit.home.slug, visit.pk])


def visit_event(visit, *, cancelled=False):
    event = Event()
    event.add("uid", f"{visit.uid}@kith")
    event.add("sequence", visit.sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", timezone.localtime(visit.starts_at))
    event.add("dtend", timezone.localtime(visit.ends_at))
    event.add("summary", summary(visit))
    event.add("location", vText(location(visit)))
    lines = [f"{visit.get_kind_display()} booked for {visit.visitor_name}."]
    if visit.meal != Visit.Meal.NONE:
        lines.append(f"Meal: {visit.get_meal_display()}.")
    lines.append(f"See, change or cancel it: {visit_url(visit)}")
    event.add("description", "\n".join(lines))
    event.add("url", visit_url(visit))
    cancelled = cancelled or visit.status == Visit.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if visit.home.email:
        event.add("organizer", f"mailto:{visit.home.email}", parameters={"CN": visit.home.name})
    return event


def calendar_bytes(visits, *, method=None, name=None):
    """A VCALENDAR holding ``visits`` (a list), with the London VTIMEZONE."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    for visit in visits:
        calendar.add_component(visit_event(visit, cancelled=method == "CANCEL"))
    return with_timezones(calendar)


def visit_ics(visit, *, method="PUBLISH"):
    """One visit's .ics: PUBLISH while booked, CANCEL once cancelled."""
    if visit.status == Visit.Status.CANCELLED:
        method = "CANCEL"
    return calendar_bytes([visit], method=method)


def ics_filename(visit):
    return f"visit-{timezone.localtime(visit.starts_at):%Y-%m-%d-%H%M}.ics"
