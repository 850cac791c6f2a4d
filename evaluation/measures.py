"""The measures a dashboard shows and a framework's themes cite as evidence.

A framework file names measures by these keys; the loader refuses a key that
is not here, so a framework cannot point at a figure Kith does not keep.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    # What the number is: "share of residents", "per week", "count", "hours"…
    unit: str
    description: str = ""


_ALL = [
    Measure(
        "meaningful_7d",
        "Residents with a meaningful connection in the last 7 days",
        "share of residents",
        "A connection the resident took part in actively or enjoyed, as the connection log records it.",
    ),
    Measure(
        "meaningful_14d", "Residents with a meaningful connection in the last 14 days", "share of residents"
    ),
    Measure(
        "no_regular_visitors",
        "Residents with no regular visitors",
        "residents",
        "No visit from someone who matters to them in the home's no-visitor window.",
    ),
    Measure("visits_per_week", "Visits and calls a week", "per week"),
    Measure(
        "connections_by_kind",
        "Connections per resident, by who with",
        "per resident",
        "Family, friends, other residents, staff, volunteers, the community and virtual.",
    ),
    Measure(
        "contact_against_wish",
        "Contact against each person's own wish",
        "people",
        "People who matter whose contact is behind the frequency the resident wants; who is furthest behind.",
    ),
    Measure(
        "connection_bands",
        "How connection is shared out",
        "residents",
        "Residents by meaningful connections a week: none, 1–4, 5–9, 10 or more.",
    ),
    Measure("activities", "Activities held and attendance", "count"),
    Measure("intergenerational_nature", "Intergenerational and nature contact", "count"),
    Measure(
        "loneliness",
        "Loneliness",
        "share of residents",
        "Residents answering \u201coften or always\u201d, and the three-item score's spread.",
    ),
    Measure("peers", "Friendships and buddies between residents", "count"),
    Measure("coproduction", "Co-production sessions and ideas taken up", "count"),
    Measure("partners", "Community partners active and going cold", "count"),
    Measure("volunteers", "Volunteer hours, and checks expiring", "hours"),
    Measure("restrictions", "Visiting restrictions, and reviews overdue", "count"),
    Measure("technology", "Video and phone calls supported", "count"),
    Measure("stories", "Stories and photos shared", "count"),
    Measure("training", "Staff and volunteer training current", "share"),
    Measure("reminders_failed", "Reminders that failed to send", "count"),
    Measure("plan_reviews", "Personal plans reviewed on time", "share of residents"),
]

MEASURES = {m.key: m for m in _ALL}
