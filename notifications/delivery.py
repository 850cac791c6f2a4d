"""Sending: claim a row, check it is still wanted, render, send, record.

Guarantees, and how:

* **Once.** A worker claims each row with one conditional UPDATE
  (pending and due → sending, with a fresh claim id). A duplicated or
  redelivered Celery message, or a second sweeper, finds nothing to claim. The
  row is marked sent straight after the provider accepts the message, fenced
  by the claim id, so a late worker cannot overwrite a newer attempt. The only
  gap left is a worker killed in the instant between the provider's "accepted"
  and that UPDATE; the email's Message-ID and the text message's idempotency
  key are the reminder's own, so providers that de-duplicate drop the repeat.
* **Never lost.** Rows live in PostgreSQL. A worker killed mid-send leaves
  rows "sending": the reaper returns them after ``NOTIFY_SENDING_TIMEOUT``. A
  message the broker lost (Redis restarted) leaves rows pending with an old
  ``queued_at``: the sweeper hands them out again after ``NOTIFY_REQUEUE_AFTER``.
* **Transient vs permanent.** Connection trouble and 4xx SMTP answers retry with
  backoff (1, 2, 4… minutes) up to ``NOTIFY_MAX_ATTEMPTS``; a refused address or
  a broken template fails at once. Failed rows are on the manager's Messages page
  with a "Try again" button.
"""

import logging
import re
import smtplib
import traceback
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from homes.scoping import crossing_homes, home_scope
from notifications import sms
from notifications.kinds import UnknownKind, get_kind
from notifications.models import AUTOMATIC_CHANNELS, Channel, ContactPreference, Heartbeat, Reminder
from notifications.timing import after_quiet_hours, in_quiet_hours, quiet_hours, retry_delay
from notifications.tokens import stop_url

logger = logging.getLogger(__name__)

Status = Reminder.Status


class Cancel(Exception):
    """Not worth sending any more (the visit was cancelled, the person opted out)."""


@dataclass
class Composed:
    subject: str = ""
    text: str = ""
    html: str = ""
    sms: str = ""
    attachments: list = field(default_factory=list)
    headers: dict = field(default_factory=dict)


def message_id(reminder):
    domain = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "kith.local"
    return f"<reminder-{reminder.pk}@{domain}>"


def idempotency_key(reminder):
    return f"kith-reminder-{reminder.pk}"


def recipient_details(reminder, preference):
    """(name, email, phone, postal address) for the row's recipient."""
    if reminder.user_id:
        user = reminder.user
        name = user.full_name or user.email
        return (
            name,
            user.email,
            (preference.phone if preference else ""),
            (preference.postal_address if preference else ""),
        )
    return "", reminder.recipient.split(":", 1)[1], "", ""


def compose(reminder, obj=None, *, preference=None):
    """Render a reminder's subject, plain text, HTML and text message body."""
    kind = get_kind(reminder.kind)
    if obj is None:
        obj = kind.load(reminder.object_id, home_id=reminder.home_id)
    name, email, _, _ = recipient_details(reminder, preference)
    if reminder.user_id:
        stop = stop_url(user_id=reminder.user_id)
    else:
        stop = stop_url(email=email)
    context = {
        "reminder": reminder,
        "home": reminder.home,
        "name": name,
        "first_name": (name or "").split(" ")[0],
        "site_url": settings.SITE_URL,
        "stop_url": stop,
        "preferences_url": settings.SITE_URL + "/account/messages/",
        "essential": kind.essential,
        "kind": kind,
        "object": obj,
        **kind.context(obj, reminder),
    }
    folder = kind.templates
    composed = Composed(
        subject=" ".join(render_to_string(f"{folder}/subject.txt", context).split()),
        text=render_to_string(f"{folder}/body.txt", context),
        html=render_to_string(f"{folder}/body.html", context),
        headers={"Message-ID": message_id(reminder), "X-Kith-Reminder": str(reminder.pk)},
    )
    if reminder.channel == Channel.SMS:
        composed.sms = " ".join(render_to_string(f"{folder}/sms.txt", context).split())
    if kind.attachments and reminder.channel == Channel.EMAIL:
        composed.attachments = list(kind.attachments(obj, reminder))
    if not kind.essential:
        composed.headers["List-Unsubscribe"] = f"<{stop}>"
        composed.headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return composed


