"""Sending: claim a batch, check each row is still wanted, render, send, record.

Guarantees, and how:

* **Once.** A worker claims a batch with one conditional UPDATE (pending and
  due → sending, under a fresh claim id); a duplicated or redelivered Celery
  message, or a second sweeper, finds nothing to claim. The instant the
  provider accepts a message the worker notes it in the delivery ledger
  (Redis, ``notifications.workers``), then records the batch's sent rows in
  PostgreSQL in bulk, fenced by the claim id. If the database connection breaks
  (a failover, a pgbouncer restart) every step is retried on a fresh
  connection, with backoff, for a bounded time; a message the provider
  accepted is never marked failed, and the reaper reads the ledger before it
  returns a "sending" row, so a row whose recording never happened is marked
  sent, not sent again. The gap left is a worker killed between the
  provider's "accepted" and the ledger write (microseconds); the email's
  Message-ID and the text's idempotency key are the reminder's own, so
  providers that de-duplicate drop that repeat.
* **Never lost.** Rows live in PostgreSQL. A batch that runs out of time gives
  its unsent rows back at once; a worker killed mid-batch leaves rows
  "sending" that the reaper returns after ``NOTIFY_SENDING_TIMEOUT`` (two
  minutes, longer than a batch may live). A message the broker lost leaves
  rows pending with an old ``queued_at``: the sweeper hands them out again
  after ``NOTIFY_REQUEUE_AFTER``.
* **Why it failed.** Only a failure *before* the provider accepted a message
  marks the row failed, with its ``outcome``: Kith could not prepare it, the
  provider refused it, or the provider could not be reached after all the
  tries (connection trouble and 4xx answers retry with backoff: 1, 2, 4…
  minutes). Failed rows are on the manager's Messages page with "Try again".
* **Fast.** A batch costs a fixed number of queries (claim, rows, contact
  choices, one per kind for the objects), renders each attachment once per
  object, sends over one SMTP connection and records its sent rows in one
  UPDATE.
"""

import logging
import os
import queue
import re
import smtplib
import threading
import time
import traceback
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Case, F, PositiveSmallIntegerField, Q, When
from django.template.loader import render_to_string
from django.utils import timezone

from homes.scoping import crossing_homes, home_scope
from notifications import sms, workers
from notifications.kinds import UnknownKind, get_kind
from notifications.models import AUTOMATIC_CHANNELS, Channel, ContactPreference, Heartbeat, Outcome, Reminder
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


def compose(reminder, obj=None, *, preference=None, attachments=None):
    """Render a reminder's subject, plain text, HTML and text message body.
    ``attachments`` (a dict) keeps each object's attachments for a batch: a
    visit's .ics is built once however many people are told about it."""
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
        key = (kind.name, obj.pk, repr(sorted(reminder.data.items())))
        if attachments is None or key not in attachments:
            built = list(kind.attachments(obj, reminder))
            if attachments is None:
                composed.attachments = built
            else:
                attachments[key] = built
        if attachments is not None:
            composed.attachments = attachments[key]
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


DATABASE_ERRORS = (OperationalError, InterfaceError)


def _fresh_connection():
    """Drop a broken database connection so the next query opens a new one."""
    try:
        connection.close()
    except Exception as error:  # it is already broken
        logger.debug("closing a broken database connection: %s", error)


def retrying(operation, *, within, what):
    """``operation()``; when the database connection breaks or a lock times
    out, close the connection and try again on a fresh one (backing off from
    50 ms to 2 s) until ``within`` seconds have passed, then raise. Returns
    (result, tries)."""
    deadline = time.monotonic() + within
    delay, tries = 0.05, 1
    while True:
        try:
            return operation(), tries
        except DATABASE_ERRORS as error:
            _fresh_connection()
            if time.monotonic() + delay > deadline:
                logger.error("%s: the database is still unavailable after %s tries: %s", what, tries, error)
                raise
            logger.warning("%s: database unavailable (%s), trying again on a new connection", what, error)
            time.sleep(delay)
            delay, tries = min(delay * 2, 2.0), tries + 1


