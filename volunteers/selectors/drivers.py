"""Reads for the driver bank: who is in it today and why the others are not,
the people who could be added, and who can drive a trip (``drivers_for_trip``,
also for the outings feature).

Whether a driver may drive is ``volunteers.rules.driver_blockers``'s answer,
read from rows ``rules.drivers_with_facts`` loads in a fixed number of
queries: a bank of fifty costs the same as a bank of two.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from carehome.timeutils import local_datetime
from homes.models import Membership
from volunteers import rules
from volunteers.models import Availability, Driver, Volunteer
from volunteers.services.drivers import STAFF_ROLES

# A document running out within this many days is shown as "renew soon".
SOON_DAYS = rules.WARN_DAYS[0]


@dataclass
class DriverRow:
    """One driver as the pages show them."""

    driver: Driver
    blockers: list
    licence_due_on: date
    times: list  # Availability rows: the driver's own, or a volunteer's volunteering times
    times_from_volunteering: bool = False
    minibus_training: object = None  # the newest MiDAS TrainingRecord, or None
    soon: list = field(default_factory=list)  # [(what, date)] running out within SOON_DAYS

    @property
    def in_bank(self):
        return not self.blockers

    @property
    def name(self):
        return self.driver.name

    @property
    def is_staff(self):
        return self.driver.member_id is not None

    @property
    def phone(self):
        if self.driver.volunteer_id:
            return self.driver.volunteer.phone
        return self.driver.member.user.phone

    @property
    def categories(self):
        return ", ".join(self.driver.licence_categories or [])

    def times_on(self, weekday):
        return [t for t in self.times if t.weekday == weekday]


@dataclass
class TripDrivers:
    """Who can drive a trip: ``available`` (may drive that day and usually
    free for all of it), ``not_free`` (may drive that day, but their usual
    times do not cover it: ask them), and ``out`` (may not drive that day, or
    not that vehicle; each row's ``blockers`` say why)."""

    available: list
    not_free: list
    out: list


def _drivers(home):
    return (
        rules.drivers_with_facts(Driver.objects.for_home(home))
        .prefetch_related(
            Prefetch(
                "volunteer__availability", queryset=Availability.objects.order_by("weekday", "starts_at")
            )
        )
        .order_by(Lower(Coalesce("volunteer__full_name", "member__user__full_name")), "pk")
    )


def _newest(records, slug):
    matching = [r for r in records if r.module.slug == slug]
    return max(matching, key=lambda r: (r.completed_on, r.pk or 0)) if matching else None


def _row(driver, settings, *, on, minibus=None):
    if driver.volunteer_id:
        records = list(driver.volunteer.training.all())
    else:
        records = list(driver.member.training.all())
    times = list(driver.availability.all())
    from_volunteering = False
    if not times and driver.volunteer_id:
        times = list(driver.volunteer.availability.all())
        from_volunteering = bool(times)
    due = rules.licence_check_due_on(driver, settings)
    soon = [("Licence check", due)]
    if driver.drives_own_car:
        soon += [("Insurance", driver.insurance_expires_on), ("MOT", driver.vehicle_check_expires_on)]
    midas = _newest(records, rules.MINIBUS_TRAINING)
    if driver.drives_minibus and midas is not None and midas.expires_on:
        soon.append(("MiDAS training", midas.expires_on))
    return DriverRow(
        driver=driver,
        blockers=rules.driver_blockers(driver, settings=settings, on=on, minibus=minibus),
        licence_due_on=due,
        times=times,
        times_from_volunteering=from_volunteering,
        minibus_training=midas,
        soon=[(what, day) for what, day in soon if rules.expires_soon(day, on, SOON_DAYS)],
    )


def driver_bank(home, *, on=None):
    """(in the bank, out of it): ``DriverRow`` lists by name, as on ``on``
    (default today). About ten queries however many drivers."""
    on = on or timezone.localdate()
    settings = rules.settings_for(home)
    rows = [_row(driver, settings, on=on) for driver in _drivers(home)]
    return [r for r in rows if r.in_bank], [r for r in rows if not r.in_bank]


def driver_for_page(home, pk):
    """One driver of ``home`` with their person and usual times, or None."""
    return (
        Driver.objects.for_home(home)
        .select_related("volunteer", "member__user")
        .prefetch_related("availability")
        .filter(pk=pk)
        .first()
    )


def people_who_could_drive(home):
    """(volunteers, staff) of ``home`` not in the driver bank yet: volunteers
    who have not left, and active staff (care staff, champions, managers)."""
    in_bank = Driver.objects.for_home(home)
    volunteers = (
        Volunteer.objects.for_home(home)
        .current()
        .filter(~Exists(in_bank.filter(volunteer=OuterRef("pk"))))
        .order_by(Lower("full_name"), "pk")
    )
    staff = (
        Membership.objects.for_home(home)
        .active()
        .filter(role__in=STAFF_ROLES)
        .filter(~Exists(in_bank.filter(member=OuterRef("pk"))))
        .select_related("user")
        .order_by(Lower("user__full_name"), "pk")
    )
    return list(volunteers), list(staff)


# --- Finding a driver for a trip ----------------------------------------------------------------


def _covers(times, starts, ends):
    """Whether ``times`` (rows with ``starts_at``/``ends_at`` on one weekday),
    joined where they meet, cover ``starts``–``ends``."""
    spans = sorted((t.starts_at, t.ends_at) for t in times)
    merged = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return any(start <= starts and ends <= end for start, end in merged)


def usually_free(row, starts_at, ends_at):
    """Whether ``row``'s usual weekly times cover the whole of ``starts_at``–``ends_at``."""
    starts, ends = timezone.localtime(starts_at), timezone.localtime(ends_at)
    if ends.date() != starts.date():
        return False  # past midnight: the weekly times are each within a day
    return _covers(row.times_on(starts.weekday()), starts.time(), ends.time())


def drivers_for_trip(*, home, starts_at, ends_at, minibus):
    """Who can drive residents on a trip from ``starts_at`` to ``ends_at``
    (aware datetimes on one day), in the home's minibus (``minibus=True``) or
    in their own car (``False``).

    Returns ``TripDrivers(available, not_free, out)`` of ``DriverRow``: a
    driver is eligible when ``rules.driver_blockers(driver, on=<the trip's
    day>, minibus=minibus)`` finds nothing (licence checked, insurance and
    MOT in date for a car, D1 and MiDAS for the minibus, checks and training
    of their driving role for a volunteer) and available when their usual
    weekly times (the driver's own; for a volunteer with none, their
    volunteering times) cover the whole trip. Each list is by name. A fixed
    number of queries however many drivers.
    """
    if ends_at <= starts_at:
        raise ValueError("a trip ends after it starts")
    on = timezone.localdate(starts_at)
    settings = rules.settings_for(home)
    available, not_free, out = [], [], []
    for driver in _drivers(home):
        row = _row(driver, settings, on=on, minibus=bool(minibus))
        if row.blockers:
            out.append(row)
        elif usually_free(row, starts_at, ends_at):
            available.append(row)
        else:
            not_free.append(row)
    return TripDrivers(available=available, not_free=not_free, out=out)


def trip_window(day, starts, ends):
    """(starts_at, ends_at) aware datetimes for a trip on ``day`` from
    ``starts`` to ``ends`` (local times); ``DomainError`` for a time the
    clocks skip."""
    return local_datetime(day, starts, field="starts"), local_datetime(day, ends, field="ends")
