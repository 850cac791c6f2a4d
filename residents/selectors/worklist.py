""" "Who needs connection now": the home's daily list for the shift.

Everything comes from a fixed handful of queries, whatever the size of the
home: the settings, one query over the residents (their last meaningful
connection and their last visit from someone who matters, as subqueries), one
over the people who matter (their last contact), and the open support flags.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format

from residents.models import (
    MEANINGFUL_RESPONSES,
    Connection,
    ConnectionParticipant,
    PersonWhoMatters,
    Resident,
)
from residents.selectors.peers import open_support_flags
from residents.selectors.settings import connection_settings_for
from residents.selectors.visited import last_visit, no_visit_since
from residents.selectors.wellbeing import last_measured_on, loneliness_due_on

LIVING_HERE = (Resident.Status.CURRENT, Resident.Status.HOSPITAL)

# How often, as a resident would say it ("weekly calls").
HOW_OFTEN = {
    PersonWhoMatters.Frequency.DAILY: "daily",
    PersonWhoMatters.Frequency.TWICE_WEEKLY: "twice-weekly",
    PersonWhoMatters.Frequency.WEEKLY: "weekly",
    PersonWhoMatters.Frequency.FORTNIGHTLY: "fortnightly",
    PersonWhoMatters.Frequency.MONTHLY: "monthly",
}


def _last_meaningful():
    return (
        ConnectionParticipant.objects.filter(
            resident=OuterRef("pk"),
            response__in=MEANINGFUL_RESPONSES,
            connection__struck_out_at__isnull=True,  # a struck-out entry does not count
        )
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )


def _residents(home, now, no_visitor_days):
    """Residents living here, with their last meaningful connection, their last
    visit and whether they have had no visit in ``no_visitor_days`` — "a
    visit" and "no visit" as ``residents.selectors.visited`` defines them
    (a stay in hospital is not a gap in visiting)."""
    return (
        Resident.objects.for_home(home)
        .filter(status__in=LIVING_HERE)
        .annotate(last_meaningful=Subquery(_last_meaningful()), last_visit=last_visit(now))
        .annotate(
            no_visit=ExpressionWrapper(no_visit_since(now, no_visitor_days), output_field=BooleanField())
        )
    )


def _quiet(quiet_since):
    return Q(last_meaningful__isnull=True) | Q(last_meaningful__lt=quiet_since)


def _overdue_people(home, now):
    """People who matter whose contact is overdue against the resident's wish.
    Filtered in the database for the usual frequencies; any other number of
    days is checked here, so the answer is the same either way."""
    last_contact = (
        Connection.objects.filter(person=OuterRef("pk"), struck_out_at__isnull=True)
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )
    usual = PersonWhoMatters.Frequency.values
    overdue = ~Q(contact_every_days__in=usual)
    for days in usual:
        overdue |= Q(contact_every_days=days, since__lt=now - timedelta(days=days))
    people = (
        PersonWhoMatters.objects.for_home(home)
        .filter(is_active=True, contact_every_days__isnull=False, resident__status__in=LIVING_HERE)
        .annotate(last_contact=Subquery(last_contact))
        .annotate(since=Coalesce("last_contact", "created_at"))
        .filter(overdue)
        .select_related("resident")
    )
    return [
        p for p in people if p.contact_every_days and p.since < now - timedelta(days=p.contact_every_days)
    ]


def days_ago(moment, today):
    """ "today", "yesterday", "12 days ago"."""
    days = (today - timezone.localdate(moment)).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{days} days ago"


def preferred_ways(person):
    """The ways a person likes to keep in touch, as plain words ("calls or visits")."""
    ways = [
        label
        for flag, label in [
            (person.by_visit, "visits"),
            (person.by_phone, "calls"),
            (person.by_video, "video calls"),
            (person.by_letter, "letters"),
        ]
        if flag
    ]
    if not ways:
        return "contact"
    if len(ways) == 1:
        return ways[0]
    return ", ".join(ways[:-1]) + " or " + ways[-1]


def contact_wish(person):
    """e.g. "Peggy would like weekly calls with Jane Baxter (daughter)"."""
    ways = preferred_ways(person)
    how_often = HOW_OFTEN.get(person.contact_every_days)
    if how_often:
        wish = f"{how_often} {ways}"
    elif person.contact_every_days == PersonWhoMatters.Frequency.NOW_AND_THEN:
        wish = f"{ways} now and then"
    else:
        wish = f"{ways} every {person.contact_every_days} days"
    relationship = f" ({person.relationship})" if person.relationship else ""
    return f"{person.resident.short_name} would like {wish} with {person.name}{relationship}"


def _when_text(moment, today, *, none):
    """ "3 November (12 days ago)", or ``none``."""
    if moment is None:
        return none
    return f"{date_format(timezone.localdate(moment), 'j F')} ({days_ago(moment, today)})"


@dataclass
class Overdue:
    person: PersonWhoMatters
    wish: str
    last: str
    late_by_days: int


@dataclass
class Worklist:
    settings: object
    today: object
    quiet: list = field(default_factory=list)
    quiet_in_hospital: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    no_visits: list = field(default_factory=list)
    support: list = field(default_factory=list)
    no_supporter: list = field(default_factory=list)
    loneliness_due: list = field(default_factory=list)

    @property
    def quiet_count(self):
        return len(self.quiet) + len(self.quiet_in_hospital)

    @property
    def total(self):
        return len(self.quiet) + len(self.quiet_in_hospital) + len(self.overdue) + len(self.no_visits)


def worklist_for(home, *, now=None):
    """Who needs connection now, in six sections. Five queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    settings = connection_settings_for(home)
    quiet_since = now - timedelta(days=settings.quiet_days)
    work = Worklist(settings=settings, today=today)

    residents = (
        _residents(home, now, settings.no_visitor_days)
        .annotate(
            has_people=Exists(
                PersonWhoMatters.objects.filter(resident=OuterRef("pk"), is_active=True).values("pk")
            )
        )
        .filter(_quiet(quiet_since) | Q(no_visit=True))
        .select_related("key_worker")
        .order_by("full_name", "pk")
    )
    for r in residents:
        r.last_meaningful_text = _when_text(r.last_meaningful, today, none="never recorded")
        r.last_visit_text = _when_text(r.last_visit, today, none="none recorded")
        if r.last_meaningful is None or r.last_meaningful < quiet_since:
            (work.quiet_in_hospital if r.status == Resident.Status.HOSPITAL else work.quiet).append(r)
        if r.no_visit:
            work.no_visits.append(r)
    # Never recorded first, then the longest quiet.
    work.quiet.sort(key=lambda r: (r.last_meaningful is not None, r.last_meaningful or now, r.full_name))

    for person in _overdue_people(home, now):
        if person.last_contact:
            last = f"last contact {days_ago(person.last_contact, today)}"
        else:
            added = date_format(timezone.localdate(person.created_at), "j M Y")
            last = f"no contact recorded since they were added on {added}"
        late_by = (now - person.since).days - person.contact_every_days
        work.overdue.append(
            Overdue(person=person, wish=contact_wish(person), last=last, late_by_days=late_by)
        )
    work.overdue.sort(key=lambda o: (-o.late_by_days, o.person.resident.full_name, o.person.name))

    work.support = list(open_support_flags(home))
    _supporters_and_checks(home, work, today, settings)
    return work


