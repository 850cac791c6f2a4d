"""What needs renewing: background checks, training (volunteers and staff)
and driver documents (licence check, business-use insurance, MOT) that have
run out or run out soon.

``renewals_due(home, on=..., within_days=60)`` is the one list: the
"Renewals due" page, the dashboard panel and the expiry warnings
(``volunteers.services.expiry``) all read it, so they never disagree. Only
the record that counts now is listed: a check or a training record replaced
by a newer one is not, nor anything of a volunteer who has left or a member
of staff who no longer works here. Three queries, however many records.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace

from django.db.models import Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from volunteers import rules
from volunteers.models import BackgroundCheck, Driver, TrainingRecord, Volunteer, VolunteerSettings

WITHIN_DAYS = rules.WARN_DAYS[0]

# Documents: what a renewal is about (the warnings' ``data["document"]``).
CHECK, TRAINING, LICENCE, INSURANCE, MOT = "check", "training", "licence", "insurance", "mot"

# (key, heading) of the groups on the page, soonest first.
EXPIRED, WEEK, MONTH, TWO_MONTHS = "expired", "within_7", "within_30", "within_60"
GROUPS = [
    (EXPIRED, "Run out"),
    (WEEK, "Within 7 days"),
    (MONTH, "Within 30 days"),
    (TWO_MONTHS, "Within 60 days"),
]

DEFAULT_LICENCE_MONTHS = VolunteerSettings._meta.get_field("licence_check_months").default


@dataclass(frozen=True)
class Renewal:
    """One thing to renew. ``record`` is the BackgroundCheck, TrainingRecord
    or Driver; ``volunteer`` or ``member`` is whose it is."""

    document: str
    what: str
    record: object
    expires_on: date
    volunteer: object = None
    member: object = None

    @property
    def person(self):
        return self.volunteer.full_name if self.volunteer is not None else self.member.user.full_name

    @property
    def is_staff(self):
        return self.member is not None

    @property
    def home(self):
        return self.record.home

    def days_left(self, on):
        return (self.expires_on - on).days

    def group(self, on):
        left = self.days_left(on)
        if left < 0:
            return EXPIRED
        if left <= 7:
            return WEEK
        if left <= 30:
            return MONTH
        return TWO_MONTHS

    def link(self, home_slug):
        """The page where a co-ordinator updates it: the check, a new training
        record for the person, or the driver's details."""
        if self.document == CHECK:
            return reverse(
                "volunteers:check_edit",
                kwargs={"home_slug": home_slug, "pk": self.record.volunteer_id, "check_pk": self.record.pk},
            )
        if self.document == TRAINING:
            who = f"member={self.member.pk}" if self.is_staff else f"volunteer={self.volunteer.pk}"
            return reverse("volunteers:training_add", kwargs={"home_slug": home_slug}) + f"?{who}"
        return reverse("volunteers:driver_edit", kwargs={"home_slug": home_slug, "pk": self.record.pk})

    @property
    def link_text(self):
        return {
            CHECK: "Update the check",
            TRAINING: "Record the refresher",
        }.get(self.document, "Update the driver's details")


def check_what(check):
    if check.scheme == BackgroundCheck.Scheme.PVG:
        return "PVG scheme membership"
    if check.level:
        return f"DBS check ({check.get_level_display().lower()})"
    return "DBS check"


def training_what(record):
    return f"{record.module.name} training"


DRIVER_WHAT = {
    LICENCE: "Driving licence check",
    INSURANCE: "Business-use car insurance",
    MOT: "Car MOT",
}


def _checks(scope, *, since, until):
    newer = BackgroundCheck.objects.filter(
        volunteer_id=OuterRef("volunteer_id"), scheme=OuterRef("scheme"), left_notified_on__isnull=True
    ).filter(
        Q(valid_until__gt=OuterRef("valid_until"))
        | Q(valid_until=OuterRef("valid_until"), pk__gt=OuterRef("pk"))
    )
    checks = (
        scope(BackgroundCheck.objects)
        .filter(left_notified_on__isnull=True, valid_until__lte=until)
        .exclude(volunteer__status=Volunteer.Status.LEFT)
        .filter(~Exists(newer))
        .select_related("home", "volunteer", "volunteer__contact__user", "volunteer__user")
    )
    if since is not None:
        checks = checks.filter(valid_until__gte=since)
    return [Renewal(CHECK, check_what(c), c, c.valid_until, volunteer=c.volunteer) for c in checks]


