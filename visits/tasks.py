"""Celery tasks of the visits area. Its messages (confirmations, reminders,
invitations, the door code notice) are outbox rows sent by the
notifications tasks; see visits/messages.py."""

# Tasks that live beside their area; imported here so `celery -A carehome
# worker` (which autodiscovers visits.tasks) registers them.
from visits.tasks_access import rotate_due_door_codes  # noqa: F401
