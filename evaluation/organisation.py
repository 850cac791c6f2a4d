"""The organisation dashboard: the same measures side by side for every home
of a provider (or a connector charity) that the person may see, with each
home's latest ratings, sortable and filterable, the homes furthest behind
first.

A person sees the homes of the organisation where they hold a role that may
see outcomes (``evaluation.view``: an organisation admin, a manager or a
connection champion); never the organisation's other homes. A connector
charity's staff see the homes that work with the charity, where they are
members and the home shares its figures with them (``Home.shares_outcomes``).

Read from the kept weekly figures (``evaluation.rollups``) in a fixed number
of queries: the person's memberships, the chosen week's figures and the week
before, and the latest completed self-evaluation of each home with its
ratings. The table itself is kept in the cache until a home's figures are
refreshed or an evaluation changes (two small queries say when).
"""

from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

from django.db import connection
from django.db.models import Count, Max

from evaluation.charts import SHADES
from evaluation.figures import BANDS
from evaluation.models import Evaluation, Rating, RatingLevel, WeeklyFigures
from evaluation.rollups import figures_for
from homes.models import Membership, Nation, Organisation
from homes.permissions import home_grants, role_has_perm
from homes.scoping import crossing_homes

SORTS = {
    "behind": "Furthest behind first",
    "none": "Most residents with no connection",
    "lonely": "Most often lonely",
    "visitors": "Most residents with no regular visitors",
    "follow_up": "Most to follow up",
    "rating": "Lowest rating first",
    "name": "Name",
}
FOLLOW_UP_WORDS = (
    ("restrictions_overdue", "restriction review overdue", "restriction reviews overdue"),
    ("partners_cold", "partner going cold", "partners going cold"),
    ("checks_run_out", "check or training run out", "checks or training run out"),
    ("reminders_failed", "reminder failed", "reminders failed"),
)
FOLLOW_UP = tuple(key for key, _one, _many in FOLLOW_UP_WORDS)
NATION_CHOICES = [("", "Every nation"), *Nation.choices]


@dataclass(frozen=True)
class HomeRef:
    """What the page shows of a home: lighter than the model for 250 of them."""

    pk: int
    name: str
    slug: str
    nation: str
    provider: str = ""  # on a connector charity's table: the home's own organisation

    def __str__(self):
        return self.name


@dataclass
class HomeRow:
    home: object
    living: int
    share_7d: int | None
    share_7d_before: int | None
    share_14d: int | None
    bands: list
    band_shares: list
    visits: int
    activities: int
    lonely_share: int | None
    standing: dict = None
    evaluation: object = None
    lowest: object = None
    levels: list = None  # the latest completed self-evaluation's ratings, highest first

    @property
    def ratings_words(self):
        """e.g. "5, 5, 4, 3": every theme's rating, highest first."""
        return ", ".join(str(v) for v in sorted(self.levels or (), reverse=True))

    @property
    def follow_up(self):
        """Restriction reviews overdue, partners going cold, checks run out and failed reminders."""
        return sum(self.standing[k] for k in FOLLOW_UP)

    @property
    def follow_up_words(self):
        """e.g. "1 review overdue; 2 partners going cold", or "nothing"."""
        words = [
            f"{n} {one if n == 1 else many}"
            for key, one, many in FOLLOW_UP_WORDS
            if (n := self.standing[key])
        ]
        return "; ".join(words) or "nothing"

    @property
    def change_7d(self):
        if self.share_7d is None or self.share_7d_before is None:
            return None
        return self.share_7d - self.share_7d_before


