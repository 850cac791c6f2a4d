"""iCalendar (.ics) feeds of a home's programme: the staff feed and the
public one (when the home publishes its programme).

As for visits (``visits.ical``): times carry the TZID of
``settings.TIME_ZONE`` with its VTIMEZONE; each date's UID is its
``Occurrence.uid`` and SEQUENCE its ``sequence``, so a calendar updates a
changed date in place; a cancelled date stays in the feed as
STATUS:CANCELLED, so calendars that have it drop it. A date not confirmed
yet is TENTATIVE.

No feed names a person: an event says what, when and where (the words
``community.selectors.calendars.entry_of`` gives the pages), never who is
coming, leading or driving, and never the free-text description.
"""

from datetime import UTC

from django.utils import timezone
from icalendar import Calendar, Event, vText

from community.models import Occurrence
from community.selectors.calendars import entry_of
from visits.ical import with_timezones

PRODID = "-//Kith//Programme//EN"
STATUS = {
    Occurrence.Status.PLANNED: "TENTATIVE",
    Occurrence.Status.CONFIRMED: "CONFIRMED",
    Occurrence.Status.CANCELLED: "CANCELLED",
}


def occurrence_event(occurrence, *, public=False, stamp=None):
    entry = entry_of(occurrence, public=public)
    event = Event()
    event.add("uid", f"{occurrence.uid}@kith")
    event.add("sequence", occurrence.sequence)
    event.add("dtstamp", stamp or timezone.now().astimezone(UTC))
    event.add("dtstart", timezone.localtime(occurrence.starts_at))
    event.add("dtend", timezone.localtime(occurrence.ends_at))
    event.add("summary", entry.title)
    if entry.where:
        event.add("location", vText(entry.where))
    lines = [*entry.marks]
    if occurrence.status == Occurrence.Status.CANCELLED:
        lines.append("Cancelled")
    elif entry.to_be_confirmed:
        lines.append("To be confirmed")
    if lines:
        event.add("description", ". ".join(lines) + ".")
    event.add("status", STATUS[occurrence.status])
    return event


def programme_ics(home, occurrences, *, public=False):
    """A VCALENDAR of ``occurrences`` (loaded with their activity and place), named for the home."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{home.name}: activities and outings")
    calendar.add("x-published-ttl", "PT1H")
    stamp = timezone.now().astimezone(UTC)
    for occurrence in occurrences:
        calendar.add_component(occurrence_event(occurrence, public=public, stamp=stamp))
    return with_timezones(calendar)


def ics_filename(home):
    return f"{home.slug}-programme.ics"
