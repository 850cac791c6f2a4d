"""Community's messages in the outbox (each module registers its kinds with
``notifications.kinds`` on import): activity reminders to invited relatives,
the staff and volunteers assigned and an outing's driver, changes and
cancellations, and a partner's reminder of a venue booking (``programme``);
a partnership going cold, to its contact (``partners``).

``programme_messages_schedule`` is the one call the programme's services make
when a date is confirmed, changed or cancelled (``CONFIRMED``, ``CHANGED``,
``CANCELLED``), inside their transaction."""

CONFIRMED = "confirmed"
CHANGED = "changed"
CANCELLED = "cancelled"

# After the constants: the modules import them. Importing registers the kinds.
from community.messages import partners, programme  # noqa: E402, F401, I001


def programme_messages_schedule(*, occurrence, kind, now=None):
    """Schedule the messages of one occurrence after a change, or cancel its
    pending reminders (``community/messages/programme.py``)."""
    return programme.schedule(occurrence=occurrence, kind=kind, now=now)
