"""iCalendar (.ics) files for visits and calls: one visit (the email
attachment and the download) or a relative's whole feed.

Times carry the TZID of ``settings.TIME_ZONE`` (Europe/London) with its VTIMEZONE, so a calendar shows 10:00
as 10:00 on either side of a clock change. UID is stable per visit and
SEQUENCE goes up on every change, so calendars update the event in place.
"""

from datetime import UTC

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vText

from visits.models import Visit

PRODID = "-//Kith//Visits//EN"


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
    calendar.add_missing_timezones()
    return calendar.to_ical()


def visit_ics(visit, *, method="PUBLISH"):
    """One visit's .ics: PUBLISH while booked, CANCEL once cancelled."""
    if visit.status == Visit.Status.CANCELLED:
        method = "CANCEL"
    return calendar_bytes([visit], method=method)


def ics_filename(visit):
    return f"visit-{timezone.localtime(visit.starts_at):%Y-%m-%d-%H%M}.ics"
