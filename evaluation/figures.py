"""The dashboard's connection figures, week by week, for one home or many.

A week runs Monday to Sunday, home time. For each home and week:

- ``living``: residents who lived there at some point in the week (admitted by
  its Sunday, not gone before its Monday; a stay in hospital still counts);
- ``meaningful_7d`` / ``meaningful_14d``: how many of them had a meaningful
  connection (took part actively or passively; struck-out entries never
  count) in that week / in it or the week before;
- ``bands``: how many had none, 1–4, 5–9, or 10 or more meaningful connections
  that week — so a home sees who is left out, not only the average;
- ``by_kind``: each resident's part in a connection, counted by who it was
  with (family, friend, peer, staff, volunteer, community, group) and, across
  those, how many were ``virtual`` (phone or video);
- ``visits``: connections with someone who matters, by how (in person, phone,
  video, letter, outing);
- ``activities``: activities and outings held (started that week and not
  cancelled), how many were intergenerational or in nature, the places
  residents took up (attendance recorded as taking part, actively or
  passively) and how many different residents took part;
- ``loneliness``: of the residents living there at the week's end, how many
  have answered the loneliness questions in the half year before (their
  latest answers count), how many of those said "often or always" to "How
  often do you feel lonely?", and the spread of their three-item scores (3–9).

- ``standing``: how things stood at the week's end (no regular visitors,
  contact behind the resident's wish, restrictions, partners, renewals) and
  the week's volunteer hours and failed reminders: ``evaluation.standing``.

Every figure for any number of homes comes from seven queries (residents,
meaningful counts, parts by kind, visits, activities held, attendance,
loneliness answers), grouped in the database by home and week where the
database can do it, and those of ``evaluation.standing`` (seven a week).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Case, Count, DateField, Q, Value, When
from django.db.models.functions import TruncWeek
from django.utils import timezone

from community.models import Attendee, Occurrence
from evaluation import standing
from homes.scoping import crossing_homes
from residents.models import (
    MEANINGFUL_RESPONSES,
    Connection,
    ConnectionParticipant,
    LonelinessMeasure,
    Resident,
)

BANDS = (("none", 0, 0), ("1–4", 1, 4), ("5–9", 5, 9), ("10 or more", 10, None))
KINDS = ("family", "friend", "peer", "staff", "volunteer", "community", "group")
VIRTUAL_MODES = (Connection.Mode.PHONE, Connection.Mode.VIDEO)
# A person who matters is family when their relationship says so ("daughter",
# "son-in-law", "great-niece"); anyone else who matters is a friend.
FAMILY_WORDS = (
    "son|daughter|wife|husband|partner|spouse|mother|father|mum|mam|mom|dad|parent|brother|sister|"
    "sibling|grand|niece|nephew|cousin|aunt|uncle|in-law|step|child|family|twin|fianc"
)
FAMILY_PATTERN = rf"(^|[^a-z])({FAMILY_WORDS})"
LONELINESS_FIGURES = ("asked", "often_always")
SCORES = tuple(str(n) for n in range(3, 10))
# Answers older than this say nothing about how someone feels now.
ANSWERS_COUNT_FOR_DAYS = 183
ACTIVITY_FIGURES = ("held", "intergenerational", "nature", "places_taken", "residents_taking_part")
# Connections with someone who matters, counted by how.
VISIT_MODES = (
    Connection.Mode.IN_PERSON,
    Connection.Mode.PHONE,
    Connection.Mode.VIDEO,
    Connection.Mode.LETTER,
    Connection.Mode.OUTING,
)


def monday_of(day):
    return day - timedelta(days=day.weekday())


def weeks_ending(day, count=12):
    """The Mondays of the ``count`` weeks up to the one holding ``day``, oldest first."""
    last = monday_of(day)
    return [last - timedelta(weeks=n) for n in range(count - 1, -1, -1)]


def _start(day):
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _no_loneliness():
    return {**dict.fromkeys(LONELINESS_FIGURES, 0), "scores": dict.fromkeys(SCORES, 0)}


@dataclass
class WeekFigures:
    week: date
    living: int = 0
    meaningful_7d: int = 0
    meaningful_14d: int = 0
    bands: dict = field(default_factory=lambda: dict.fromkeys([b[0] for b in BANDS], 0))
    by_kind: dict = field(default_factory=lambda: dict.fromkeys((*KINDS, "virtual"), 0))
    visits: dict = field(default_factory=lambda: dict.fromkeys(VISIT_MODES, 0))
    activities: dict = field(default_factory=lambda: dict.fromkeys(ACTIVITY_FIGURES, 0))
    loneliness: dict = field(default_factory=_no_loneliness)
    # How things stood at the week's end (``evaluation.standing``), and whether
    # that was worked out after the week was over (then it is kept as it is).
    standing: dict = field(default_factory=lambda: dict.fromkeys(standing.FIGURES, 0))
    standing_final: bool = False

    def share(self, count):
        """``count`` as a whole-number percentage of the residents living here (None if nobody)."""
        return round(100 * count / self.living) if self.living else None

    def per_resident(self, count):
        return round(count / self.living, 1) if self.living else None

    def as_dict(self):
        return {
            "week": self.week.isoformat(),
            "living": self.living,
            "meaningful_7d": self.meaningful_7d,
            "meaningful_14d": self.meaningful_14d,
            "bands": dict(self.bands),
            "by_kind": dict(self.by_kind),
            "visits": dict(self.visits),
            "activities": dict(self.activities),
            "loneliness": {**self.loneliness, "scores": dict(self.loneliness["scores"])},
            "standing": dict(self.standing),
            "standing_final": self.standing_final,
        }

    @classmethod
    def from_dict(cls, data):
        return cls(
            week=date.fromisoformat(data["week"]),
            living=data["living"],
            meaningful_7d=data["meaningful_7d"],
            meaningful_14d=data["meaningful_14d"],
            bands=dict(data["bands"]),
            by_kind=dict(data["by_kind"]),
            visits=dict(data["visits"]),
            activities={**dict.fromkeys(ACTIVITY_FIGURES, 0), **data.get("activities", {})},
            loneliness={**_no_loneliness(), **data.get("loneliness", {})},
            standing={**dict.fromkeys(standing.FIGURES, 0), **data.get("standing", {})},
            standing_final=data.get("standing_final", False),
        )

    @staticmethod
    def is_complete(data):
        """Whether kept figures have everything the dashboards show (rows kept
        before a figure was added are worked out again)."""
        return set(standing.FIGURES) <= set(data.get("standing", ()))


def band_of(count):
    for name, low, high in BANDS:
        if count >= low and (high is None or count <= high):
            return name
    return BANDS[0][0]


def _week(column="occurred_at"):
    """The Monday (home time) of a row's ``column``, worked out by the database."""
    return TruncWeek(column, output_field=DateField(), tzinfo=timezone.get_current_timezone())


