"""Expiry warnings, 60, 30 and 7 days before something runs out (see
``volunteers.services.expiry`` for when and to whom):

* ``volunteers.check_expiring``: a DBS check or PVG scheme membership
  (``BackgroundCheck.valid_until``);
* ``volunteers.training_expiring``: a piece of training, of a volunteer or a
  member of staff (``TrainingRecord.expires_on``);
* ``volunteers.driver_expiring``: a driver's licence check, business-use
  insurance or MOT (which one, and its date, in the row's ``data``).

Each message says what runs out, when, and what to do: to a co-ordinator,
with a link to update the record; to the person, who to talk to. A warning is
not sent if, by its time, the record was renewed or replaced, its date
changed, or the person left (``stale``).
"""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from carehome.timeutils import day_text
from notifications.kinds import Kind, register, register_planner
from notifications.models import Channel
from volunteers import rules
from volunteers.models import BackgroundCheck, TrainingRecord, Volunteer
from volunteers.selectors.expiry import (
    CHECK,
    DRIVER_WHAT,
    INSURANCE,
    LICENCE,
    MOT,
    TRAINING,
    Renewal,
    check_what,
    training_what,
)
from volunteers.services.expiry import (
    CHECK_EXPIRING,
    DRIVER_EXPIRING,
    TRAINING_EXPIRING,
    contact_user,
    expiry_warnings_plan,
)

# Email for everyone; a text message for someone who chose texts. Never a
# letter: it could arrive after the date.
CHANNELS = (Channel.EMAIL, Channel.SMS)
PERSON = (
    "home",
    "volunteer",
    "volunteer__home",
    "volunteer__user",
    "volunteer__contact__user",
    "member__user",
)

VERB = {
    CHECK: "is due for renewal on",
    TRAINING: "needs renewing by",
    LICENCE: "is due on",
    INSURANCE: "ends on",
    MOT: "ends on",
}


