"""Named examples from the records for a self-evaluation's period: beside
each figure, a few real moments that show it (the newest first).

Residents are shown by their initials ("M. E.") unless the manager chooses
to name them (the evidence pack's "names" choice); the people who matter by
their relationship to the resident; volunteers not at all. Notes are quoted
as staff wrote them.

A moment about a resident is an example only while they have a live consent
to taking part in evaluation examples (``ConsentPurpose.EVALUATION_EXAMPLES``,
read when the examples are made): someone who withdrew it is in none, not
even as the other resident in someone else's moment (its note may name them).

One query per kind of record, whatever the period or the home's size
(``QUERIES``), each limited to the few examples shown, and one for the
consents.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.formats import date_format

from community.models import Occurrence, PartnerContact, Story
from residents.models import (
    MEANINGFUL_RESPONSES,
    Connection,
    ConnectionParticipant,
    ConsentPurpose,
    CoproductionSession,
    Friendship,
    Idea,
)
from residents.selectors.consent import consented
from visits.models import RestrictionReview
from volunteers.models import Shift, TrainingRecord
from volunteers.selectors.rota import hours_in_words

PER_MEASURE = 3
QUOTE_CHARS = 160
QUERIES = 11


@dataclass(frozen=True)
class Example:
    measure: str
    when: object  # a date
    text: str


def initials(full_name):
    """ "Margaret Ellis" → "M. E."."""
    words = [w for w in full_name.replace("-", " ").split() if w[:1].isalpha()]
    if not words:
        return "a resident"
    picked = words if len(words) <= 2 else [words[0], words[-1]]
    return " ".join(f"{w[0].upper()}." for w in picked)


def _n(count, word):
    """e.g. "1 resident", "3 residents"."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def _quote(text):
    text = " ".join(text.split())
    if len(text) > QUOTE_CHARS:
        text = text[: QUOTE_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return f"\u201c{text}\u201d"


def _day(moment):
    return timezone.localdate(moment) if isinstance(moment, datetime) else moment


def _on(day):
    return date_format(day, "j F")


def _bounds(start, end):
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz),
    )


def _connections(home, since, until, who, allowed):
    """Meaningful moments from the connection log with a note: visits, video
    calls, time with other residents and the rest (one query)."""
    found = {}
    parts = (
        ConnectionParticipant.objects.for_home(home)
        .filter(
            resident_id__in=allowed,
            occurred_at__gte=since,
            occurred_at__lt=until,
            response__in=MEANINGFUL_RESPONSES,
            connection__struck_out_at__isnull=True,
        )
        .exclude(connection__note="")
        .select_related("resident", "connection", "connection__person", "connection__other_resident")
        .order_by("-occurred_at", "-pk")[:60]
    )
    for part in parts:
        c = part.connection
        name = who(part.resident)
        if c.with_whom == Connection.WithWhom.PERSON and c.person is not None:
            relation = f"their {c.person.relationship}" if c.person.relationship else "someone who matters"
            if c.mode == Connection.Mode.IN_PERSON:
                key, text = "visits_per_week", f"{name} was visited by {relation}"
            elif c.mode == Connection.Mode.VIDEO:
                key, text = "technology", f"{name} had a video call with {relation}"
            else:
                key, text = "contact_against_wish", f"{name}: {c.get_mode_display().lower()} with {relation}"
        elif c.with_whom == Connection.WithWhom.RESIDENT:
            if c.other_resident_id is not None and c.other_resident_id not in allowed:
                continue  # the note may name them: not an example without their consent too
            other = who(c.other_resident) if c.other_resident else "another resident"
            key, text = "peers", f"{name} spent time with {other}"
        elif c.with_whom == Connection.WithWhom.COMMUNITY:
            key, text = "partners", f"{name} with {c.with_name or 'the community'}"
        else:
            key, text = "connections_by_kind", f"{name}: {c.with_name or c.get_with_whom_display().lower()}"
        for measure in dict.fromkeys([key, "meaningful_7d"]):
            found.setdefault(measure, [])
            if len(found[measure]) < PER_MEASURE:
                found[measure].append(Example(measure, _day(c.occurred_at), f"{text}: {_quote(c.note)}"))
    return found


def _activities(home, since, until):
    """Activities held, the best attended first; intergenerational and nature ones (one query)."""
    held = (
        Occurrence.objects.for_home(home)
        .filter(starts_at__gte=since, starts_at__lt=until, starts_at__lte=timezone.now())
        .exclude(status=Occurrence.Status.CANCELLED)
        .annotate(
            taking_part=Count(
                "attendees", filter=Q(attendees__response__in=MEANINGFUL_RESPONSES), distinct=True
            )
        )
        .select_related("activity")
        .order_by("-taking_part", "-starts_at")[:30]
    )
    found = {"activities": [], "intergenerational_nature": []}
    for o in held:
        day = _day(o.starts_at)
        text = f"{o.activity.title}: {_n(o.taking_part, 'resident')} took part"
        if len(found["activities"]) < PER_MEASURE:
            found["activities"].append(Example("activities", day, text))
        kinds = [
            k
            for k, yes in (
                ("intergenerational", o.activity.intergenerational),
                ("in nature", o.activity.nature),
            )
            if yes
        ]
        if kinds and len(found["intergenerational_nature"]) < PER_MEASURE:
            found["intergenerational_nature"].append(
                Example("intergenerational_nature", day, f"{text} ({' and '.join(kinds)})")
            )
    return found