class Sender:
    """Sends claimed rows, keeping one SMTP connection open for a batch."""

    def __init__(self):
        self._mail = None
        self._homes = {}
        self.idle_since = time.monotonic()

    def home(self, reminder):
        """The row's home, one instance per batch (its quiet hours are read once)."""
        home = self._homes.setdefault(reminder.home_id, reminder.home)
        if not hasattr(home, "_message_settings_cache"):
            try:  # loaded with the batch (select_related), or read once by quiet_hours
                home._message_settings_cache = home.message_settings
            except ObjectDoesNotExist:
                home._message_settings_cache = False
            except AttributeError:
                pass
        return home

    def mail_connection(self):
        if self._mail is not None and time.monotonic() - self.idle_since > 5:
            # Kept open from an earlier batch: make sure the server still has it.
            smtp = getattr(self._mail, "connection", None)
            try:
                alive = smtp is None or smtp.noop()[0] == 250
            except Exception:
                alive = False
            if not alive:
                self.drop_mail_connection()
        if self._mail is None:
            self._mail = get_connection(fail_silently=False)
            self._mail.open()
        self.idle_since = time.monotonic()
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


# Open provider connections, kept between batches in a worker process (one
# per sending thread): a batch does not pay for connecting and greeting.
_pool = {"pid": None, "key": None, "senders": []}
_pool_lock = threading.Lock()


def _mail_settings():
    return (settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_HOST_USER)


def take_sender():
    with _pool_lock:
        if _pool["pid"] != os.getpid() or _pool["key"] != _mail_settings():
            # A new process (their sockets are the parent's) or new mail settings.
            _pool.update(pid=os.getpid(), key=_mail_settings(), senders=[])
        sender = _pool["senders"].pop() if _pool["senders"] else Sender()
    sender._homes = {}
    return sender


def give_sender(sender):
    if sender._mail is not None:
        with _pool_lock:
            if (
                _pool["pid"] == os.getpid()
                and _pool["key"] == _mail_settings()
                and len(_pool["senders"]) < 16
            ):
                _pool["senders"].append(sender)
                return
    sender.close()


def claim(reminder_id, now):
    """One row: pending and due → sending; returns the claim id or None."""
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


def _record_sent(accepted, token, *, late):
    """Mark ``accepted`` (still claimed by ``token``) sent, each with its own
    time and address, in one ``UPDATE … FROM (VALUES …)``: built by hand, as
    the ORM's ``Case(When…)`` per row cost a worker more than the send did.
    Call inside ``crossing_homes`` (a batch holds several homes' rows)."""
    field = Reminder._meta.get_field
    quote = connection.ops.quote_name
    table = quote(Reminder._meta.db_table)
    rows, params = [], []
    for item in accepted:
        rows.append("(%s, %s, %s)")
        params += [
            item.reminder.pk,
            field("sent_at").get_db_prep_value(item.sent_at, connection),
            item.address,
        ]
    sql = (
        f"UPDATE {table} SET {quote('status')} = %s, {quote('claim')} = NULL, {quote('last_error')} = '', "  # noqa: S608 - names from the model; values are parameters
        f"{quote('outcome')} = %s, {quote('sent_at')} = v.column2, {quote('address')} = v.column3 "
        f"FROM (VALUES {', '.join(rows)}) AS v "
        f"WHERE {table}.{quote('id')} = v.column1 AND {table}.{quote('claim')} = %s "
        f"AND {table}.{quote('status')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                Status.SENT,
                Outcome.RECORDED_LATE if late else "",
                *params,
                field("claim").get_db_prep_value(token, connection),
                Status.SENDING,
            ],
        )
        return cursor.rowcount


@dataclass
class Accepted:
    """A message the provider has: to be recorded as sent."""

    reminder: Reminder
    obj: object
    kind: object
    sent_at: object
    address: str