def visible_homes(user, organisation):
    """The homes of ``organisation`` where ``user`` may see outcomes, by name,
    and whether they belong to it at all: (homes, belongs). One query; the
    homes carry only what the page shows (id, name, slug, nation).

    A connector charity has no homes of its own: its homes are those that work
    with it (use its partner directory) where the person is a member, and of
    those the page shows the ones that share their figures with its staff."""
    if organisation.kind == Organisation.Kind.CONNECTOR:
        return _charity_homes(user, organisation)
    with crossing_homes("a person's own memberships in one organisation"):
        rows = list(
            Membership.objects.active()
            .filter(user=user, home__organisation=organisation)
            .values_list("home_id", "home__name", "home__slug", "home__nation", "role")
        )
    homes = {}
    for home_id, name, slug, nation, role in rows:
        if role_has_perm(role, "evaluation.view"):
            homes[home_id] = HomeRef(pk=home_id, name=name, slug=slug, nation=nation)
    return sorted(homes.values(), key=lambda h: (h.name, h.pk)), bool(rows)


def _charity_homes(user, charity):
    from community.models import CommunitySettings

    working_with = CommunitySettings.directories.through.objects.filter(organisation=charity).values(
        "communitysettings__home_id"
    )
    with crossing_homes("a person's own memberships at the homes a charity works with"):
        rows = list(
            Membership.objects.active()
            .filter(user=user, home__in=working_with)
            .values_list(
                "home_id",
                "home__name",
                "home__slug",
                "home__nation",
                "role",
                "home__shares_outcomes",
                "home__organisation__name",
            )
        )
    homes = [
        HomeRef(pk=home_id, name=name, slug=slug, nation=nation, provider=provider)
        for home_id, name, slug, nation, role, shares, provider in rows
        if role_has_perm(role, "evaluation.figures")
        and home_grants(role, "evaluation.figures", SimpleNamespace(shares_outcomes=shares))
    ]
    return sorted(homes, key=lambda h: (h.name, h.pk)), bool(rows)


def stamp(home_ids, weeks):
    """What the cached table depends on: when the weeks' figures were last
    refreshed (and how many are kept) and when any of these homes'
    evaluations last changed. One plain statement: at 250 homes the ORM's
    compiling cost more than the query."""
    sql = (
        f"SELECT (SELECT max(computed_at) FROM {WeeklyFigures._meta.db_table} "  # noqa: S608 - table names only
        "WHERE home_id = ANY(%s) AND week = ANY(%s)), "
        f"(SELECT count(*) FROM {WeeklyFigures._meta.db_table} WHERE home_id = ANY(%s) AND week = ANY(%s)), "
        f"(SELECT max(updated_at) FROM {Evaluation._meta.db_table} WHERE home_id = ANY(%s))"
    )
    ids, weeks = list(home_ids), list(weeks)
    if connection.vendor != "postgresql":  # the demo on SQLite: the same answer through the ORM
        return _stamp_orm(ids, weeks)
    with connection.cursor() as cursor:
        cursor.execute(sql, [ids, weeks, ids, weeks, ids])
        figures_at, kept, evaluations_at = cursor.fetchone()
    return f"{kept}-{figures_at and figures_at.timestamp()}-{evaluations_at and evaluations_at.timestamp()}"


def _stamp_orm(ids, weeks):
    with crossing_homes("the freshness of the homes' figures and evaluations"):
        figures = WeeklyFigures.objects.filter(home_id__in=ids, week__in=weeks).aggregate(
            at=Max("computed_at"), n=Count("id")
        )
        evaluations_at = Evaluation.objects.filter(home_id__in=ids).aggregate(at=Max("updated_at"))["at"]
    figures_at = figures["at"]
    evaluations_at = evaluations_at and evaluations_at.timestamp()
    return f"{figures['n']}-{figures_at and figures_at.timestamp()}-{evaluations_at}"


