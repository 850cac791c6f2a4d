"""Writes for the outbox and people's contact choices.

Feature services call ``reminders_schedule`` inside their own transaction (the
booking and its reminders commit together) and ``reminders_cancel`` when the
thing is cancelled or moved. Rows due now are handed to a worker as soon as
the transaction commits; the rest wait for the sweeper (every minute).
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.lib.phones import display_phone, mobile_number  # noqa: F401 - display_phone for the views
from carehome.prepared import Prepared
from homes.scoping import crossing_homes
from notifications.courier import hand_out
from notifications.kinds import UnknownKind, get_kind
from notifications.models import AUTOMATIC_CHANNELS, RETRYABLE_OUTCOMES, Channel, ContactPreference, Reminder
from notifications.timing import after_quiet_hours, holds_daytime, quiet_hours

logger = logging.getLogger(__name__)

Status = Reminder.Status

# Words the forms show too (they import them from here).
CHANNEL_CHOICE_ERROR = "Choose from email, text message or post."
NO_CHANNEL = "Choose at least one way for us to reach you."
QUIET_FROM_MISSING = "Enter when quiet hours start, like 21:00."
QUIET_UNTIL_MISSING = "Enter when quiet hours end, like 08:00."


def recipient_key(person):
    """ "user:<id>" for a User, "email:<address>" for a bare email address."""
    if isinstance(person, str):
        return f"email:{person.strip().lower()}"
    return f"user:{person.pk}"


def preferences_for(users):
    """{user id: ContactPreference or None} in one query."""
    ids = list(dict.fromkeys(u.pk for u in users))
    if 0 < len(ids) <= _PREPARED_UP_TO:
        rows = _PREFERENCES.rows(len(ids), *ids)
    else:
        rows = ContactPreference.objects.filter(user_id__in=ids)
    found = {p.user_id: p for p in rows}
    return {pk: found.get(pk) for pk in ids}


# Every booking and change asks it for one person: prepared once per
# connection for each number of people up to a few (carehome.prepared).
_PREPARED_UP_TO = 4
_PREFERENCES = Prepared(
    "kith_contact_preferences", lambda count, *ids: ContactPreference.objects.filter(user_id__in=ids)
)


def _opted_out_addresses(addresses):
    if not addresses:
        return set()
    return set(
        ContactPreference.objects.filter(
            email_address__in=addresses, reminders_off_at__isnull=False
        ).values_list("email_address", flat=True)
    )


def channels_for(kind, preference, *, channel=None):
    """The channels a person gets this kind by: their choices that the kind
    allows; email if none of their choices fits. ``channel`` forces one."""
    if channel is not None:
        if channel not in Channel.values:
            raise DomainError("Choose email, text message or post.", field="channel")
        return [channel] if channel in kind.channels else []
    chosen = preference.channels if preference else [Channel.EMAIL]
    usable = [c for c in chosen if c in kind.channels]
    if not usable and Channel.EMAIL in kind.channels:
        usable = [Channel.EMAIL]
    return usable


def reminders_schedule(
    *, home, kind, obj, recipients, due, expires_at=None, data=None, channel=None, now=None
):
    """Create the rows for one message about ``obj`` to each of ``recipients``
    (Users, or email addresses for people without an account), due at ``due``.

    Call it inside the transaction that causes the message. A row that already
    exists (same kind, object, recipient, channel and due time, not cancelled)
    is left as it is, so planners and retried requests may call this again.
    Returns the number of rows created. Nothing is made for a reminder already
    past its ``expires_at``, for people who turned reminders off (unless the
    kind is essential), or for inactive accounts.
    """
    message = Message(kind=kind, due=due, expires_at=expires_at, data=data or {})
    return reminders_schedule_messages(
        home=home, obj=obj, recipients=recipients, messages=[message], channel=channel, now=now
    )


@dataclass(frozen=True)
class Message:
    """One message about an object, for ``reminders_schedule_messages``."""

    kind: str
    due: datetime.datetime
    expires_at: datetime.datetime | None = None
    data: dict = field(default_factory=dict)


def reminders_schedule_messages(*, home, obj, recipients, messages, channel=None, now=None, fresh=False):
    """``reminders_schedule`` for several messages about one ``obj`` to the
    same ``recipients`` (a confirmation and its reminders), with the same rules,
    in one insert. Returns the number of rows created.

    ``fresh``: ``obj`` was created in this transaction, so none of its rows can
    exist yet. They are inserted plainly (their ids come back with the insert),
    the ones due now are marked handed out in that insert, and on commit they
    go to a worker with no further query (``hand_out_after_commit``)."""
    now = now or timezone.now()
    found = reminder_rows(
        home=home, obj=obj, recipients=recipients, messages=messages, channel=channel, now=now, fresh=fresh
    )
    if found is None:
        return 0
    rows, wanted, object_type = found
    if fresh:
        Reminder.objects.bulk_create(rows)
        hand_out_after_commit(home, rows)
        return len(rows)
    # ON CONFLICT DO NOTHING against the partial unique index: a repeat is absorbed.
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    for message, definition in wanted:
        _deliver_due_after_commit(
            home=home,
            kind=definition.name,
            object_type=object_type,
            object_id=obj.pk,
            due=message.due,
            now=now,
        )
    return len(rows)


def reminder_rows(*, home, obj, recipients, messages, channel=None, now=None, fresh=False):
    """The outbox rows ``reminders_schedule_messages`` would insert, not
    saved: ``(rows, [(message, kind)], object type)``, or None if there are
    none. With ``fresh``, the rows due now are marked handed out
    (``queued_at``): after they are written, ``hand_out_after_commit``."""
    try:
        definitions = [get_kind(m.kind) for m in messages]
    except UnknownKind as error:
        raise DomainError(str(error)) from error
    now = now or timezone.now()
    wanted = [
        (m, d)
        for m, d in zip(messages, definitions, strict=True)
        if m.expires_at is None or m.expires_at > now
    ]
    if not wanted:
        return None
    object_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    users = [r for r in recipients if not isinstance(r, str)]
    addresses = sorted({r.strip().lower() for r in recipients if isinstance(r, str) and r.strip()})
    preferences = preferences_for(users) if users else {}
    opted_out = _opted_out_addresses(addresses) if any(not d.essential for _, d in wanted) else set()
    rows = []

    for message, definition in wanted:
        seen = set()

        def add(
            person, key, chosen_channel, *, address="", message=message, definition=definition, seen=seen
        ):
            if (key, chosen_channel) in seen:
                return
            seen.add((key, chosen_channel))
            not_before = message.due
            if chosen_channel == Channel.SMS:
                not_before = after_quiet_hours(message.due, *quiet_hours(home))
            rows.append(
                Reminder(
                    home=home,
                    kind=definition.name,
                    channel=chosen_channel,
                    recipient=key,
                    user=person,
                    address=address,
                    object_type=object_type,
                    object_id=obj.pk,
                    due=message.due,
                    not_before=not_before,
                    expires_at=message.expires_at,
                    data=message.data,
                )
            )

        for user in users:
            if not user.is_active:
                continue
            preference = preferences[user.pk]
            if not definition.essential and preference and preference.reminders_off:
                continue
            for chosen in channels_for(definition, preference, channel=channel):
                add(user, recipient_key(user), chosen)
        for address in addresses:
            if (
                address in opted_out and not definition.essential
            ) or Channel.EMAIL not in definition.channels:
                continue
            if channel not in (None, Channel.EMAIL):
                continue
            add(None, recipient_key(address), Channel.EMAIL, address=address)

    if not rows:
        return None
    if fresh:
        for row in rows:
            if row.channel in AUTOMATIC_CHANNELS and row.not_before <= now:
                row.queued_at = now
    return rows, wanted, object_type


@dataclass(frozen=True)
class Planned:
    """One message about ``obj`` to each of ``users``, for ``reminders_schedule_many``."""

    home: object
    obj: object
    users: list
    due: datetime.datetime
    expires_at: datetime.datetime | None = None
    data: dict = field(default_factory=dict)


def reminders_schedule_many(*, kind, planned, now=None):
    """``reminders_schedule`` for many objects at once — what planners and the
    demo use: the same rules (each person's channels that the kind allows,
    nothing for closed accounts or, unless essential, people who turned
    reminders off, nothing already expired) in a fixed number of queries
    however many rows. Rows already there (not cancelled) are left alone.
    Returns how many rows were created. Nothing is handed to a worker here:
    the sweeper sends what is due within the minute."""
    definition = get_kind(kind)
    now = now or timezone.now()
    planned = [p for p in planned if p.expires_at is None or p.expires_at > now]
    if not planned:
        return 0
    preferences = preferences_for(list({u.pk: u for p in planned for u in p.users}.values()))
    homes, quiet, rows = {}, {}, {}
    for item in planned:
        home = homes.setdefault(item.home.pk, item.home)
        object_type = ContentType.objects.get_for_model(item.obj, for_concrete_model=True)  # cached
        for user in item.users:
            preference = preferences[user.pk]
            if not user.is_active or (not definition.essential and preference and preference.reminders_off):
                continue
            for channel in channels_for(definition, preference):
                key = (object_type.pk, item.obj.pk, recipient_key(user), channel, item.due)
                not_before = item.due
                if channel == Channel.SMS:
                    if home.pk not in quiet:
                        quiet[home.pk] = quiet_hours(home)
                    not_before = after_quiet_hours(item.due, *quiet[home.pk])
                rows[key] = Reminder(
                    home=home,
                    kind=definition.name,
                    channel=channel,
                    recipient=key[2],
                    user=user,
                    object_type=object_type,
                    object_id=item.obj.pk,
                    due=item.due,
                    not_before=not_before,
                    expires_at=item.expires_at,
                    data=item.data or {},
                )
    if not rows:
        return 0
    existing = set(
        Reminder.objects.filter(
            kind=definition.name,
            object_id__in={key[1] for key in rows},
            due__in={key[4] for key in rows},
        )
        .exclude(status=Status.CANCELLED)
        .values_list("object_type_id", "object_id", "recipient", "channel", "due")
    )
    new = [row for key, row in rows.items() if key not in existing]
    # A planner running at the same moment elsewhere: ON CONFLICT DO NOTHING.
    Reminder.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def hand_out_after_commit(home, rows):
    """Rows inserted already marked handed out (``queued_at``) go to a worker
    straight after commit (``notifications.courier``), in the sweeper's
    batches. If the broker cannot take them they are marked waiting again,
    and the sweeper sends them."""
    ids = [row.pk for row in rows if row.queued_at is not None]
    if ids:
        transaction.on_commit(lambda: hand_out(home.pk, ids))


def _deliver_due_after_commit(*, home, kind, object_type, object_id, due, now):
    """Rows due now go to a worker straight after commit; later ones wait for the sweeper."""
    if due > now:
        return
    from notifications.tasks import deliver  # noqa: PLC0415

    def send():
        ids = list(
            Reminder.objects.for_home(home)
            .filter(
                kind=kind,
                object_type=object_type,
                object_id=object_id,
                due=due,
                status=Status.PENDING,
                channel__in=[Channel.EMAIL, Channel.SMS],
                not_before__lte=timezone.now(),
            )
            .values_list("pk", flat=True)
        )
        # In the sweeper's batches, marked handed out so the sweeper does not
        # hand them out again while they wait in the queue.
        size = settings.NOTIFY_BATCH_SIZE
        for start in range(0, len(ids), size):
            batch = ids[start : start + size]
            try:
                deliver.apply_async(args=[batch])
            except Exception:  # broker down: the rows are pending; the sweeper sends them
                logger.exception("could not hand reminders %s to a worker", ids[start:])
                return
            Reminder.objects.for_home(home).filter(pk__in=batch, status=Status.PENDING).update(
                queued_at=timezone.now()
            )

    transaction.on_commit(send)


def reminders_cancel(*, obj, kinds=None, reason):
    """Cancel the waiting reminders about ``obj`` (of ``kinds``, or all). Rows
    already sending are left to their worker, which checks the object again
    before it sends. Returns how many were cancelled."""
    object_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    # Every object a reminder is about belongs to a home (or is the home).
    home_id = obj.pk if obj._meta.label == "homes.Home" else obj.home_id
    rows = Reminder.objects.for_home(home_id).filter(
        object_type=object_type, object_id=obj.pk, status=Status.PENDING
    )
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    return rows.update(status=Status.CANCELLED, cancelled_reason=reason[:200], queued_at=None)


def reminder_retry(*, home, actor, reminder_id):
    """A manager's "Try again" on a message that could not be sent."""
    from notifications.tasks import deliver  # noqa: PLC0415

    now = timezone.now()
    with transaction.atomic():
        # Only a row the provider never accepted: one it may have sent is not sent twice.
        updated = Reminder.objects.filter(
            home=home, pk=reminder_id, status=Status.FAILED, outcome__in=RETRYABLE_OUTCOMES
        ).update(
            status=Status.PENDING,
            outcome="",
            attempts=0,
            not_before=now,
            queued_at=None,
            claim=None,
            cancelled_reason="",
            last_error=f"Tried again by {actor.full_name or actor.email} "
            f"on {timezone.localtime(now):%d %b %Y %H:%M}.",
        )
        if not updated:
            if not Reminder.objects.filter(home=home, pk=reminder_id).exists():
                raise Reminder.DoesNotExist
            raise DomainError("This message is not waiting for a retry any more.")
        reminder = Reminder.objects.for_home(home).get(pk=reminder_id)
        if reminder.channel != Channel.POST:
            deliver.enqueue_on_commit([reminder_id])
    return reminder