def _lower_first(text):
    """ "First aid training" → "first aid training"; "PVG scheme membership" stays."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _renewal(obj, reminder):
    data = reminder.data or {}
    document = data.get("document", CHECK)
    expires_on = datetime.date.fromisoformat(data["expires_on"])
    if isinstance(obj, BackgroundCheck):
        what = check_what(obj)
    elif isinstance(obj, TrainingRecord):
        what = training_what(obj)
    else:
        what = DRIVER_WHAT.get(document, "Driving document")
    return Renewal(
        document, what, obj, expires_on, volunteer=obj.volunteer, member=getattr(obj, "member", None)
    )


def _person_user_id(renewal):
    if renewal.volunteer is not None:
        return renewal.volunteer.user_id
    return renewal.member.user_id


def _to_person(renewal, reminder):
    """Whether this row goes to the person whose record it is (not to staff about them)."""
    if reminder.user_id:
        return reminder.user_id == _person_user_id(renewal)
    volunteer = renewal.volunteer
    return volunteer is not None and reminder.recipient == f"email:{volunteer.email.strip().lower()}"


def _when(expires_on, today):
    left = (expires_on - today).days
    if left <= 0:
        return "today"
    if left == 1:
        return "tomorrow"
    return f"in {left} days"


def _who_to_ask(renewal):
    if renewal.is_staff:
        return "your manager"
    contact = contact_user(renewal.volunteer)
    return contact.full_name if contact is not None else "the volunteer co-ordinator"


def _todo(renewal, *, to_person, day):
    """What to do, in plain words."""
    if to_person:
        ask = _who_to_ask(renewal)
        return {
            CHECK: f"Please talk to {ask} about renewing it, so you can keep volunteering without a break.",
            TRAINING: f"Please ask {ask} about a refresher before then.",
            LICENCE: (
                f"Please show {ask} your driving licence again, or give them a check code from GOV.UK "
                "(“View or share your driving licence information”), so you can keep driving for the home."
            ),
            INSURANCE: (
                f"When you renew it, please show {ask} the new certificate: it must cover business use, "
                "so you can keep driving residents in your car."
            ),
            MOT: f"Please show {ask} your car's new MOT certificate when you have it.",
        }[renewal.document]
    first = renewal.person.split(" ")[0]
    if renewal.document == CHECK:
        if renewal.record.scheme == BackgroundCheck.Scheme.PVG:
            how = (
                f"Ask {first} to renew their PVG scheme membership with Disclosure Scotland, "
                "then update it in Kith."
            )
        else:
            how = (
                f"Ask {first} for a new DBS check or, if they subscribe to the DBS Update Service, "
                "check their certificate online. Then update it in Kith."
            )
        return f"{how} After {day}, {first} cannot spend time with residents until it is renewed."
    return {
        TRAINING: f"Book {first} onto a refresher, then record it in the training register.",
        LICENCE: (
            f"Look at {first}'s driving licence again, or check it online with a check code they get "
            f"from GOV.UK, and record the date. After {day}, {first} is out of the driver bank until "
            "it is checked."
        ),
        INSURANCE: (
            f"Ask {first} for their renewed certificate of insurance (it must cover business use) and "
            f"record the new end date. After {day}, {first} cannot drive residents in their car until "
            "it is recorded."
        ),
        MOT: (
            f"Ask {first} for their car's new MOT certificate and record the new date. After {day}, {first} "
            "cannot drive residents in their car until it is recorded."
        ),
    }[renewal.document]


def _why_you(renewal, reminder):
    home = renewal.record.home.name
    if renewal.volunteer is not None and renewal.volunteer.contact is not None:
        if renewal.volunteer.contact.user_id == reminder.user_id:
            return f"as {renewal.volunteer.short_name}'s contact at {home}"
    return f"as a volunteer co-ordinator at {home}"


def expiring_context(obj, reminder):
    renewal = _renewal(obj, reminder)
    home = renewal.record.home
    today = timezone.localdate()
    to_person = _to_person(renewal, reminder)
    day = day_text(renewal.expires_on, "l j F", on=today)
    if to_person:
        url = ""
        if renewal.volunteer is not None and renewal.volunteer.user_id:
            url = settings.SITE_URL + reverse("volunteers:portal", kwargs={"home_slug": home.slug})
    else:
        url = settings.SITE_URL + renewal.link(home.slug)
    found = {}
    if to_person and renewal.volunteer is not None:
        found["first_name"] = renewal.volunteer.short_name  # also for a volunteer with no account
    return {
        **found,
        "renewal": renewal,
        "person": renewal.person,
        "what": renewal.what,
        "what_lower": _lower_first(renewal.what),
        "verb": VERB[renewal.document],
        "expires_day": day,
        "expires_short": day_text(renewal.expires_on, "j M", on=today),
        "when": _when(renewal.expires_on, today),
        "to_person": to_person,
        "todo": _todo(renewal, to_person=to_person, day=day),
        "why_you": "" if to_person else _why_you(renewal, reminder),
        "url": url,
    }


# --- Stale: not worth sending any more -------------------------------------------------------


def _changed(day, reminder):
    if day is None or day.isoformat() != (reminder.data or {}).get("expires_on"):
        return "The date changed since this warning was made."
    return ""


def _left(volunteer=None, member=None):
    if volunteer is not None and volunteer.status == Volunteer.Status.LEFT:
        return f"{volunteer.full_name} has left."
    if member is not None and (not member.is_active or not member.user.is_active):
        return f"{member.user.full_name} no longer works here."
    return ""


def check_stale(check, reminder):
    if reason := _left(volunteer=check.volunteer):
        return reason
    if check.left_notified_on:
        return "Disclosure Scotland was told they left."
    if reason := _changed(check.valid_until, reminder):
        return reason
    newer = (
        BackgroundCheck.objects.for_home(check.home_id)
        .filter(volunteer_id=check.volunteer_id, scheme=check.scheme, left_notified_on__isnull=True)
        .filter(valid_until__gt=check.valid_until)
    )
    if newer.exists():
        return "A newer check has been recorded."
    return ""


def training_stale(record, reminder):
    if reason := _left(volunteer=record.volunteer, member=record.member):
        return reason
    if reason := _changed(record.expires_on, reminder):
        return reason
    same = TrainingRecord.objects.for_home(record.home_id).filter(module_id=record.module_id)
    same = (
        same.filter(volunteer_id=record.volunteer_id)
        if record.volunteer_id
        else same.filter(member_id=record.member_id)
    )
    if (
        same.filter(completed_on__gt=record.completed_on).exists()
        or same.filter(completed_on=record.completed_on, pk__gt=record.pk).exists()
    ):
        return "A refresher has been recorded since."
    return ""


def driver_stale(driver, reminder):
    if not driver.is_active:
        return "Taken out of the driver bank."
    if reason := _left(volunteer=driver.volunteer, member=driver.member):
        return reason
    document = (reminder.data or {}).get("document")
    if document == LICENCE:
        return _changed(rules.licence_check_due_on(driver, rules.settings_for(driver.home)), reminder)
    if document not in (INSURANCE, MOT):
        return "It is not clear which document this was about."
    if not driver.drives_own_car:
        return "They no longer drive their own car for the home."
    day = driver.insurance_expires_on if document == INSURANCE else driver.vehicle_check_expires_on
    return _changed(day, reminder)


def _describe(obj):
    what = check_what(obj) if isinstance(obj, BackgroundCheck) else None
    if isinstance(obj, TrainingRecord):
        what = training_what(obj)
    if what is None:
        return f"driving documents of {obj.name}"
    person = obj.volunteer.full_name if obj.volunteer_id else obj.member.user.full_name
    return f"{_lower_first(what)} of {person}"


register(
    Kind(
        name=CHECK_EXPIRING,
        label="A volunteer's background check runs out soon (60, 30 and 7 days before)",
        model="volunteers.BackgroundCheck",
        channels=CHANNELS,
        related=("home", "volunteer", "volunteer__home", "volunteer__user", "volunteer__contact__user"),
        context=expiring_context,
        stale=check_stale,
        describe=_describe,
    )
)

register(
    Kind(
        name=TRAINING_EXPIRING,
        label="Training runs out soon, a volunteer's or staff (60, 30 and 7 days before)",
        model="volunteers.TrainingRecord",
        channels=CHANNELS,
        related=(*PERSON, "module"),
        context=expiring_context,
        stale=training_stale,
        describe=_describe,
    )
)

register(
    Kind(
        name=DRIVER_EXPIRING,
        label="A driver's licence check, insurance or MOT runs out soon (60, 30 and 7 days before)",
        model="volunteers.Driver",
        channels=CHANNELS,
        related=PERSON,
        context=expiring_context,
        stale=driver_stale,
        describe=_describe,
    )
)

# One planner makes the warnings of all three kinds.
register_planner("volunteers.expiry_warnings", expiry_warnings_plan)