def _training(scope, *, since, until):
    same_person = Q(volunteer_id=OuterRef("volunteer_id")) | Q(member_id=OuterRef("member_id"))
    newer = (
        TrainingRecord.objects.filter(module_id=OuterRef("module_id"))
        .filter(same_person)
        .filter(
            Q(completed_on__gt=OuterRef("completed_on"))
            | Q(completed_on=OuterRef("completed_on"), pk__gt=OuterRef("pk"))
        )
    )
    records = (
        scope(TrainingRecord.objects)
        .filter(expires_on__isnull=False, expires_on__lte=until)
        .filter(
            Q(volunteer__isnull=False) & ~Q(volunteer__status=Volunteer.Status.LEFT)
            | Q(member__is_active=True, member__user__is_active=True)
        )
        .filter(~Exists(newer))
        .select_related(
            "home", "module", "volunteer", "volunteer__contact__user", "volunteer__user", "member__user"
        )
    )
    if since is not None:
        records = records.filter(expires_on__gte=since)
    return [
        Renewal(TRAINING, training_what(r), r, r.expires_on, volunteer=r.volunteer, member=r.member)
        for r in records
    ]


def _drivers(scope, *, since, until):
    months = Subquery(
        VolunteerSettings.objects.filter(home_id=OuterRef("home_id")).values("licence_check_months")[:1],
        output_field=IntegerField(),
    )
    # A licence is checked at least every month: anything later cannot be due by ``until``.
    drivers = (
        scope(Driver.objects)
        .filter(is_active=True)
        .filter(
            Q(volunteer__isnull=False) & ~Q(volunteer__status=Volunteer.Status.LEFT)
            | Q(member__is_active=True, member__user__is_active=True)
        )
        .filter(
            Q(licence_checked_on__lte=until - timedelta(days=28))
            | Q(drives_own_car=True, insurance_expires_on__lte=until)
            | Q(drives_own_car=True, vehicle_check_expires_on__lte=until)
        )
        .annotate(licence_months=Coalesce(months, Value(DEFAULT_LICENCE_MONTHS)))
        .select_related("home", "volunteer", "volunteer__contact__user", "volunteer__user", "member__user")
    )
    found = []
    for driver in drivers:
        dates = [
            (
                LICENCE,
                rules.licence_check_due_on(
                    driver, SimpleNamespace(licence_check_months=driver.licence_months)
                ),
            )
        ]
        if driver.drives_own_car:
            dates += [(INSURANCE, driver.insurance_expires_on), (MOT, driver.vehicle_check_expires_on)]
        for document, day in dates:
            if day is None or day > until or (since is not None and day < since):
                continue
            found.append(
                Renewal(
                    document,
                    DRIVER_WHAT[document],
                    driver,
                    day,
                    volunteer=driver.volunteer,
                    member=driver.member,
                )
            )
    return found


def renewals(scope, *, since, until):
    """Every renewal with its date between ``since`` (None: any time before)
    and ``until``, of the rows ``scope(manager)`` chooses, soonest first."""
    found = _checks(scope, since=since, until=until)
    found += _training(scope, since=since, until=until)
    found += _drivers(scope, since=since, until=until)
    return sorted(found, key=lambda r: (r.expires_on, r.person.lower(), r.what))


def renewals_due(home, *, on, within_days=WITHIN_DAYS):
    """Everything of ``home`` that has run out (however long ago) or runs
    out within ``within_days`` of ``on``, soonest first: ``Renewal`` rows."""
    return renewals(
        lambda manager: manager.for_home(home), since=None, until=on + timedelta(days=within_days)
    )


def renewals_grouped(found, *, on):
    """``found`` in the page's groups: [{"key", "heading", "renewals"}], empty groups left out."""
    by_group = {key: [] for key, _ in GROUPS}
    for renewal in found:
        by_group[renewal.group(on)].append(renewal)
    return [
        {"key": key, "heading": heading, "renewals": by_group[key]}
        for key, heading in GROUPS
        if by_group[key]
    ]


def renewal_counts(home, *, on):
    """{"expired", "within_30", "within_60", "total"}: how many have run out,
    run out within 30 days, and in the 30 days after (for the dashboard)."""
    counts = {EXPIRED: 0, WEEK: 0, MONTH: 0, TWO_MONTHS: 0}
    for renewal in renewals_due(home, on=on):
        counts[renewal.group(on)] += 1
    return {
        "expired": counts[EXPIRED],
        "within_30": counts[WEEK] + counts[MONTH],
        "within_60": counts[TWO_MONTHS],
        "total": sum(counts.values()),
    }