def reminder_mark_posted(*, home, actor, reminder_id):
    """Staff have printed and posted a letter."""
    now = timezone.now()
    updated = Reminder.objects.filter(
        home=home, pk=reminder_id, channel=Channel.POST, status=Status.PENDING
    ).update(
        status=Status.SENT,
        sent_at=now,
        attempts=1,
        last_error="",
        address=f"Posted by {actor.full_name or actor.email}",
    )
    if not updated:
        if not Reminder.objects.filter(home=home, pk=reminder_id, channel=Channel.POST).exists():
            raise Reminder.DoesNotExist
        raise DomainError("This letter is already marked as posted or was cancelled.")
    return Reminder.objects.for_home(home).get(pk=reminder_id)


# --- People's choices ----------------------------------------------------------


# Phone numbers are checked and shown in one place (carehome.lib.phones).
normalise_phone = mobile_number


def preference_update(*, user, channels, phone="", postal_address="", reminders=True):
    """Save how ``user`` wants to be reached. ``channels`` is a list of
    "email", "sms", "post"; anything else is refused with a message."""
    channels = list(channels or [])
    unknown = [c for c in channels if c not in Channel.values]
    if unknown:
        raise DomainError(CHANNEL_CHOICE_ERROR, field="channels")
    if not channels:
        raise DomainError(NO_CHANNEL, field="channels")
    phone = (phone or "").strip()
    postal_address = "\n".join(
        line.strip() for line in (postal_address or "").strip().splitlines() if line.strip()
    )
    if Channel.SMS in channels or phone:
        phone = normalise_phone(phone)
    if Channel.POST in channels and not postal_address:
        raise DomainError("Enter the address for letters, including the postcode.", field="postal_address")
    if len(postal_address) > 500:
        raise DomainError("Keep the address under 500 characters.", field="postal_address")
    now = timezone.now()
    with transaction.atomic(), acting_as(user):
        preference, _ = ContactPreference.objects.select_for_update().get_or_create(user=user)
        preference.by_email = Channel.EMAIL in channels
        preference.by_text = Channel.SMS in channels
        preference.by_post = Channel.POST in channels
        preference.phone = phone
        preference.postal_address = postal_address
        turning_off = not reminders and preference.reminders_off_at is None
        if reminders:
            preference.reminders_off_at = None
        elif preference.reminders_off_at is None:
            preference.reminders_off_at = now
        preference.save()
        # Waiting messages by a channel they no longer want are not sent that way.
        dropped = [c for c in Channel.values if c not in channels]
        with crossing_homes("a person's contact choices hold for every home they belong to"):
            Reminder.objects.filter(
                recipient=recipient_key(user), status=Status.PENDING, channel__in=dropped
            ).update(status=Status.CANCELLED, cancelled_reason="They stopped messages by this channel.")
            if turning_off:
                _cancel_non_essential(recipient_key(user))
    return preference