def _friendships(home, start, end, who, allowed):
    rows = (
        Friendship.objects.for_home(home)
        .filter(
            started_on__gte=start, started_on__lte=end, resident_a_id__in=allowed, resident_b_id__in=allowed
        )
        .select_related("resident_a", "resident_b")
        .order_by("-started_on", "-pk")[:PER_MEASURE]
    )
    return [
        Example(
            "peers",
            f.started_on,
            f"{who(f.resident_a)} and {who(f.resident_b)}: "
            + ("buddies for a new resident" if f.kind == Friendship.Kind.BUDDY else "friends")
            + (f", {_quote(f.notes)}" if f.notes else ""),
        )
        for f in rows
    ]


def _coproduction(home, start, end):
    sessions = (
        CoproductionSession.objects.for_home(home)
        .filter(held_on__gte=start, held_on__lte=end)
        .annotate(
            people=Count("participants", distinct=True),
            taken_up=Count(
                "ideas", filter=Q(ideas__status__in=[Idea.Status.PLANNED, Idea.Status.DONE]), distinct=True
            ),
        )
        .order_by("-held_on", "-pk")[:PER_MEASURE]
    )
    return [
        Example(
            "coproduction",
            s.held_on,
            f"{s.title} ({s.get_method_display().lower()}): {_n(s.people, 'resident')}, "
            f"{_n(s.taken_up, 'idea')} taken up",
        )
        for s in sessions
    ]


def _partners(home, start, end):
    contacts = (
        PartnerContact.objects.for_home(home)
        .filter(on__gte=start, on__lte=end)
        .select_related("partnership__partner")
        .order_by("-on", "-pk")[:PER_MEASURE]
    )
    return [
        Example(
            "partners",
            c.on,
            f"{c.partnership.partner.name}: {c.get_kind_display().lower()}"
            + (f", {_quote(c.note)}" if c.note else ""),
        )
        for c in contacts
    ]


def _stories(home, since, until):
    stories = (
        Story.objects.for_home(home)
        .filter(created_at__gte=since, created_at__lt=until)
        .order_by("-created_at", "-pk")[:PER_MEASURE]
    )
    return [
        Example(
            "stories",
            _day(s.created_at),
            f"\u201c{s.title}\u201d" + (", shared with families" if s.share_with_families else ""),
        )
        for s in stories
    ]


def _volunteering(home, since, until, allowed):
    shifts = (
        Shift.objects.for_home(home)
        .filter(Q(resident__isnull=True) | Q(resident_id__in=allowed))
        .filter(
            status=Shift.Status.DONE,
            hours_confirmed_at__isnull=False,
            starts_at__gte=since,
            starts_at__lt=until,
        )
        .order_by("-starts_at", "-pk")[:PER_MEASURE]
    )
    return [
        Example("volunteers", _day(s.starts_at), f"{s.title}: {hours_in_words(s.minutes_given or 0)} given")
        for s in shifts
    ]


def _reviews(home, start, end, who, allowed):
    reviews = (
        RestrictionReview.objects.for_home(home)
        .filter(reviewed_on__gte=start, reviewed_on__lte=end, restriction__resident_id__in=allowed)
        .select_related("restriction__resident")
        .order_by("-reviewed_on", "-pk")[:PER_MEASURE]
    )
    return [
        Example(
            "restrictions",
            r.reviewed_on,
            f"Review of {who(r.restriction.resident)}'s visiting restriction: {_quote(r.outcome)}",
        )
        for r in reviews
    ]


def _training(home, start, end):
    modules = (
        TrainingRecord.objects.for_home(home)
        .filter(completed_on__gte=start, completed_on__lte=end)
        .values("module__name")
        .annotate(n=Count("id"), last=Max("completed_on"))
        .order_by("-n", "module__name")[:PER_MEASURE]
    )
    return [
        Example("training", m["last"], f"{m['module__name']}: completed {_n(m['n'], 'time')}")
        for m in modules
    ]


def examples_for(home, start, end, *, names=False):
    """{measure key: [Example]} from the home's records between ``start`` and
    ``end`` (dates, inclusive). ``names``: residents' full names, not initials."""

    def who(resident):
        return resident.full_name if names else initials(resident.full_name)

    since, until = _bounds(start, end)
    allowed = set(consented(home, ConsentPurpose.EVALUATION_EXAMPLES).values_list("resident_id", flat=True))
    found = _connections(home, since, until, who, allowed)
    for key, examples in _activities(home, since, until).items():
        found[key] = examples
    for key, examples in (
        ("coproduction", _coproduction(home, start, end)),
        ("stories", _stories(home, since, until)),
        ("volunteers", _volunteering(home, since, until, allowed)),
        ("restrictions", _reviews(home, start, end, who, allowed)),
        ("training", _training(home, start, end)),
    ):
        found[key] = examples
    found["peers"] = (_friendships(home, start, end, who, allowed) + found.get("peers", []))[:PER_MEASURE]
    found["partners"] = (_partners(home, start, end) + found.get("partners", []))[:PER_MEASURE]
    return {key: examples for key, examples in found.items() if examples}


def for_theme(theme, found, limit=5):
    """The examples of the measures a theme cites, in its order, each moment once."""
    picked, seen = [], set()
    for key in theme.measures:
        for example in found.get(key, []):
            if (example.when, example.text) not in seen:
                seen.add((example.when, example.text))
                picked.append(example)
    return picked[:limit]