@dataclass
class Ready:
    """A message composed and ready for the provider."""

    reminder: Reminder
    kind: object
    obj: object
    composed: Composed
    address: str


def attempt(sender, item, batch):
    """Hand one message to the provider; what happened, as a tuple:
    ("accepted", sent_at, noted in the ledger), ("refused", why),
    ("retry", why) or ("not_prepared", why). Touches no database, so it may run
    in a sending thread; the ledger entry is written the instant the provider
    accepts."""
    reminder = item.reminder
    try:
        if reminder.channel == Channel.SMS:
            sender.send_sms(reminder, item.composed, item.address)
        else:
            sender.send_email(reminder, item.composed, item.address)
    except sms.PermanentSendError as error:
        return ("refused", str(error))
    except smtplib.SMTPException as error:
        if _is_permanent_smtp(error):
            return ("refused", f"The mail server refused it: {error}")
        return ("retry", f"The mail server answered: {error}")
    except (TimeoutError, sms.TransientSendError, OSError) as error:
        return ("retry", f"Could not reach the server: {error}")
    except Exception as error:  # not accepted: a bug in building the message
        logger.error("reminder %s could not be sent: %s", reminder.pk, for_the_log(error))
        return ("not_prepared", f"Kith could not prepare this message: {error}")
    # The provider has it. From here on nothing may mark it failed.
    sent_at = timezone.now()
    noted = batch.ledger and workers.ledger_write(reminder.pk, batch.token)
    return ("accepted", sent_at, noted)


class Sending:
    """A batch's messages go to the provider over up to NOTIFY_SEND_CONNECTIONS
    connections at once: threads that only talk to the provider and the ledger
    (most of a send is waiting for the provider's answers). The batch's own
    thread records each result; with one connection it sends them itself."""

    def __init__(self, batch, connections):
        self.batch = batch
        self.connections = connections
        self.todo = queue.SimpleQueue()
        self.results = queue.SimpleQueue()
        self.stopping = threading.Event()
        self.threads = []
        if connections > 1:
            self.threads = [
                threading.Thread(target=self.work, name=f"kith-send-{n}", daemon=True)
                for n in range(connections)
            ]
            for thread in self.threads:
                thread.start()
        self.running = len(self.threads)

    def put(self, item):
        if self.threads:
            self.todo.put(item)
            self.collect(block=False)
        elif time.monotonic() <= self.batch.ends:
            self.batch.started.add(item.reminder.pk)
            self.batch.count(
                item.reminder, self.batch.apply(item, attempt(self.batch.sender, item, self.batch))
            )

    def work(self):
        sender = take_sender()
        try:
            while not self.stopping.is_set():
                item = self.todo.get()
                if item is None or time.monotonic() > self.batch.ends:
                    return
                self.batch.started.add(item.reminder.pk)
                self.results.put((item, attempt(sender, item, self.batch)))
        finally:
            give_sender(sender)
            self.results.put(None)

    def collect(self, *, block):
        """Record the results that have come in (all of them, when ``block``)."""
        while self.running if block else not self.results.empty():
            got = self.results.get()
            if got is None:
                self.running -= 1
            else:
                self.batch.count(got[0].reminder, self.batch.apply(*got))

    def finish(self):
        """No more messages: wait for the threads and record every result."""
        if not self.threads:
            return
        for _ in self.threads:
            self.todo.put(None)
        self.collect(block=True)
        for thread in self.threads:
            thread.join(timeout=5)

    def halt(self):
        """The batch is failing: stop the threads, keep what the provider accepted."""
        self.stopping.set()
        for _ in self.threads:
            self.todo.put(None)
        for thread in self.threads:
            thread.join(timeout=5)
        while not self.results.empty():
            got = self.results.get()
            if got is not None and got[1][0] == "accepted":
                self.batch.keep_accepted(got[0], got[1])


class BatchStopped(Exception):
    """The database stayed away: the batch stops; the sweeper and reaper pick up."""