def _cancel_non_essential(key):
    from notifications.kinds import all_kinds  # noqa: PLC0415

    optional = [k.name for k in all_kinds() if not k.essential]
    with crossing_homes("turning reminders off holds for every home the person belongs to"):
        return Reminder.objects.filter(recipient=key, status=Status.PENDING, kind__in=optional).update(
            status=Status.CANCELLED, cancelled_reason="They turned reminders off."
        )


def reminders_stop(*, subject):
    """The "stop" link: turn off non-essential messages for the person the
    signed token names ({"u": user id} or {"e": address}). Safe to repeat."""
    from accounts.models import User  # noqa: PLC0415

    now = timezone.now()
    with transaction.atomic():
        if "u" in subject:
            user = User.objects.filter(pk=subject["u"]).first()
            if user is None:
                raise DomainError("This link is for an account that no longer exists.")
            with acting_as(user):
                preference, _ = ContactPreference.objects.select_for_update().get_or_create(user=user)
                if preference.reminders_off_at is None:
                    preference.reminders_off_at = now
                    preference.save(update_fields=["reminders_off_at", "updated_at"])
            _cancel_non_essential(recipient_key(user))
        else:
            address = subject["e"].strip().lower()
            preference, _ = ContactPreference.objects.select_for_update().get_or_create(email_address=address)
            if preference.reminders_off_at is None:
                preference.reminders_off_at = now
                preference.save(update_fields=["reminders_off_at", "updated_at"])
            _cancel_non_essential(recipient_key(address))
    return preference