def _supporters_and_checks(home, work, today, settings):
    """Anne's Law: who has no essential care supporter named in their plan;
    and whose loneliness questions are due (the home's interval). One query."""
    residents = (
        Resident.objects.for_home(home)
        .filter(status__in=LIVING_HERE)
        .annotate(
            has_supporter=Exists(
                PersonWhoMatters.objects.filter(
                    resident=OuterRef("pk"), is_active=True, essential_care_supporter=True
                ).values("pk")
            ),
            last_measured=last_measured_on(),
        )
        .order_by("full_name", "pk")
    )
    for r in residents:
        if not r.has_supporter:
            work.no_supporter.append(r)
        if r.status != Resident.Status.CURRENT:
            continue  # asked when they are back from hospital
        r.loneliness_due_on = loneliness_due_on(
            last_on=r.last_measured, admitted_on=r.admitted_on, every_days=settings.loneliness_every_days
        )
        if r.loneliness_due_on <= today:
            r.last_measured_text = date_format(r.last_measured, "j F Y") if r.last_measured else "never asked"
            work.loneliness_due.append(r)
    work.loneliness_due.sort(key=lambda r: (r.loneliness_due_on, r.full_name))


def worklist_counts(home, *, now=None):
    """The numbers for the dashboard panel. Three queries."""
    now = now or timezone.now()
    settings = connection_settings_for(home)
    counts = _residents(home, now, settings.no_visitor_days).aggregate(
        quiet=Count("pk", filter=_quiet(now - timedelta(days=settings.quiet_days))),
        no_visits=Count("pk", filter=Q(no_visit=True)),
    )
    counts["overdue"] = len(_overdue_people(home, now))
    counts["quiet_days"] = settings.quiet_days
    counts["no_visitor_days"] = settings.no_visitor_days
    return counts
