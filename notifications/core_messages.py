"""The outbox plugged into the tenancy core.

``homes`` imports no ``notifications``: it declares its invitation email in
``homes.messages`` and sends through the tiny interface in ``homes.outbox``.
This module (imported from ``NotificationsConfig.ready()``) registers that
email as a kind and connects the outbox to the interface.
"""

from homes import outbox
from homes.messages import INVITATION as INVITATION_FIELDS
from notifications.kinds import Kind, register
from notifications.models import Channel
from notifications.services import reminders_cancel, reminders_schedule

INVITATION = register(Kind(channels=(Channel.EMAIL,), **INVITATION_FIELDS))

outbox.connect(schedule=reminders_schedule, cancel=reminders_cancel)
