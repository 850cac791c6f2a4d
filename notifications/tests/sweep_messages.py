"""How the URL sweep fills the ids in the messages pages (see tests/urls_sweep.py)."""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from notifications.models import Channel, Reminder


def reminder_for(home, user, *, channel=Channel.EMAIL, status=Reminder.Status.FAILED, **fields):
    """A test-message row about ``home`` for ``user`` (made directly, as a worker would leave it)."""
    now = timezone.now()
    values = {
        "home": home,
        "kind": "notifications.test_message",
        "channel": channel,
        "recipient": f"user:{user.pk}",
        "user": user,
        "object_type": ContentType.objects.get_for_model(home),
        "object_id": home.pk,
        "due": now,
        "not_before": now,
        "status": status,
        **fields,
    }
    return Reminder.objects.create(**values)


def _failed(w, own):
    home, member = (w.home, w.relative) if own else (w.other_home, w.outsider)
    return {"pk": reminder_for(home, member.user, last_error="The mail server refused it.").pk}


def _letter(w, own):
    home, member = (w.home, w.relative) if own else (w.other_home, w.outsider)
    return {"pk": reminder_for(home, member.user, channel=Channel.POST, status=Reminder.Status.PENDING).pk}


OBJECT_KWARGS = {
    "notifications:retry": _failed,
    "notifications:mark_posted": _letter,
}
