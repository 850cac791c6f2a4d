"""Writes for peers: friendships, buddies for new residents, support flags."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from carehome.audit import acting_as
from carehome.errors import DomainError
from homes.audit import record_created, record_update
from homes.submissions import submission_once
from residents.models import Friendship, SupportFlag

# Messages the form shares (it needs them to parse the same field).
SUPPORT_NOTE_MISSING = "Write a short note about the support given."
SUPPORT_NOTE_TOO_LONG = "Keep the note under 300 characters."


def peers_flag_friends_of(*, resident, actor, when, reason):
    """A resident has left or died: end their friendships and buddy pairs, and
    flag each friend for support. ``reason`` completes "Their friend <name> …",
    e.g. "has moved out" or "has died". Returns the flags raised."""
    with transaction.atomic(), acting_as(actor):
        friendships = list(
            Friendship.objects.filter(home_id=resident.home_id, ended_on__isnull=True).filter(
                Q(resident_a=resident) | Q(resident_b=resident)
            )
        )
        friend_ids = {
            f.resident_b_id if f.resident_a_id == resident.pk else f.resident_a_id for f in friendships
        }
        record_update(
            Friendship.objects.filter(home_id=resident.home_id, pk__in=[f.pk for f in friendships]),
            ended_on=when,
        )
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
        flags = SupportFlag.objects.bulk_create(flags)
        record_created(flags)
        return flags


def _already(kind, resident, other):
    if kind == Friendship.Kind.BUDDY:
        return f"{other.short_name} is already {resident.short_name}'s buddy."
    return "They are already recorded as friends."


def friendship_record(
    *, home, actor, resident, other, kind=Friendship.Kind.FRIEND, notes="", started_on=None, form_token=None
):
    """Record that two residents of ``home`` are friends (or that ``other`` is
    ``resident``'s buddy). Stored once per pair, lower id first; once per
    ``form_token``."""
    if kind not in Friendship.Kind.values:
        raise DomainError("Choose friends or buddy.", field="kind")
    if resident.home_id != home.pk or other.home_id != home.pk:
        raise DomainError("Choose someone who lives here.", field="other")
    if resident.pk == other.pk:
        raise DomainError(f"Choose someone other than {resident.short_name}.", field="other")
    for person in (resident, other):
        if person.has_left:
            raise DomainError(f"{person.short_name} no longer lives here.", field="other")
    started_on = started_on or timezone.localdate()
    if started_on > timezone.localdate():
        raise DomainError("The date cannot be in the future.", field="started_on")
    first, second = sorted([resident, other], key=lambda r: r.pk)
    with (
        transaction.atomic(),
        acting_as(actor),
        submission_once(home=home, actor=actor, token=form_token) as once,
    ):
        duplicate = (
            Friendship.objects.for_home(home)
            .filter(resident_a=first, resident_b=second, kind=kind, ended_on__isnull=True)
            .exists()
        )
        if duplicate:
            raise DomainError(_already(kind, resident, other), field="other")
        try:
            with transaction.atomic():
                friendship = Friendship.objects.create(
                    home=home,
                    resident_a=first,
                    resident_b=second,
                    kind=kind,
                    started_on=started_on,
                    notes=(notes or "").strip(),
                    recorded_by=actor,
                )
        except IntegrityError:  # recorded by someone else a moment ago
            raise DomainError(_already(kind, resident, other), field="other") from None
        once.created(friendship)
    return friendship


def peers_buddy_assign(*, home, actor, resident, buddy, notes="", form_token=None):
    """Choose a buddy to help a new resident settle in (one at a time; once
    per ``form_token``)."""
    with (
        transaction.atomic(),
        acting_as(actor),
        submission_once(home=home, actor=actor, token=form_token) as once,
    ):
        current = (
            Friendship.objects.for_home(home)
            .filter(kind=Friendship.Kind.BUDDY, ended_on__isnull=True)
            .filter(Q(resident_a=resident) | Q(resident_b=resident))
            .select_related("resident_a", "resident_b")
            .first()
        )
        if current is not None:
            other = current.resident_b if current.resident_a_id == resident.pk else current.resident_a
            raise DomainError(
                f"{resident.short_name} already has a buddy: {other.short_name}.", field="other"
            )
        friendship = friendship_record(
            home=home, actor=actor, resident=resident, other=buddy, kind=Friendship.Kind.BUDDY, notes=notes
        )
        once.created(friendship)
    return friendship


def friendship_end(*, home, actor, friendship, ended_on=None):
    """They are no longer friends (or the buddy pairing is over). Kept for the record."""
    if friendship.home_id != home.pk:
        raise DomainError("That friendship is not recorded here.")
    if friendship.ended_on is not None:
        raise DomainError("That friendship was already ended.")
    ended_on = ended_on or timezone.localdate()
    if ended_on < friendship.started_on:
        raise DomainError("It cannot end before it started.", field="ended_on")
    with transaction.atomic(), acting_as(actor):
        friendship.ended_on = ended_on
        friendship.save(update_fields=["ended_on"])
    return friendship


def support_flag_resolve(*, home, actor, flag, note):
    """Someone has been supported: say how, briefly, and close the flag."""
    note = (note or "").strip()
    if flag.home_id != home.pk:
        raise DomainError("That is not recorded here.")
    if flag.resolved_on is not None:
        raise DomainError(f"This was already marked as supported on {flag.resolved_on:%-d %b %Y}.")
    if not note:
        raise DomainError(SUPPORT_NOTE_MISSING, field="note")
    if len(note) > SupportFlag._meta.get_field("resolution_note").max_length:
        raise DomainError(SUPPORT_NOTE_TOO_LONG, field="note")
    with transaction.atomic(), acting_as(actor):
        flag.resolved_on = timezone.localdate()
        flag.resolved_by = actor
        flag.resolution_note = note
        flag.save(update_fields=["resolved_on", "resolved_by", "resolution_note"])
    return flag