def _add_standing(found, stood, final, now):
    for home_id, weeks_found in found.items():
        for week, figures in weeks_found.items():
            if (home_id, week) in final:
                figures.standing = {**stood[home_id][week], **final[home_id, week]}
                figures.standing_final = True
            else:
                figures.standing = stood[home_id][week]
                figures.standing_final = now >= standing.week_end(week) + standing.FINAL_AFTER


def weekly_figures(home_ids, weeks, *, now=None, final=None):
    """{home id: {Monday: WeekFigures}} for the homes and weeks (Mondays) asked.
    The caller has checked the person may see these homes. ``final``:
    {(home id, Monday): standing} already worked out after the week was over,
    used as it is (``evaluation.standing``)."""
    now = now or timezone.now()
    final = final or {}
    weeks = sorted(set(weeks))
    if not weeks or not home_ids:
        return {}
    wanted = set(weeks)
    # The week before the first is read too: "in the last 14 days" of the first week.
    since, until = _start(weeks[0] - timedelta(weeks=1)), _start(weeks[-1] + timedelta(weeks=1))
    found = {h: {w: WeekFigures(week=w) for w in weeks} for h in home_ids}
    living = defaultdict(set)  # (home, week) -> resident ids
    with crossing_homes("evaluation figures for the homes the caller may see"):
        residents = Resident.objects.filter(
            home_id__in=home_ids, admitted_on__lt=weeks[-1] + timedelta(weeks=1)
        ).filter(Q(left_on__isnull=True) | Q(left_on__gte=weeks[0]))
        rows = residents.values_list("home_id", "id", "admitted_on", "left_on")
        for home_id, resident_id, admitted, left in rows:
            for week in weeks:
                if admitted <= week + timedelta(days=6) and (left is None or left >= week):
                    living[home_id, week].add(resident_id)

        parts = ConnectionParticipant.objects.filter(
            home_id__in=home_ids,
            occurred_at__gte=since,
            occurred_at__lt=until,
            connection__struck_out_at__isnull=True,
        ).annotate(week=_week())
        meaningful = Counter()  # (home, week, resident) -> meaningful connections that week
        for home_id, resident_id, week, count in (
            parts.filter(response__in=MEANINGFUL_RESPONSES)
            .values_list("home_id", "resident_id", "week")
            .annotate(n=Count("id"))
            .order_by()
        ):
            meaningful[home_id, week, resident_id] += count

        kind = Case(
            When(
                connection__with_whom=Connection.WithWhom.PERSON,
                connection__person__relationship__iregex=FAMILY_PATTERN,
                then=Value("family"),
            ),
            When(connection__with_whom=Connection.WithWhom.PERSON, then=Value("friend")),
            When(connection__with_whom=Connection.WithWhom.RESIDENT, then=Value("peer")),
            When(connection__with_whom=Connection.WithWhom.STAFF, then=Value("staff")),
            When(connection__with_whom=Connection.WithWhom.VOLUNTEER, then=Value("volunteer")),
            When(connection__with_whom=Connection.WithWhom.COMMUNITY, then=Value("community")),
            default=Value("group"),
        )
        by_kind = Counter()  # (home, week, kind or "virtual") -> parts
        for home_id, week, what, mode, count in (
            parts.annotate(kind=kind)
            .values_list("home_id", "week", "kind", "connection__mode")
            .annotate(n=Count("id"))
            .order_by()
        ):
            if week not in wanted:
                continue
            by_kind[home_id, week, what] += count
            if mode in VIRTUAL_MODES:
                by_kind[home_id, week, "virtual"] += count

        visits = Counter()  # (home, week, mode) -> connections with someone who matters
        for home_id, week, mode, count in (
            Connection.objects.filter(
                home_id__in=home_ids,
                occurred_at__gte=since,
                occurred_at__lt=until,
                struck_out_at__isnull=True,
                with_whom=Connection.WithWhom.PERSON,
            )
            .annotate(week=_week())
            .values_list("home_id", "week", "mode")
            .annotate(n=Count("id"))
            .order_by()
        ):
            if week in wanted and mode in VISIT_MODES:
                visits[home_id, week, mode] += count

        held = Occurrence.objects.filter(
            home_id__in=home_ids, starts_at__gte=since, starts_at__lt=until, starts_at__lte=timezone.now()
        ).exclude(status=Occurrence.Status.CANCELLED)
        activities = Counter()  # (home, week, figure) -> count
        for home_id, week, intergenerational, nature, count in (
            held.annotate(week=_week("starts_at"))
            .values_list("home_id", "week", "activity__intergenerational", "activity__nature")
            .annotate(n=Count("id"))
            .order_by()
        ):
            activities[home_id, week, "held"] += count
            activities[home_id, week, "intergenerational"] += count if intergenerational else 0
            activities[home_id, week, "nature"] += count if nature else 0
        for home_id, week, _resident, count in (
            Attendee.objects.filter(occurrence__in=held, response__in=MEANINGFUL_RESPONSES)
            .annotate(week=_week("occurrence__starts_at"))
            .values_list("home_id", "week", "resident_id")
            .annotate(n=Count("id"))
            .order_by()
        ):
            activities[home_id, week, "places_taken"] += count
            activities[home_id, week, "residents_taking_part"] += 1

        answers = defaultdict(list)  # (home, resident) -> [(recorded_on, direct, total)], oldest first
        for home_id, resident_id, on, direct, *items in (
            LonelinessMeasure.objects.filter(
                home_id__in=home_ids,
                recorded_on__gte=weeks[0] - timedelta(days=ANSWERS_COUNT_FOR_DAYS),
                recorded_on__lte=weeks[-1] + timedelta(days=6),
            )
            .order_by("recorded_on", "id")
            .values_list(
                "home_id",
                "resident_id",
                "recorded_on",
                "direct",
                "lack_companionship",
                "left_out",
                "isolated",
            )
        ):
            answers[home_id, resident_id].append((on, direct, sum(items)))

    _add_standing(found, standing.standing_figures(home_ids, weeks, now=now, skip=set(final)), final, now)
    for home_id, weeks_found in found.items():
        for week, figures in weeks_found.items():
            here = living[home_id, week]
            before = week - timedelta(weeks=1)
            figures.living = len(here)
            figures.meaningful_7d = sum(1 for r in here if meaningful[home_id, week, r])
            figures.meaningful_14d = sum(
                1 for r in here if meaningful[home_id, week, r] or meaningful[home_id, before, r]
            )
            for resident_id in here:
                figures.bands[band_of(meaningful[home_id, week, resident_id])] += 1
            for name in figures.by_kind:
                figures.by_kind[name] = by_kind[home_id, week, name]
            for mode in figures.visits:
                figures.visits[mode] = visits[home_id, week, mode]
            for name in figures.activities:
                figures.activities[name] = activities[home_id, week, name]
            _count_loneliness(figures, [answers[home_id, r] for r in here])
    return found


def _count_loneliness(figures, answers_by_resident):
    """Each resident's latest answers in the half year up to the week's Sunday."""
    sunday = figures.week + timedelta(days=6)
    for answers in answers_by_resident:
        latest = [a for a in answers if sunday - timedelta(days=ANSWERS_COUNT_FOR_DAYS) <= a[0] <= sunday]
        if latest:
            _, direct, total = latest[-1]
            figures.loneliness["asked"] += 1
            figures.loneliness["often_always"] += direct == LonelinessMeasure.Direct.OFTEN_ALWAYS
            figures.loneliness["scores"][str(total)] += 1