class Batch:
    """One Celery message's worth of reminders, claimed together."""

    def __init__(self, ids, *, now=None, sender=None, token=None):
        ids = [int(i) for i in ids]
        self.asked = len(ids)  # a repeated id counts as skipped, like a redelivered message
        self.ids = sorted(set(ids))
        self.now = now or timezone.now()
        self.token = token or uuid.uuid4()
        self.sender = sender or take_sender()
        self.ledger = bool(workers.redis_url())
        self.accepted = []
        self.handled = set()  # recorded: sent, failed, cancelled, deferred, to retry
        self.started = set()  # handed to the provider (perhaps accepted)
        self.last_flush = time.monotonic()
        # No send starts after this: well inside the time after which the reaper
        # takes a "sending" row back (a batch must never outlive its claim).
        self.ends = time.monotonic() + min(settings.NOTIFY_BATCH_SECONDS, settings.NOTIFY_SENDING_TIMEOUT / 2)
        self.outcomes = dict.fromkeys(("sent", "skipped", "cancelled", "retry", "failed", "deferred"), 0)
        self.objects = {}
        self.attachments = {}
        self.by_user = {}
        self.by_address = {}

    # --- claim and load, in a fixed number of queries

    def claim(self):
        """Claim the batch's due rows; idempotent under this batch's claim id, so a
        retry after a lost connection finds the rows the first try claimed."""
        due = Q(status=Status.PENDING, not_before__lte=self.now, channel__in=AUTOMATIC_CHANNELS)
        with crossing_homes("a batch holds reminders of several homes"):
            Reminder.objects.filter(pk__in=self.ids).filter(
                due | Q(status=Status.SENDING, claim=self.token)
            ).update(
                status=Status.SENDING,
                claim=self.token,
                claimed_at=self.now,
                attempts=Case(
                    When(status=Status.PENDING, then=F("attempts") + 1),
                    default=F("attempts"),
                    output_field=PositiveSmallIntegerField(),
                ),
            )
            return list(
                Reminder.objects.filter(pk__in=self.ids, claim=self.token, status=Status.SENDING)
                .select_related("home", "home__message_settings", "user")
                .order_by("pk")
            )

    def load(self, rows):
        """Contact choices and the objects the rows are about, for the whole batch."""
        users = {r.user_id for r in rows if r.user_id}
        addresses = {r.recipient.split(":", 1)[1] for r in rows if not r.user_id}
        self.by_user = {p.user_id: p for p in ContactPreference.objects.filter(user_id__in=users)}
        self.by_address = {
            p.email_address: p for p in ContactPreference.objects.filter(email_address__in=addresses)
        }
        wanted = {}
        for row in rows:
            wanted.setdefault((row.kind, row.home_id), set()).add(row.object_id)
        for (name, home_id), object_ids in wanted.items():
            try:
                kind = get_kind(name)
            except UnknownKind:
                continue
            with home_scope(home_id):
                found = kind.load_many(object_ids, home_id=home_id)
            for pk, obj in found.items():
                self.objects[(name, pk)] = obj

    def run(self):
        """Send every row of the batch that can be claimed. Returns a count per outcome."""
        rows = []
        sending = None
        try:
            rows, _ = retrying(self.claim, within=settings.NOTIFY_DATABASE_RETRY_SECONDS, what="claiming")
            self.outcomes["skipped"] = self.asked - len(rows)
            retrying(lambda: self.load(rows), within=settings.NOTIFY_DATABASE_RETRY_SECONDS, what="loading")
            # The sending threads start on the first message while the rest are composed.
            sending = Sending(self, min(settings.NOTIFY_SEND_CONNECTIONS, len(rows)))
            for reminder in rows:
                if time.monotonic() > self.ends:
                    break
                prepared = self.prepare_row(reminder)
                if isinstance(prepared, Ready):
                    sending.put(prepared)
                else:
                    self.count(reminder, prepared)
            sending.finish()
            self.flush()
            self.give_back([row for row in rows if row.pk not in self.handled])
        except BaseException:
            # Out of time (soft limit), or the database stayed away: what the
            # provider has stays in the ledger for the reaper; rows not started go back.
            if sending is not None:
                sending.halt()
            self.stop([row for row in rows if row.pk not in self.handled and row.pk not in self.started])
            raise
        finally:
            give_sender(self.sender)
        return self.outcomes

    def count(self, reminder, outcome):
        self.handled.add(reminder.pk)
        self.outcomes[outcome] += 1

    def stop(self, unsent):
        try:
            self.flush(within=0)
        except Exception as error:
            logger.error("batch stopped with %s sent rows unrecorded: %s", len(self.accepted), error)
        try:
            self.give_back(unsent)
        except Exception as error:
            logger.error("batch stopped; %s rows wait for the reaper: %s", len(unsent), error)

    def give_back(self, rows):
        """Claimed rows this batch will not send: pending again at once, not an attempt."""
        ids = [row.pk for row in rows]
        if not ids:
            return
        with crossing_homes("a batch holds reminders of several homes"):
            Reminder.objects.filter(pk__in=ids, claim=self.token, status=Status.SENDING).update(
                status=Status.PENDING, claim=None, queued_at=None, attempts=F("attempts") - 1
            )
        logger.info("batch gave back %s reminders it had no time to send", len(ids))

    # --- one row

    def process(self, reminder):
        """Prepare, send and record one row; its outcome."""
        prepared = self.prepare_row(reminder)
        if not isinstance(prepared, Ready):
            return prepared
        self.started.add(reminder.pk)
        return self.apply(prepared, attempt(self.sender, prepared, self))

    def prepare_row(self, reminder):
        """A ``Ready`` message, or the outcome already recorded when it is not to go now."""
        with home_scope(reminder.home_id):
            try:
                ready, _ = retrying(
                    lambda: self.prepare(reminder),
                    within=settings.NOTIFY_DATABASE_RETRY_SECONDS,
                    what=f"preparing reminder {reminder.pk}",
                )
            except DATABASE_ERRORS:
                raise
            except Exception as error:  # a bug must fail this row, not the batch
                logger.error(
                    "reminder %s could not be prepared:\n%s",
                    reminder.pk,
                    for_the_log("".join(traceback.format_exception(error))),
                )
                return self.finish(
                    reminder,
                    "failed",
                    status=Status.FAILED,
                    outcome=Outcome.NOT_PREPARED,
                    last_error=f"Kith could not prepare this message: {error}"[:2000],
                )
        return ready

    def prepare(self, reminder):
        """A ``Ready`` message, or the outcome already recorded when the row is
        not to be sent now."""
        try:
            kind = get_kind(reminder.kind)
        except UnknownKind as error:
            return self.finish(
                reminder, "failed", status=Status.FAILED, outcome=Outcome.NOT_PREPARED, last_error=str(error)
            )
        try:
            obj, preference = self.still_wanted(reminder, kind)
        except Cancel as cancel:
            return self.finish(
                reminder, "cancelled", status=Status.CANCELLED, cancelled_reason=str(cancel)[:200]
            )

        name, email, phone, _ = recipient_details(reminder, preference)
        if reminder.channel == Channel.SMS:
            if reminder.user_id and not (preference and preference.by_text and phone):
                return self.finish(
                    reminder,
                    "cancelled",
                    status=Status.CANCELLED,
                    cancelled_reason="They no longer get text messages.",
                )
            quiet_from, quiet_until = quiet_hours(self.sender.home(reminder))
            if in_quiet_hours(self.now, quiet_from, quiet_until):
                # Not an attempt: wait for the morning.
                return self.finish(
                    reminder,
                    "deferred",
                    status=Status.PENDING,
                    not_before=after_quiet_hours(self.now, quiet_from, quiet_until),
                    attempts=F("attempts") - 1,
                    queued_at=None,
                )
            address = phone
        else:
            address = email
        if not address:
            return self.finish(
                reminder,
                "failed",
                status=Status.FAILED,
                outcome=Outcome.NOT_PREPARED,
                last_error="There is no address to send it to.",
            )
        composed = compose(reminder, obj, preference=preference, attachments=self.attachments)
        return Ready(reminder, kind, obj, composed, address)

    def still_wanted(self, reminder, kind):
        """(object, preference), or ``Cancel`` with the reason it should not go."""
        if reminder.expires_at and reminder.expires_at <= self.now:
            raise Cancel("Too late to be useful.")
        obj = self.objects.get((kind.name, reminder.object_id))
        if obj is None:
            raise Cancel("What it was about no longer exists.")
        reason = kind.stale(obj, reminder)
        if reason:
            raise Cancel(reason)
        if reminder.user_id:
            if not reminder.user.is_active:
                raise Cancel("Their account is closed.")
            preference = self.by_user.get(reminder.user_id)
        else:
            preference = self.by_address.get(reminder.recipient.split(":", 1)[1])
        if not kind.essential and preference and preference.reminders_off:
            raise Cancel("They turned reminders off.")
        return obj, preference

    def apply(self, item, result):
        """Record what the provider said about ``item``; its outcome."""
        reminder, address = item.reminder, item.address
        what = result[0]
        with home_scope(reminder.home_id):
            if what == "accepted":
                noted = self.keep_accepted(item, result)
                if not noted or len(self.accepted) >= 25 or time.monotonic() - self.last_flush > 1:
                    self.flush()  # without a ledger entry, recorded at once
                return "sent"
            if what == "refused":
                return self.failed(reminder, Outcome.REFUSED, result[1], address)
            if what == "retry":
                return self.retry_later(reminder, result[1])
            return self.failed(reminder, Outcome.NOT_PREPARED, result[1], "")

    def keep_accepted(self, item, result):
        _, sent_at, noted = result
        self.accepted.append(Accepted(item.reminder, item.obj, item.kind, sent_at, item.address))
        return noted

    # --- recording

    def finish(self, reminder, result, **fields):
        """Record a row that was not sent (cancelled, failed, deferred, retry);
        returns ``result``, the name it is counted under."""
        retrying(
            lambda: _finish(reminder, self.token, claim=None, **fields),
            within=settings.NOTIFY_DATABASE_RETRY_SECONDS,
            what=f"recording reminder {reminder.pk}",
        )
        return result

    def failed(self, reminder, outcome, error, address):
        logger.warning("reminder %s failed: %s", reminder.pk, for_the_log(error))
        return self.finish(
            reminder,
            "failed",
            status=Status.FAILED,
            outcome=outcome,
            last_error=error[:2000],
            address=address,
        )

    def retry_later(self, reminder, error):
        attempts = reminder.attempts  # loaded after the claim counted this try
        if attempts >= settings.NOTIFY_MAX_ATTEMPTS:
            logger.warning("reminder %s gave up: %s", reminder.pk, for_the_log(error))
            return self.finish(
                reminder,
                "failed",
                status=Status.FAILED,
                outcome=Outcome.UNREACHABLE,
                last_error=f"Gave up after {attempts} tries. {error}"[:2000],
            )
        wait = retry_delay(attempts)
        logger.info("reminder %s will be tried again in %ss: %s", reminder.pk, wait, for_the_log(error))
        return self.finish(
            reminder,
            "retry",
            status=Status.PENDING,
            not_before=self.now + timezone.timedelta(seconds=wait),
            last_error=error[:2000],
            queued_at=None,
        )

    def flush(self, within=None):
        """Record every accepted message as sent, in one UPDATE, retried on a
        fresh connection while the database is away. A recording that needed
        more than one try is marked "recorded late" on the row."""
        if not self.accepted:
            return
        accepted = self.accepted
        ids = [a.reminder.pk for a in accepted]

        def record(late):
            with crossing_homes("a batch holds reminders of several homes"), transaction.atomic():
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:  # never wait long behind a lock
                        cursor.execute(
                            "SET LOCAL lock_timeout = %s", [f"{settings.NOTIFY_LOCK_TIMEOUT_MS}ms"]
                        )
                return _record_sent(accepted, self.token, late=late)

        tries = {"n": 0}

        def attempt():
            tries["n"] += 1
            return record(late=tries["n"] > 1)

        try:
            recorded, _ = retrying(
                attempt,
                within=settings.NOTIFY_RECORD_RETRY_SECONDS if within is None else within,
                what="recording sent reminders",
            )
        except DATABASE_ERRORS as error:
            # The ledger holds them; the reaper records them once the database is back.
            raise BatchStopped(f"{len(ids)} sent reminders could not be recorded yet") from error
        self.accepted = []
        self.last_flush = time.monotonic()
        if recorded != len(ids):
            logger.warning(
                "recorded %s of %s sent reminders (others were taken back meanwhile)", recorded, len(ids)
            )
        if self.ledger:
            workers.ledger_forget(ids)
        for item in accepted:
            if item.kind.on_sent:
                with home_scope(item.reminder.home_id):
                    try:
                        item.kind.on_sent(item.obj, item.reminder)
                    except Exception:  # bookkeeping must not turn a sent message into a failure
                        logger.exception("on_sent for reminder %s", item.reminder.pk)


