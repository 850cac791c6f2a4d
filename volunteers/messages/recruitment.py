"""What an application on a "Volunteer with us" page sends.

* ``volunteers.application_thanks``: to the applicant's email address (if they
  gave one), straight away: thank you, and what happens next. Essential: they
  asked for it, and an address that turned reminders off still gets it.
* ``volunteers.new_application``: to each home's co-ordinators (everyone with
  an active champion or manager membership there), by email: who applied and
  a link to their record.

Both are queued by ``application_messages_schedule`` inside the application's
transaction (``volunteers.services.public``).
"""

from django.conf import settings
from django.urls import reverse

from homes.models import Membership, Role
from notifications.kinds import STAFF_CHANNELS, Kind, register
from notifications.models import Channel
from notifications.services import reminders_schedule

APPLICATION_THANKS = "volunteers.application_thanks"
NEW_APPLICATION = "volunteers.new_application"
COORDINATOR_ROLES = (Role.CHAMPION, Role.MANAGER)


def in_words(names):
    """ "Rowan House", "Rowan House and Birch Court", "A, B and C"."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def thanks_context(volunteer, reminder):
    home = volunteer.home
    homes = (reminder.data or {}).get("homes") or [home.name]
    several = len(homes) > 1
    if several:
        check = "a background check"
    elif home.in_scotland:
        check = "membership of the PVG scheme (Protecting Vulnerable Groups), run by Disclosure Scotland"
    else:
        check = "a DBS check (from the Disclosure and Barring Service)"
    return {
        "volunteer": volunteer,
        "homes": homes,
        "homes_text": in_words(homes),
        "several": several,
        "check": check,
    }


def new_application_context(volunteer, reminder):
    also = (reminder.data or {}).get("also") or []
    return {
        "volunteer": volunteer,
        "roles": [role.name for role in volunteer.roles.all()],
        "also_text": in_words(also),
        "url": settings.SITE_URL
        + reverse(
            "volunteers:volunteer_detail", kwargs={"home_slug": volunteer.home.slug, "pk": volunteer.pk}
        ),
    }


def new_application_stale(volunteer, reminder):
    if volunteer.status == volunteer.Status.LEFT:
        return f"{volunteer.full_name} has left since."
    return ""


def application_describe(volunteer):
    """For the Messages page: "Ann Smith's application"."""
    return f"{volunteer.full_name}'s application"


register(
    Kind(
        name=APPLICATION_THANKS,
        label="Thank you for applying to volunteer (to the applicant)",
        model="volunteers.Volunteer",
        essential=True,
        channels=(Channel.EMAIL,),
        related=("home",),
        context=thanks_context,
        describe=application_describe,
    )
)
register(
    Kind(
        name=NEW_APPLICATION,
        label="New volunteer application (to the co-ordinators)",
        model="volunteers.Volunteer",
        channels=STAFF_CHANNELS,
        staff_only=True,
        related=("home",),
        context=new_application_context,
        stale=new_application_stale,
        describe=application_describe,
    )
)


def coordinators(home):
    """The people told about a new application: active champions and managers."""
    members = (
        Membership.objects.for_home(home)
        .active()
        .filter(role__in=COORDINATOR_ROLES)
        .select_related("user")
        .order_by("pk")
    )
    return [m.user for m in members]


def application_messages_schedule(*, volunteers, now):
    """The thank-you to the applicant (once, however many homes) and the
    notice to each home's co-ordinators. Call inside the application's
    transaction. Returns the number of messages queued."""
    first = volunteers[0]
    names = [v.home.name for v in volunteers]
    queued = 0
    if first.email:
        queued += reminders_schedule(
            home=first.home,
            kind=APPLICATION_THANKS,
            obj=first,
            recipients=[first.email],
            due=now,
            data={"homes": names},
            now=now,
        )
    for volunteer in volunteers:
        users = coordinators(volunteer.home)
        if not users:
            continue
        queued += reminders_schedule(
            home=volunteer.home,
            kind=NEW_APPLICATION,
            obj=volunteer,
            recipients=users,
            due=now,
            data={"also": [n for n in names if n != volunteer.home.name]},
            now=now,
        )
    return queued