def reminders_restart(*, subject):
    """Undo the "stop" link from the page it lands on."""
    from accounts.models import User  # noqa: PLC0415

    with transaction.atomic():
        if "u" in subject:
            user = User.objects.filter(pk=subject["u"]).first()
            if user is None:
                raise DomainError("This link is for an account that no longer exists.")
            with acting_as(user):
                preference, _ = ContactPreference.objects.get_or_create(user=user)
                preference.reminders_off_at = None
                preference.save(update_fields=["reminders_off_at", "updated_at"])
        else:
            preference, _ = ContactPreference.objects.get_or_create(
                email_address=subject["e"].strip().lower()
            )
            preference.reminders_off_at = None
            preference.save(update_fields=["reminders_off_at", "updated_at"])
    return preference


def message_settings_update(*, home, actor, quiet_from, quiet_until, daytime_confirmed=False):
    """Save a home's quiet hours. Hours that hold texts during the day (most
    likely typed the wrong way round, 08:00–21:00) need ``daytime_confirmed``."""
    from notifications.models import MessageSettings  # noqa: PLC0415

    if quiet_from is None:
        raise DomainError(QUIET_FROM_MISSING, field="quiet_from")
    if quiet_until is None:
        raise DomainError(QUIET_UNTIL_MISSING, field="quiet_until")
    span = (
        datetime.datetime.combine(datetime.date.min, quiet_until)
        - datetime.datetime.combine(datetime.date.min, quiet_from)
    ).seconds
    if quiet_from != quiet_until and span < 60 * 60 * 6:
        raise DomainError(
            "Quiet hours are for the night: make them at least 6 hours, or the same time to switch them off.",
            field="quiet_until",
        )
    if holds_daytime(quiet_from, quiet_until) and not daytime_confirmed:
        start, end = quiet_from.strftime("%H:%M"), quiet_until.strftime("%H:%M")
        raise DomainError(
            f"Texts will wait from {start} until {end}, so none would be sent during the day — "
            f"is that right? For quiet nights, swap the times ({end} to {start}). "
            "To hold texts during the day, tick the box below to confirm.",
            field="quiet_from",
        )
    with transaction.atomic(), acting_as(actor):
        saved, _ = MessageSettings.objects.select_for_update().get_or_create(home=home)
        saved.quiet_from = quiet_from
        saved.quiet_until = quiet_until
        saved.save()
    return saved


def test_message_send(*, home, actor):
    """A manager sends themselves a test message by each of their channels."""
    from notifications.messages import TEST_MESSAGE  # noqa: PLC0415

    with transaction.atomic():
        return reminders_schedule(
            home=home, kind=TEST_MESSAGE.name, obj=home, recipients=[actor], due=timezone.now()
        )
