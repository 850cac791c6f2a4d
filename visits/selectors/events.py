"""Reads for invitations to meals and activities and the families' replies."""

from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone

from residents.models import RelativeLink, Resident
from visits.models import EventInvitation, EventReply

Answer = EventReply.Answer


def active_family_links(home):
    """Active links whose account is still active: the people an invitation reaches."""
    return (
        RelativeLink.objects.for_home(home)
        .filter(status=RelativeLink.Status.ACTIVE, membership__is_active=True)
        .select_related("membership__user")
        .order_by("membership__user__full_name", "pk")
    )


def residents_to_invite(home):
    """Residents living here, each with ``family_links`` (their invitees). Two queries."""
    return list(
        Resident.objects.for_home(home)
        .current()
        .order_by("full_name", "pk")
        .prefetch_related(
            Prefetch("relative_links", queryset=active_family_links(home), to_attr="family_links")
        )
    )


def invitees_for(home, residents):
    """{resident pk: [RelativeLink, ...]} of the active links of these residents."""
    found = {resident.pk: [] for resident in residents}
    for link in active_family_links(home).filter(resident__in=[r.pk for r in residents]):
        found[link.resident_id].append(link)
    return found


def _with_counts(qs):
    return qs.annotate(
        yes_replies=Count("replies", filter=Q(replies__answer=Answer.YES)),
        yes_adults=Sum("replies__adults", filter=Q(replies__answer=Answer.YES), default=0),
        yes_children=Sum("replies__children", filter=Q(replies__answer=Answer.YES), default=0),
        maybe_replies=Count("replies", filter=Q(replies__answer=Answer.MAYBE)),
        no_replies=Count("replies", filter=Q(replies__answer=Answer.NO)),
        waiting_replies=Count("replies", filter=Q(replies__answer=Answer.WAITING)),
    )


def events_for_home(home, *, past=False, limit=200):
    """Upcoming (or past) invitations with the totals of their replies. One query."""
    now = timezone.now()
    qs = EventInvitation.objects.for_home(home).select_related("resident")
    if past:
        qs = qs.filter(ends_at__lt=now).order_by("-starts_at")
    else:
        qs = qs.filter(ends_at__gte=now).order_by("starts_at", "pk")
    return list(_with_counts(qs)[:limit])


def upcoming_event_count(home):
    return (
        EventInvitation.objects.for_home(home)
        .filter(ends_at__gte=timezone.now(), cancelled_at__isnull=True)
        .count()
    )


def totals_of(replies):
    """Adults, children and counts for each answer, from a list of replies."""
    totals = {answer: {"replies": 0, "adults": 0, "children": 0} for answer in Answer.values}
    for reply in replies:
        row = totals[reply.answer]
        row["replies"] += 1
        row["adults"] += reply.adults
        row["children"] += reply.children
    return totals


def event_with_replies(home, pk):
    """(event, replies, totals) or (None, [], {}). Two queries, however many replies."""
    event = (
        EventInvitation.objects.for_home(home).select_related("resident", "created_by").filter(pk=pk).first()
    )
    if event is None:
        return None, [], {}
    order = {Answer.YES: 0, Answer.MAYBE: 1, Answer.WAITING: 2, Answer.NO: 3}
    replies = sorted(
        EventReply.objects.for_home(home).filter(event=event).select_related("membership__user"),
        key=lambda r: (order[r.answer], r.membership.user.full_name, r.pk),
    )
    return event, replies, totals_of(replies)


def _visible_to(membership):
    """Replies a relative may still see: an event about one of their residents
    (through an active link), or one about nobody in particular."""
    return Q(event__resident__isnull=True) | Q(event__resident__in=Resident.objects.for_member(membership))


def reply_of_member(home, membership, pk):
    """The relative's own reply (with its event), or None."""
    return (
        EventReply.objects.for_home(home)
        .filter(_visible_to(membership), pk=pk, membership=membership)
        .select_related("event__resident")
        .first()
    )


def upcoming_invitations_for(home, membership, *, limit=10):
    """A relative's replies to invitations that have not started. One query."""
    return list(
        EventReply.objects.for_home(home)
        .filter(
            _visible_to(membership),
            membership=membership,
            event__starts_at__gt=timezone.now(),
            event__cancelled_at__isnull=True,
        )
        .select_related("event__resident")
        .order_by("event__starts_at", "pk")[:limit]
    )
