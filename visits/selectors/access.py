"""Reads for door codes, regular visitors and visiting restrictions. Each takes
the home explicitly and owns its joins, so every page costs a fixed number of
queries whatever the number of rows."""

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.utils import timezone

from homes.models import Role
from notifications.models import Reminder
from residents.models import PersonWhoMatters, RelativeLink, Resident
from visits.messages.restrictions import EVENTS, RESTRICTION_NOTICE
from visits.models import DoorCode, DoorCodeView, VisitingInfo, VisitRestriction

DEFAULT_ROTATE_DAYS = 30
VIEWS_PER_PAGE = 25


# --- Door codes ----------------------------------------------------------------------


def current_door_code(home):
    return (
        DoorCode.objects.for_home(home).filter(replaced_at__isnull=True).select_related("created_by").first()
    )


def rotate_days(home):
    days = VisitingInfo.objects.filter(home=home).values_list("door_code_rotate_days", flat=True).first()
    return days or DEFAULT_ROTATE_DAYS


def door_code_views_page(home, page_number):
    """Who was shown which code, newest first, one page at a time."""
    views = (
        DoorCodeView.objects.for_home(home)
        .select_related("door_code", "membership__user")
        .order_by("-viewed_at", "-pk")
    )
    return Paginator(views, VIEWS_PER_PAGE).get_page(page_number)


def approved_links(membership):
    """This relative's active links the manager has approved as a regular visitor."""
    return RelativeLink.objects.for_home(membership.home_id).filter(
        membership=membership, status=RelativeLink.Status.ACTIVE, regular_visitor_approved_at__isnull=False
    )


def may_see_door_code(membership):
    return membership.role == Role.FAMILY and approved_links(membership).exists()


def regular_visitor_links(home):
    """The home's active family links, for approving regular visitors."""
    return (
        RelativeLink.objects.for_home(home)
        .filter(status=RelativeLink.Status.ACTIVE, membership__is_active=True, membership__role=Role.FAMILY)
        .select_related("resident", "membership__user", "regular_visitor_approved_by")
        .order_by("resident__full_name", "membership__user__full_name", "pk")
    )


def regular_visitors(home):
    """The home's approved regular visitors (Users, each once): told when the code changes."""
    links = (
        RelativeLink.objects.for_home(home)
        .filter(
            status=RelativeLink.Status.ACTIVE,
            regular_visitor_approved_at__isnull=False,
            membership__is_active=True,
            membership__user__is_active=True,
        )
        .select_related("membership__user")
        .order_by("membership__user__email", "pk")
    )
    return list({link.membership.user_id: link.membership.user for link in links}.values())


def current_codes_with_rotation():
    """Every home's current code with its rotation interval: [(code, days)]."""
    codes = list(DoorCode.objects.filter(replaced_at__isnull=True).select_related("home"))
    days = dict(
        VisitingInfo.objects.filter(home_id__in=[c.home_id for c in codes]).values_list(
            "home_id", "door_code_rotate_days"
        )
    )
    return [(code, days.get(code.home_id) or DEFAULT_ROTATE_DAYS) for code in codes]


# --- Restrictions --------------------------------------------------------------------


def _in_force(qs, day):
    return qs.filter(starts_on__lte=day, ended_on__isnull=True)


def restrictions_for_home(home, *, today=None):
    """Restrictions still in force (including any starting soon), then the ended ones."""
    today = today or timezone.localdate()
    restrictions = list(
        VisitRestriction.objects.for_home(home)
        .select_related("resident")
        .order_by("ended_on", "next_review_on", "pk")
    )
    for r in restrictions:
        r.review_overdue = r.ended_on is None and r.next_review_on < today
        r.past_expected_end = r.ended_on is None and r.expected_end_on < today
    current = [r for r in restrictions if r.ended_on is None]
    ended = sorted((r for r in restrictions if r.ended_on), key=lambda r: (r.ended_on, r.pk), reverse=True)
    return current, ended


def restriction_detail(home, pk):
    return (
        VisitRestriction.objects.for_home(home)
        .select_related("resident", "created_by")
        .prefetch_related("exempt_links__membership__user", "reviews__reviewed_by")
        .filter(pk=pk)
        .first()
    )


def overdue_restrictions(home, *, today=None):
    today = today or timezone.localdate()
    return list(
        _in_force(VisitRestriction.objects.for_home(home), today)
        .filter(next_review_on__lt=today)
        .select_related("resident")
        .order_by("next_review_on", "pk")
    )


def active_restriction_count(home, *, today=None):
    return _in_force(VisitRestriction.objects.for_home(home), today or timezone.localdate()).count()


def restriction_notices_for(membership, *, today=None):
    """The restrictions in force for this relative's own residents (active
    links only), each with ``exempt`` saying whether this relative may still visit."""
    today = today or timezone.localdate()
    exempt = VisitRestriction.exempt_links.through.objects.filter(
        visitrestriction_id=OuterRef("pk"), relativelink__membership=membership
    )
    return list(
        _in_force(VisitRestriction.objects.for_home(membership.home_id), today)
        .filter(
            resident__relative_links__membership=membership,
            resident__relative_links__status=RelativeLink.Status.ACTIVE,
        )
        .annotate(exempt=Exists(exempt))
        .select_related("resident")
        .order_by("resident__full_name", "pk")
    )


def residents_for_restriction(home):
    return Resident.objects.for_home(home).current().order_by("full_name", "pk")


def family_links_for_resident(home, resident):
    return (
        RelativeLink.objects.for_home(home)
        .filter(resident=resident, status=RelativeLink.Status.ACTIVE)
        .select_related("membership__user", "person")
        .order_by("membership__user__full_name", "pk")
    )


def essential_care_supporters(home, resident):
    return list(
        PersonWhoMatters.objects.for_home(home)
        .filter(resident=resident, essential_care_supporter=True, is_active=True)
        .order_by("name")
        .values_list("name", "relationship")
    )


def restriction_notices_sent(home, restriction):
    """The written notices (Anne's Law) about this restriction: who, by which
    channel, for what, and whether it went. The outbox rows are the record."""
    rows = list(
        Reminder.objects.for_home(home)
        .filter(
            kind=RESTRICTION_NOTICE,
            object_type=ContentType.objects.get_for_model(VisitRestriction),
            object_id=restriction.pk,
        )
        .select_related("user")
        .order_by("due", "user__full_name", "channel", "pk")
    )
    for row in rows:
        row.event_label = EVENTS.get((row.data or {}).get("event"), "Notice")
    return rows