# An email address, with the angle brackets mail servers put round it.
EMAIL_ADDRESS = re.compile(r"<?[^\s<>@'\"(),;:\[\]]+@[^\s<>@'\"(),;:\[\]]+>?")
# A phone number as providers echo it (+447700900123, 07700 900 123, (0161) 496-0000).
PHONE_NUMBER = re.compile(r"(?<![\w.])\+?\(?\d[\d\s().-]{7,}\d(?![\w.])")


def for_the_log(error):
    """Error text as it may be logged: no email addresses or phone numbers (a
    mail server's or SMS provider's answer often repeats the recipient's). The
    row keeps the whole text for the manager's Messages page."""
    return PHONE_NUMBER.sub(_mask_number, EMAIL_ADDRESS.sub("<address>", str(error)))


def _mask_number(match):
    text = match.group(0)
    digits = sum(c.isdigit() for c in text)
    if digits < 9 or re.match(r"\d{4}-\d{2}-\d{2}", text):  # short codes, dates and times stay
        return text
    return "<number>"


def _is_permanent_smtp(error):
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return all(code >= 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


class Sender:
    """Sends claimed rows, keeping one SMTP connection open for a batch."""

    def __init__(self):
        self._mail = None
        # A batch often holds many messages about one thing (a door code
        # change to every regular visitor, an invitation to twenty families):
        # load it once per batch. Each message still gets its own stale check.
        self._objects = {}
        self._homes = {}

    def load(self, kind, reminder):
        key = (kind.name, reminder.object_id)
        if key not in self._objects:
            self._objects[key] = kind.load(reminder.object_id, home_id=reminder.home_id)
        return self._objects[key]

    def home(self, reminder):
        """The row's home, one instance per batch (its quiet hours are read once)."""
        return self._homes.setdefault(reminder.home_id, reminder.home)

    def mail_connection(self):
        if self._mail is None:
            self._mail = get_connection(fail_silently=False)
            self._mail.open()
        return self._mail

    def drop_mail_connection(self):
        if self._mail is not None:
            try:
                self._mail.close()
            except Exception as error:  # already broken
                logger.debug("closing a broken mail connection: %s", error)
            self._mail = None

    def close(self):
        self.drop_mail_connection()

    def send_email(self, reminder, composed, address):
        message = EmailMultiAlternatives(
            subject=composed.subject,
            body=composed.text,
            to=[address],
            headers=composed.headers,
            connection=self.mail_connection(),
        )
        message.attach_alternative(composed.html, "text/html")
        for filename, content, mimetype in composed.attachments:
            message.attach(filename, content, mimetype)
        try:
            message.send()
        except Exception:
            self.drop_mail_connection()
            raise

    def send_sms(self, reminder, composed, phone):
        sms.get_backend().send(to=phone, body=composed.sms, idempotency_key=idempotency_key(reminder))


def claim(reminder_id, now):
    """pending and due → sending; returns the claim id or None."""
    token = uuid.uuid4()
    claimed = Reminder.objects.filter(
        pk=reminder_id, status=Status.PENDING, not_before__lte=now, channel__in=AUTOMATIC_CHANNELS
    ).update(status=Status.SENDING, claim=token, claimed_at=now, attempts=F("attempts") + 1)
    return token if claimed else None


def _finish(reminder, token, **fields):
    return (
        Reminder.objects.for_home(reminder.home_id)
        .filter(pk=reminder.pk, claim=token, status=Status.SENDING)
        .update(**fields)
    )


def deliver(ids, *, now=None):
    """Send each of ``ids`` that can be claimed. Returns a count per outcome."""
    outcomes = {"sent": 0, "skipped": 0, "cancelled": 0, "retry": 0, "failed": 0, "deferred": 0}
    sender = Sender()
    try:
        for reminder_id in ids:
            outcome = deliver_one(reminder_id, sender=sender, now=now)
            outcomes[outcome] += 1
    finally:
        sender.close()
    return outcomes


def deliver_one(reminder_id, *, sender, now=None):
    now = now or timezone.now()
    token = claim(reminder_id, now)
    if token is None:
        return "skipped"
    with crossing_homes("the claimed reminder's id is what finds its home"):
        reminder = Reminder.objects.select_related("home", "user").get(pk=reminder_id)
    try:
        with home_scope(reminder.home_id):
            return _deliver_claimed(reminder, token, sender, now)
    except Exception as error:  # a bug must fail this row, not the batch
        # The traceback helps fix the bug; the error text may carry an address.
        logger.error(
            "reminder %s failed:\n%s", reminder_id, for_the_log("".join(traceback.format_exception(error)))
        )
        _finish(
            reminder,
            token,
            status=Status.FAILED,
            last_error=f"Kith could not prepare this message: {error}"[:2000],
            claim=None,
        )
        return "failed"


def _deliver_claimed(reminder, token, sender, now):
    try:
        kind = get_kind(reminder.kind)
    except UnknownKind as error:
        _finish(reminder, token, status=Status.FAILED, last_error=str(error), claim=None)
        return "failed"

    try:
        obj, preference = _still_wanted(reminder, kind, now, sender)
    except Cancel as cancel:
        _finish(reminder, token, status=Status.CANCELLED, cancelled_reason=str(cancel)[:200], claim=None)
        return "cancelled"

    name, email, phone, _ = recipient_details(reminder, preference)
    if reminder.channel == Channel.SMS:
        if reminder.user_id and not (preference and preference.by_text and phone):
            _finish(
                reminder,
                token,
                status=Status.CANCELLED,
                cancelled_reason="They no longer get text messages.",
                claim=None,
            )
            return "cancelled"
        quiet_from, quiet_until = quiet_hours(sender.home(reminder))
        if in_quiet_hours(now, quiet_from, quiet_until):
            # Not an attempt: wait for the morning.
            _finish(
                reminder,
                token,
                status=Status.PENDING,
                not_before=after_quiet_hours(now, quiet_from, quiet_until),
                attempts=F("attempts") - 1,
                queued_at=None,
                claim=None,
            )
            return "deferred"
        address = phone
    else:
        address = email
    if not address:
        _finish(
            reminder, token, status=Status.FAILED, last_error="There is no address to send it to.", claim=None
        )
        return "failed"

    composed = compose(reminder, obj, preference=preference)
    try:
        if reminder.channel == Channel.SMS:
            sender.send_sms(reminder, composed, address)
        else:
            sender.send_email(reminder, composed, address)
    except sms.PermanentSendError as error:
        return _failed(reminder, token, str(error), address)
    except smtplib.SMTPException as error:
        if _is_permanent_smtp(error):
            return _failed(reminder, token, f"The mail server refused it: {error}", address)
        return _retry_later(reminder, token, f"The mail server answered: {error}", now)
    except (TimeoutError, sms.TransientSendError, OSError) as error:
        return _retry_later(reminder, token, f"Could not reach the server: {error}", now)

    _finish(
        reminder,
        token,
        status=Status.SENT,
        sent_at=timezone.now(),
        address=address,
        last_error="",
        claim=None,
    )
    if kind.on_sent:
        try:
            kind.on_sent(obj, reminder)
        except Exception:  # a bookkeeping hook must not turn a sent message into a failure
            logger.exception("on_sent for reminder %s", reminder.pk)
    return "sent"


def _still_wanted(reminder, kind, now, sender):
    """(object, preference), or ``Cancel`` with the reason it should not go."""
    if reminder.expires_at and reminder.expires_at <= now:
        raise Cancel("Too late to be useful.")
    obj = sender.load(kind, reminder)
    if obj is None:
        raise Cancel("What it was about no longer exists.")
    reason = kind.stale(obj, reminder)
    if reason:
        raise Cancel(reason)
    preference = None
    if reminder.user_id:
        if not reminder.user.is_active:
            raise Cancel("Their account is closed.")
        preference = ContactPreference.objects.filter(user_id=reminder.user_id).first()
    elif not kind.essential:
        address = reminder.recipient.split(":", 1)[1]
        preference = ContactPreference.objects.filter(email_address=address).first()
    if not kind.essential and preference and preference.reminders_off:
        raise Cancel("They turned reminders off.")
    return obj, preference


def _failed(reminder, token, error, address):
    _finish(reminder, token, status=Status.FAILED, last_error=error[:2000], address=address, claim=None)
    logger.warning("reminder %s failed: %s", reminder.pk, for_the_log(error))
    return "failed"


def _retry_later(reminder, token, error, now):
    attempts = reminder.attempts  # loaded after the claim counted this try
    if attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        _finish(
            reminder,
            token,
            status=Status.FAILED,
            last_error=f"Gave up after {attempts} tries. {error}"[:2000],
            claim=None,
        )
        logger.warning("reminder %s gave up: %s", reminder.pk, for_the_log(error))
        return "failed"
    wait = retry_delay(attempts)
    _finish(
        reminder,
        token,
        status=Status.PENDING,
        not_before=now + timezone.timedelta(seconds=wait),
        last_error=error[:2000],
        queued_at=None,
        claim=None,
    )
    logger.info("reminder %s will be tried again in %ss: %s", reminder.pk, wait, for_the_log(error))
    return "retry"


# --- The sweeper and the reaper ------------------------------------------------


def beat(name, now=None):
    now = now or timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"at": now})


