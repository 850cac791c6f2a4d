"""A partnership going cold: ``community.partner_cold``, to the
partnership's point of contact in the home (or, when it has none, the home's
managers), by email.

A partnership goes cold when there has been no contact (recorded, or an
activity together) for longer than its usual rhythm and half as long again
(``community.selectors.partners.cold_since``). The planner, run by beat, makes
one message per cold spell: due 09:00 on the day it went cold, and the
outbox's unique (kind, partnership, recipient, due) makes it once however
often the planner runs. If contact is recorded before it is sent, or the
partnership is paused or ended, it is stale and not sent; a later cold spell
has a later date, so it gets its own message.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from community.models import Partnership
from community.selectors.partners import cold_since, with_last_contact
from homes.models import Membership, Role
from notifications.kinds import STAFF_CHANNELS, Kind, register, register_planner
from notifications.services import Planned, reminders_schedule_many
from notifications.timing import at_local

PARTNER_COLD = "community.partner_cold"
REMIND_AT_HOUR = 9


def _cold_since_now(partnership, *, on=None):
    loaded = with_last_contact(
        Partnership.objects.filter(home_id=partnership.home_id, pk=partnership.pk)
    ).first()
    if loaded is None:
        return None, None
    on = on or timezone.localdate()
    return cold_since(loaded, last_contact_on=loaded.last_contact_on, on=on), loaded.last_contact_on


def partner_cold_stale(partnership, reminder):
    if partnership.status != Partnership.Status.ACTIVE:
        return (
            f"The partnership with {partnership.partner.name} is {partnership.get_status_display().lower()}."
        )
    since, _ = _cold_since_now(partnership)
    if since is None:
        return "Contact has been recorded since."
    if since.isoformat() != (reminder.data or {}).get("cold_since"):
        return "Contact has been recorded since; a new reminder follows if it goes cold again."
    contact = _contact_user(partnership)
    if contact is not None and reminder.user_id != contact.pk:
        return "The partnership has a new point of contact."
    return ""


def partner_cold_context(partnership, reminder):
    since, last = _cold_since_now(partnership)
    partner = partnership.partner
    url = settings.SITE_URL + reverse(
        "community:partner", kwargs={"home_slug": partnership.home.slug, "pk": partnership.pk}
    )
    to_contact = partnership.contact is not None and partnership.contact.user_id == reminder.user_id
    return {
        "partnership": partnership,
        "partner": partner,
        "rhythm": partnership.get_rhythm_display().lower(),
        "last_contact": date_format(last, "j F Y") if last else "",
        "url": url,
        "why_you": (
            f"as {partner.name}'s point of contact at {partnership.home.name}"
            if to_contact
            else f"as a manager at {partnership.home.name}: the partnership has no point of contact"
        ),
    }


def _describe(partnership):
    return f"{partnership.partner.name} going cold"


register(
    Kind(
        name=PARTNER_COLD,
        label="A community partnership is going cold (to its contact in the home)",
        model="community.Partnership",
        channels=STAFF_CHANNELS,
        staff_only=True,
        related=("home", "partner", "contact", "contact__user"),
        context=partner_cold_context,
        stale=partner_cold_stale,
        describe=_describe,
    )
)


def _managers_by_home(home_ids):
    found = {}
    members = Membership.objects.filter(
        home_id__in=home_ids, role=Role.MANAGER, is_active=True, user__is_active=True
    ).select_related("user")
    for m in members:
        found.setdefault(m.home_id, []).append(m.user)
    return found


def partner_cold_plan(now, *, home=None):
    """One message per cold spell of each active partnership (every home, or
    one ``home``). Returns how many outbox rows were made; safe to run any
    number of times."""
    on = timezone.localdate(now)
    rows = (
        Partnership.objects.filter(status=Partnership.Status.ACTIVE)
        .select_related("home", "partner", "contact", "contact__user")
        .order_by("pk")
    )
    if home is not None:
        rows = rows.filter(home=home)
    cold = []
    for p in with_last_contact(rows, now=now):
        since = cold_since(p, last_contact_on=p.last_contact_on, on=on)
        if since is not None:
            cold.append((p, since))
    managers = _managers_by_home({p.home_id for p, _ in cold if not _contact_user(p)})
    planned = []
    for p, since in cold:
        user = _contact_user(p)
        users = [user] if user else managers.get(p.home_id, [])
        if users:
            planned.append(
                Planned(
                    home=p.home,
                    obj=p,
                    users=users,
                    due=at_local(since, REMIND_AT_HOUR),
                    data={"cold_since": since.isoformat()},
                )
            )
    return reminders_schedule_many(kind=PARTNER_COLD, planned=planned, now=now)


def _contact_user(partnership):
    contact = partnership.contact
    if contact is None or not contact.is_active or not contact.user.is_active:
        return None
    return contact.user


register_planner(PARTNER_COLD, partner_cold_plan)