def deliver(ids, *, now=None):
    """Send each of ``ids`` that can be claimed. Returns a count per outcome."""
    return Batch(ids, now=now).run()


def _deliver_claimed(reminder, token, sender, now):
    """One row already claimed under ``token`` (tests use it to act between claim and send)."""
    batch = Batch([reminder.pk], now=now, sender=sender, token=token)
    batch.load([reminder])
    outcome = batch.process(reminder)
    batch.flush()
    return outcome


# --- The sweeper and the reaper ------------------------------------------------


def beat(name, now=None):
    now = now or timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"at": now})


def reap(now=None):
    """Rows a dead worker left "sending" longer than ``NOTIFY_SENDING_TIMEOUT``:
    those the delivery ledger says a provider accepted are marked sent
    ("recorded late"); the rest go back to pending, or fail once they have had
    all their tries. If the ledger cannot be read (Redis is down) nothing is
    returned this time: better late than twice. Returns how many went back."""
    now = now or timezone.now()
    beat("reaper", now)
    cutoff = now - timezone.timedelta(seconds=settings.NOTIFY_SENDING_TIMEOUT)
    stuck = dict(
        Reminder.objects.filter(status=Status.SENDING, claimed_at__lt=cutoff).values_list("pk", "claim")[
            :5000
        ]
    )
    if not stuck:
        return 0
    try:
        accepted = workers.ledger_read(stuck)
    except Exception:
        logger.warning("reaper: the delivery ledger cannot be read; %s stuck reminders wait", len(stuck))
        return 0
    delivered = [pk for pk, token in stuck.items() if accepted.get(pk) == str(token)]
    recorded = 0
    if delivered:
        recorded = Reminder.objects.filter(pk__in=delivered, status=Status.SENDING).update(
            status=Status.SENT, sent_at=now, outcome=Outcome.RECORDED_LATE, claim=None, last_error=""
        )
        workers.ledger_forget(delivered)
    rest = Reminder.objects.filter(
        pk__in=[pk for pk in stuck if pk not in set(delivered)], status=Status.SENDING
    )
    failed = rest.filter(attempts__gte=settings.NOTIFY_MAX_ATTEMPTS).update(
        status=Status.FAILED,
        claim=None,
        outcome=Outcome.WORKER_STOPPED,
        last_error="The worker stopped while sending it, too many times.",
    )
    returned = rest.update(
        status=Status.PENDING,
        claim=None,
        queued_at=None,
        not_before=now,
        last_error="The worker stopped while sending it; trying again.",
    )
    if returned or failed or recorded:
        logger.warning(
            "reaper: %s reminders returned, %s failed, %s found sent in the ledger",
            returned,
            failed,
            recorded,
        )
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