def reap(now=None):
    """Rows a dead worker left "sending" go back to pending (or fail, if they
    have had all their tries). Returns how many were returned."""
    now = now or timezone.now()
    cutoff = now - timezone.timedelta(seconds=settings.NOTIFY_SENDING_TIMEOUT)
    stuck = Reminder.objects.filter(status=Status.SENDING, claimed_at__lt=cutoff)
    failed = stuck.filter(attempts__gte=settings.NOTIFY_MAX_ATTEMPTS).update(
        status=Status.FAILED,
        claim=None,
        last_error="The worker stopped while sending it, too many times.",
    )
    returned = stuck.update(
        status=Status.PENDING,
        claim=None,
        queued_at=None,
        not_before=now,
        last_error="The worker stopped while sending it; trying again.",
    )
    if returned or failed:
        logger.warning("reaper: %s reminders returned, %s failed", returned, failed)
    return returned


def expire(now=None):
    now = now or timezone.now()
    return Reminder.objects.filter(status=Status.PENDING, expires_at__lte=now).update(
        status=Status.CANCELLED, cancelled_reason="Too late to be useful.", queued_at=None
    )


def due_ids(now, limit):
    """Claim-free hand-out: due pending rows not handed out recently, marked
    as handed out in the same transaction. Two sweepers at once take
    different rows (SKIP LOCKED)."""
    requeue = now - timezone.timedelta(seconds=settings.NOTIFY_REQUEUE_AFTER)
    with transaction.atomic():
        ids = list(
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(status=Status.PENDING, not_before__lte=now, channel__in=AUTOMATIC_CHANNELS)
            .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=requeue))
            .order_by("not_before", "id")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Reminder.objects.filter(pk__in=ids).update(queued_at=now)
    return ids


def sweep(now=None, *, publish=None):
    """One pass of the sweeper: reap, expire, hand due rows to workers in
    batches. ``publish(ids)`` sends one batch (the Celery task by default)."""
    from notifications.tasks import deliver as deliver_task  # noqa: PLC0415

    now = now or timezone.now()
    beat("sweeper", now)
    reaped = reap(now)
    expired = expire(now)
    ids = due_ids(now, settings.NOTIFY_SWEEP_LIMIT)
    size = settings.NOTIFY_BATCH_SIZE
    handed = 0
    for start in range(0, len(ids), size):
        batch = ids[start : start + size]
        try:
            if publish is None:
                deliver_task.apply_async(args=[batch])
            else:
                publish(batch)
            handed += len(batch)
        except Exception:  # broker down: release them for the next sweep
            logger.exception("sweeper could not hand out %s reminders", len(batch))
            Reminder.objects.filter(pk__in=ids[start:], status=Status.PENDING).update(queued_at=None)
            break
    return {"reaped": reaped, "expired": expired, "handed_out": handed}
