"""The outbox: every message Kith sends is a row here before it is a Celery
message, and a person's choices about how they are reached.

A ``Reminder`` is created in the same transaction as the thing that causes it
(a booking, an invitation, a door code change), so a rolled-back booking leaves
no reminder and a committed one always has its rows. Workers claim a row with a
conditional UPDATE (pending → sending) and end it sent, failed or back to
pending with a later ``not_before``; a duplicated or redelivered Celery message
finds nothing to claim. The unique constraint makes the same reminder (kind,
object, recipient, channel, due time) impossible to create twice while it is
live; a cancelled row does not block scheduling it again.
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from homes.models import HomeScopedModel


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"
    POST = "post", "Post"


# Channels a worker sends; post is printed and sent by hand by staff.
AUTOMATIC_CHANNELS = (Channel.EMAIL, Channel.SMS)


class Outcome(models.TextChoices):
    # Failed before the provider had it: "Try again" is offered.
    NOT_PREPARED = "not_prepared", "Kith could not prepare it"
    REFUSED = "refused", "Refused by the provider"
    UNREACHABLE = "unreachable", "Could not reach the provider"
    WORKER_STOPPED = "worker_stopped", "The sender stopped while sending it"
    # Sent: the provider accepted it; writing that down here took longer.
    RECORDED_LATE = "recorded_late", "Sent; recording it was delayed"


# Outcomes of a failed row that the provider never accepted: safe to try again.
RETRYABLE_OUTCOMES = (Outcome.NOT_PREPARED, Outcome.REFUSED, Outcome.UNREACHABLE, Outcome.WORKER_STOPPED, "")


class Reminder(HomeScopedModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Could not be sent"
        CANCELLED = "cancelled", "Cancelled"

    kind = models.CharField(max_length=60)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # "user:<id>" for a person with an account, "email:<address>" for someone
    # who has none yet (an invitation): the "recipient" of the unique key.
    recipient = models.CharField(max_length=260)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Where it went (or is going): filled from the person's details when sent.
    address = models.CharField(max_length=254, blank=True)
    object_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    about = GenericForeignKey("object_type", "object_id")
    due = models.DateTimeField()
    # The earliest moment a worker may send it: ``due``, moved later by quiet
    # hours for text messages and by the backoff after a failed attempt.
    not_before = models.DateTimeField()
    # After this the reminder is no use (the visit has started): cancelled unsent.
    expires_at = models.DateTimeField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # Handed to the broker at; handed out again if still pending long after.
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim = models.UUIDField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.CharField(max_length=200, blank=True)
    # Why a failed row failed, or that a sent row's recording was delayed: the
    # Messages page words it, and only rows the provider never accepted may be
    # tried again.
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_type", "object_id", "recipient", "channel", "due"],
                condition=~Q(status="cancelled"),
                name="notifications_reminder_once",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "sent", "failed", "cancelled"]),
                name="notifications_reminder_status",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["email", "sms", "post"]), name="notifications_reminder_channel"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(recipient__startswith="email:"),
                name="notifications_reminder_has_recipient",
            ),
        ]
        indexes = [
            models.Index(
                fields=["not_before"], condition=Q(status="pending"), name="notifications_reminder_due"
            ),
            models.Index(
                fields=["claimed_at"], condition=Q(status="sending"), name="notifications_reminder_sending"
            ),
            models.Index(fields=["object_type", "object_id"], name="notifications_reminder_object"),
            models.Index(fields=["home", "status", "due"], name="notifications_reminder_home"),
        ]

    def __str__(self):
        return f"{self.kind} to {self.recipient} by {self.channel} at {self.due:%Y-%m-%d %H:%M}"

    @property
    def kind_definition(self):
        from notifications.kinds import get_kind  # noqa: PLC0415

        return get_kind(self.kind)


class ContactPreference(models.Model):
    """How a person wants to be reached, and whether they want reminders at all.

    One row per person with an account (``user``) — or, for someone who has no
    account and used the "stop" link in an invitation, per email address.
    Essential messages (a booking confirmed, changed or cancelled by the home;
    the door code changed; an invitation to join) still go after an opt-out.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contact_preference",
    )
    email_address = models.EmailField(null=True, blank=True, unique=True)
    by_email = models.BooleanField("email", default=True)
    by_text = models.BooleanField("text message", default=False)
    by_post = models.BooleanField("post", default=False)
    phone = models.CharField("mobile number", max_length=20, blank=True)
    postal_address = models.TextField(blank=True)
    reminders_off_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(email_address__isnull=True))
                | (Q(user__isnull=True) & Q(email_address__isnull=False)),
                name="notifications_preference_one_person",
            ),
            models.CheckConstraint(
                condition=Q(by_text=False) | ~Q(phone=""), name="notifications_preference_text_needs_phone"
            ),
            models.CheckConstraint(
                condition=Q(by_post=False) | ~Q(postal_address=""),
                name="notifications_preference_post_needs_address",
            ),
        ]

    def __str__(self):
        return f"Contact choices for {self.user or self.email_address}"

    @property
    def channels(self):
        chosen = []
        if self.by_email:
            chosen.append(Channel.EMAIL)
        if self.by_text and self.phone:
            chosen.append(Channel.SMS)
        if self.by_post and self.postal_address:
            chosen.append(Channel.POST)
        return chosen

    @property
    def reminders_off(self):
        return self.reminders_off_at is not None


class MessageSettings(models.Model):
    """A home's quiet hours: no text message is sent between ``quiet_from``
    and ``quiet_until`` (home time); one due then waits until the morning."""

    home = models.OneToOneField("homes.Home", on_delete=models.CASCADE, related_name="message_settings")
    quiet_from = models.TimeField("quiet from", default=datetime.time(21, 0))
    quiet_until = models.TimeField("quiet until", default=datetime.time(8, 0))

    class Meta:
        verbose_name = "message settings"
        verbose_name_plural = "message settings"

    def __str__(self):
        return f"Message settings for {self.home}"

    def get_additional_data(self):
        return {"home_id": self.home_id}


class Heartbeat(models.Model):
    """When the sweeper, the reaper and the planner last ran: /healthz and
    `manage.py outbox` read it. (Workers beat in Redis, beside the broker:
    ``notifications.workers``.)"""

    name = models.CharField(max_length=40, primary_key=True)
    at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} at {self.at}"