def _latest_ratings(home_ids):
    """{home id: (evaluation, [levels], lowest RatingLevel)} of each home's latest completed evaluation."""
    with crossing_homes("the latest completed self-evaluation of each home the person may see"):
        completed = (
            Evaluation.objects.filter(home_id__in=home_ids, status=Evaluation.Status.COMPLETED)
            .order_by("home_id", "-period_end", "-id")
            .select_related("framework")
        )
        if connection.vendor == "postgresql":
            latest = list(completed.distinct("home_id"))
        else:  # the demo on SQLite: no DISTINCT ON; the first of each home's, newest first
            latest = list({e.home_id: e for e in reversed(list(completed))}.values())
        levels = {}
        for framework_id, value, label in RatingLevel.objects.filter(
            framework_id__in={e.framework_id for e in latest}
        ).values_list("framework_id", "value", "label"):
            levels[(framework_id, value)] = RatingLevel(framework_id=framework_id, value=value, label=label)
        by_evaluation = {}
        for evaluation_id, level in Rating.objects.filter(evaluation__in=latest).values_list(
            "evaluation_id", "level"
        ):
            by_evaluation.setdefault(evaluation_id, []).append(level)
    found = {}
    for e in latest:
        rated = sorted(level for level in by_evaluation.get(e.pk, []) if level is not None)
        lowest = levels.get((e.framework_id, rated[0])) if rated else None
        found[e.home_id] = (e, rated, lowest)
    return found


def _share(count, whole):
    return round(100 * count / whole) if whole else None


def segments(bands):
    """The week's bands as one bar 100 wide: [{"x", "width", "fill"}], none first (darkest)."""
    whole, x, found = sum(bands), 0.0, []
    for shade, n in zip(SHADES, bands, strict=False):
        if n and whole:
            width = round(100 * n / whole, 2)
            found.append({"x": round(x, 2), "width": width, "fill": shade})
            x += width
    return found


def rows_for(homes, week):
    home_ids = [h.pk for h in homes]
    before = week - timedelta(weeks=1)
    stored = figures_for(home_ids, [before, week])
    ratings = _latest_ratings(home_ids)
    rows = []
    for home in homes:
        this, last = stored[home.pk][week].figures, stored[home.pk][before].figures
        bands = [this.bands.get(name, 0) for name, _low, _high in BANDS]
        evaluation, levels, lowest = ratings.get(home.pk, (None, [], None))
        rows.append(
            HomeRow(
                home=home,
                living=this.living,
                share_7d=this.share(this.meaningful_7d),
                share_7d_before=last.share(last.meaningful_7d),
                share_14d=this.share(this.meaningful_14d),
                bands=bands,
                band_shares=segments(bands),
                visits=sum(this.visits.values()),
                activities=this.activities["held"],
                lonely_share=_share(this.loneliness["often_always"], this.loneliness["asked"]),
                standing=this.standing,
                evaluation=evaluation,
                lowest=lowest,
                levels=levels,
            )
        )
    return rows


def _none_last(value, reverse=False):
    """Sort key: homes with no figure go last whichever way the column is sorted."""
    if value is None:
        return (1, 0)
    return (0, -value if reverse else value)


def sorted_rows(rows, sort):
    if sort == "name":
        return sorted(rows, key=lambda r: r.home.name)
    if sort == "none":
        return sorted(rows, key=lambda r: (_none_last(r.bands[0], reverse=True), r.home.name))
    if sort == "lonely":
        return sorted(rows, key=lambda r: (_none_last(r.lonely_share, reverse=True), r.home.name))
    if sort == "visitors":
        return sorted(rows, key=lambda r: (-r.standing["no_regular_visitors"], r.home.name))
    if sort == "follow_up":
        return sorted(rows, key=lambda r: (-r.follow_up, r.home.name))
    if sort == "rating":
        return sorted(rows, key=lambda r: (_none_last(r.lowest.value if r.lowest else None), r.home.name))
    return sorted(rows, key=lambda r: (_none_last(r.share_7d), r.home.name))


def filtered(homes, *, nation="", words=""):
    words = words.strip().lower()
    return [h for h in homes if (not nation or h.nation == nation) and (not words or words in h.name.lower())]
