"""Community's messages in the outbox (registered with ``notifications.kinds``
on import): activity reminders to invited relatives, the staff and volunteers
assigned and an outing's driver; changes and cancellations; a partner's
reminder of a venue booking; a partnership going cold, to its contact.

``programme_messages_schedule`` is the one call the programme's services make
when a date is confirmed, changed or cancelled (``CONFIRMED``, ``CHANGED``,
``CANCELLED``), inside their transaction."""

CONFIRMED = "confirmed"
CHANGED = "changed"
CANCELLED = "cancelled"


def programme_messages_schedule(*, occurrence, kind, now=None):
    """Schedule (or cancel) the reminders of one occurrence. Filled in by the
    reminders area (``community/messages/programme.py``)."""
    from community.messages import programme

    return programme.schedule(occurrence=occurrence, kind=kind, now=now)
