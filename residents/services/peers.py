from auditlog.context import set_actor
from django.db import transaction
from django.db.models import Q

from residents.models import Friendship, SupportFlag


def peers_flag_friends_of(*, resident, actor, when, reason):
    """A resident has left or died: end their friendships and buddy pairs, and
    flag each friend for support. ``reason`` completes "Their friend <name> …",
    e.g. "has moved out" or "has died". Returns the flags raised."""
    with transaction.atomic(), set_actor(actor):
        friendships = list(
            Friendship.objects.filter(home_id=resident.home_id, ended_on__isnull=True).filter(
                Q(resident_a=resident) | Q(resident_b=resident)
            )
        )
        friend_ids = {
            f.resident_b_id if f.resident_a_id == resident.pk else f.resident_a_id for f in friendships
        }
        Friendship.objects.filter(pk__in=[f.pk for f in friendships]).update(ended_on=when)
        flags = [
            SupportFlag(
                home_id=resident.home_id,
                resident_id=friend_id,
                about=resident,
                reason=f"Their friend {resident.short_name} {reason}.",
                raised_on=when,
            )
            for friend_id in sorted(friend_ids)
        ]
        return SupportFlag.objects.bulk_create(flags)
