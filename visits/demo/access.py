"""Demo data for door codes and visiting restrictions: a current door code per
home (changed every 30 days) with its predecessor, the main demo relative (and
``family1``) approved as a regular visitor some time after their link was
made, with a few showings of the code in the log since, and one restriction
per home for the main demo relative's parent, whose essential care supporter
they are (exempt). In the first home its review is overdue, so the manager's
dashboard shows it. ``family6`` is left waiting for approval, to try it.

Idempotent: each part is added only when the home has none yet. Bulk writes.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from homes.models import Home, Membership, Role
from residents.models import RelativeLink
from visits.messages.restrictions import restriction_notice_schedule
from visits.models import DoorCode, DoorCodeView, RestrictionReview, VisitingInfo, VisitRestriction

LEAD = "family@"
APPROVED = (LEAD, "family1@")


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def seed(*, home, residents, staff, today, rng):
    VisitingInfo.objects.get_or_create(home=home, defaults={"door_code_rotate_days": 30})
    manager = (
        Membership.objects.for_home(home)
        .filter(role=Role.MANAGER)
        .select_related("user")
        .order_by("id")
        .first()
    )
    manager_user = manager.user if manager else (staff[-1] if staff else None)
    lead_links = list(
        RelativeLink.objects.for_home(home)
        .filter(membership__user__email__startswith=LEAD, status=RelativeLink.Status.ACTIVE)
        .select_related("membership", "resident")
        .order_by("id")
    )
    codes = _door_codes(home, manager_user, today, rng)
    links = RelativeLink.objects.for_home(home)
    for link in links.filter(
        status=RelativeLink.Status.ACTIVE, regular_visitor_approved_at__isnull=True
    ).select_related("membership__user"):
        if link.membership.user.email.startswith(APPROVED):
            links.filter(pk=link.pk).update(
                regular_visitor_approved_at=_approved_at(link, today),
                regular_visitor_approved_by=manager_user,
            )
    if lead_links:
        since = links.filter(pk=lead_links[0].pk).values_list("regular_visitor_approved_at", flat=True)[0]
        _views(home, codes, lead_links[0].membership, today, since=since)
        _restriction(home, lead_links[0], manager_user, today)


def _approved_at(link, today):
    """A fortnight after the link was made, or sixty days ago if later, and
    never in the future (nor before the link)."""
    linked = timezone.localtime(link.created_at)
    day = max(linked.date() + timedelta(days=14), today - timedelta(days=60))
    return max(_at(min(day, today - timedelta(days=1)), 10), linked)


def _door_codes(home, manager_user, today, rng):
    existing = list(DoorCode.objects.for_home(home).order_by("valid_from"))
    if existing:
        return existing
    old_from = _at(today - timedelta(days=52), 9, 15)
    current_from = _at(today - timedelta(days=22), 9, 5)
    codes = [
        DoorCode(
            home=home,
            code=f"{rng.randint(1000, 9999)}",
            valid_from=old_from,
            replaced_at=current_from,
            created_by=manager_user,
        ),
        DoorCode(
            home=home, code=f"{rng.randint(100000, 999999)}", valid_from=current_from, created_by=manager_user
        ),
    ]
    return DoorCode.objects.bulk_create(codes)


def _views(home, codes, membership, today, since):
    if DoorCodeView.objects.for_home(home).exists():
        return
    old, current = codes[0], codes[-1]
    seen = [
        (old, _at(today - timedelta(days=45), 14, 2)),
        (current, _at(today - timedelta(days=20), 13, 48)),
        (current, _at(today - timedelta(days=9), 15, 31)),
        (current, _at(today - timedelta(days=2), 10, 57)),
    ]
    # Only since they were approved (a resident who came lately).
    seen = [(code, when) for code, when in seen if since is None or when >= since]
    rows = DoorCodeView.objects.bulk_create(
        [DoorCodeView(home=home, door_code=code, membership=membership) for code, _ in seen]
    )
    # viewed_at is set on insert; give the demo rows believable times.
    for row, (_, when) in zip(rows, seen, strict=True):
        DoorCodeView.objects.filter(pk=row.pk).update(viewed_at=when)


def _restriction(home, link, manager_user, today):
    if VisitRestriction.objects.for_home(home).exists():
        return
    resident = link.resident
    first_home = Home.objects.order_by("id").values_list("id", flat=True).first() == home.pk
    starts = today - timedelta(days=8)
    restriction = VisitRestriction.objects.bulk_create(
        [
            VisitRestriction(
                home=home,
                resident=resident,
                reason=(
                    f"{resident.short_name} has norovirus and is being cared for in their room on the GP's "
                    "advice, so that they can recover and the infection does not spread."
                ),
                alternatives_considered=(
                    "Visits in the garden room with hand washing and aprons (not possible while "
                    f"{resident.short_name} is unwell); window visits; video calls every day."
                ),
                people_involved=(
                    f"{resident.short_name}, {link.membership.user.full_name} ({link.relationship}), "
                    "Dr Patel (GP), the local health protection team and the home manager."
                ),
                starts_on=starts,
                expected_end_on=today + timedelta(days=6),
                next_review_on=today - timedelta(days=1) if first_home else today + timedelta(days=2),
                created_by=manager_user,
            )
        ]
    )[0]
    VisitRestriction.exempt_links.through.objects.bulk_create(
        [VisitRestriction.exempt_links.through(visitrestriction_id=restriction.pk, relativelink_id=link.pk)]
    )
    # The written notice each affected relative was sent (Anne's Law), kept with the restriction.
    restriction_notice_schedule(restriction=restriction, event="recorded")
    RestrictionReview.objects.bulk_create(
        [
            RestrictionReview(
                home=home,
                restriction=restriction,
                reviewed_on=starts + timedelta(days=3),
                outcome=(
                    f"{resident.short_name} is still unwell. Keep the restriction; "
                    f"{link.membership.user.full_name} visits every afternoon as essential care supporter."
                ),
                reviewed_by=manager_user,
            )
        ]
    )
