"""Writes for door codes, regular visitors and visiting restrictions.

Each runs in one transaction with the acting person recorded, so the change
history says who did what; each raises ``DomainError`` in plain words and
leaves nothing half-saved. A door code is never put in an email: approved
visitors are told it changed and read it in their account, where every
showing is logged.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.timeutils import check_date, horizon_date_problem
from carehome.versions import version_bump, version_check
from homes.scoping import check_home
from homes.submissions import submission_once
from residents.models import RelativeLink
from residents.services.family import relative_link_set_regular_visitor
from visits.messages import (
    door_code_messages_schedule,
    regular_visitor_messages_schedule,
    restriction_notice_schedule,
)
from visits.models import DoorCode, DoorCodeView, RestrictionReview, VisitingInfo, VisitRestriction
from visits.selectors.access import current_codes_with_rotation, regular_visitors

CODE_MIN, CODE_MAX = 4, 8
MAX_START_AHEAD_DAYS = 60

# Words the access forms show too (they import them from here).
ROTATE_DAYS_RANGE = "Choose a number of days from 1 to 365."
REASON_MISSING = "Say why visiting must be restricted for this person."
ALTERNATIVES_MISSING = "Say which less restrictive options you considered, and why they are not enough."
PEOPLE_MISSING = "Say who was involved in the decision."
EXEMPT_NOT_LISTED = "Choose exempt visitors from this person's family and friends."
OUTCOME_MISSING = "Say what the review decided."

# --- Door codes ----------------------------------------------------------------------


def _random_code(avoid):
    while True:
        length = secrets.choice((4, 5, 6))
        code = "".join(secrets.choice("0123456789") for _ in range(length))
        if code != avoid and len(set(code)) > 1:
            return code


def _check_code(code, current):
    if not (code.isascii() and code.isdigit()) or not CODE_MIN <= len(code) <= CODE_MAX:
        raise DomainError(
            f"Enter a door code of {CODE_MIN} to {CODE_MAX} digits, like 4721, or leave it empty for a "
            "random one.",
            field="code",
        )
    if current is not None and code == current.code:
        raise DomainError("That is the code already in use. Enter a different one.", field="code")


NOTICE_WINDOW = timedelta(hours=1)


def _notice_due(home, now):
    """When approved visitors hear of a change made at ``now``: at once, unless
    the home already changed its code ``DOOR_CODE_NOTICES_PER_HOUR`` times in
    the last hour; then when the oldest of those leaves the hour. A change
    must never wait (the code may have got out), but its emails may: each
    newer code cancels the older one's unsent notices, so a burst of changes
    sends one email to each visitor, about the newest code."""
    limit = max(1, settings.DOOR_CODE_NOTICES_PER_HOUR)
    earlier = list(
        DoorCode.objects.for_home(home)
        .filter(valid_from__gt=now - NOTICE_WINDOW, valid_from__lt=now)
        .order_by("-valid_from")
        .values_list("valid_from", flat=True)[:limit]
    )
    if len(earlier) < limit:
        return now
    return earlier[-1] + NOTICE_WINDOW


def door_code_rotate(*, home, actor, code="", only_if_older_than=None, now=None):
    """Replace the home's current door code with ``code`` (digits) or a random one.

    The current code's row is locked first, so two managers pressing "Change
    it now" at once queue up instead of making two current codes; the
    database's "one current code per home" constraint backs that up.
    ``only_if_older_than`` (a timedelta) makes it a scheduled rotation that
    does nothing unless the current code is at least that old. Returns the new
    code (with ``notice_due``, when visitors are told), or None when nothing
    was due.
    """
    now = now or timezone.now()
    code = (code or "").strip()
    try:
        with transaction.atomic(), acting_as(actor):
            current = DoorCode.objects.select_for_update().filter(home=home, replaced_at__isnull=True).first()
            if only_if_older_than is not None and (
                current is None or current.valid_from > now - only_if_older_than
            ):
                return None
            if code:
                _check_code(code, current)
            else:
                code = _random_code(current.code if current else None)
            if current is not None:
                current.replaced_at = now
                current.save(update_fields=["replaced_at"])
            new = DoorCode.objects.create(home=home, code=code, valid_from=now, created_by=actor)
            # Approved visitors hear that it changed (never the code), from the outbox.
            new.notice_due = _notice_due(home, now)
            door_code_messages_schedule(
                door_code=new,
                previous=current,
                recipients=regular_visitors(home),
                now=timezone.now(),
                due=new.notice_due,
            )
    except IntegrityError as error:
        raise DomainError(
            "Someone else changed the door code at the same moment. Look at the code now shown, and "
            "change it again if you need to."
        ) from error
    return new


def door_code_rotate_days_set(*, home, actor, days):
    if days is None or not 1 <= days <= 365:
        raise DomainError(ROTATE_DAYS_RANGE, field="days")
    with transaction.atomic(), acting_as(actor):
        info, _ = VisitingInfo.objects.select_for_update().get_or_create(home=home)
        info.door_code_rotate_days = days
        info.save(update_fields=["door_code_rotate_days", "updated_at"])
    return info


def door_codes_rotate_due(*, now=None):
    """Rotate every home's code that is older than its interval. Safe to run
    twice: each rotation re-checks the age under the row lock."""
    now = now or timezone.now()
    rotated = 0
    for code, days in current_codes_with_rotation():
        if code.valid_from > now - timedelta(days=days):
            continue
        try:
            new = door_code_rotate(
                home=code.home, actor=None, only_if_older_than=timedelta(days=days), now=now
            )
        except DomainError:  # a manager changed it at that very moment: nothing is due any more
            continue
        rotated += new is not None
    return rotated


def door_code_view_record(*, home, membership, door_code):
    """Log that a relative saw the code (every view is kept, for the manager)."""
    check_home(home, membership, door_code)
    return DoorCodeView.objects.create(home=home, door_code=door_code, membership=membership)


# --- Regular visitors ----------------------------------------------------------------


def regular_visitor_set(*, home, actor, link_id, approved):
    """Approve (or withdraw) a relative as a regular visitor, who may see the
    door code. The approval is on the relative's link: the residents app writes it.
    A newly approved visitor is told (essential, never the code) that they can
    now see the code in Kith."""
    with transaction.atomic(), acting_as(actor):
        before = (
            RelativeLink.objects.for_home(home)
            .select_for_update()
            .filter(pk=link_id)
            .values_list("regular_visitor_approved_at", flat=True)
            .first()
        )
        link = relative_link_set_regular_visitor(home=home, actor=actor, link_id=link_id, approved=approved)
        if approved and before is None and link.regular_visitor_approved_at is not None:
            regular_visitor_messages_schedule(link=link, now=timezone.now())
    return link


# --- Restrictions --------------------------------------------------------------------


def _check_dates(*, starts_on, expected_end_on, next_review_on, today):
    if starts_on > today + timedelta(days=MAX_START_AHEAD_DAYS):
        raise DomainError(
            f"A restriction can be recorded up to {MAX_START_AHEAD_DAYS} days ahead.", field="starts_on"
        )
    if expected_end_on <= starts_on:
        raise DomainError(
            "The expected end date must be after the start date. A restriction is always time-limited.",
            field="expected_end_on",
        )
    if not starts_on <= next_review_on <= expected_end_on:
        raise DomainError(
            "The next review must be between the start date and the expected end date.",
            field="next_review_on",
        )
    check_horizon(
        expected_end_on=expected_end_on, next_review_on=next_review_on, start=starts_on, today=today
    )


def check_horizon(*, expected_end_on, next_review_on, start, today):
    """A restriction is looked at again within a set time: its expected end
    and next review are never before ``start`` nor past the horizon."""
    if expected_end_on is not None:
        problem = horizon_date_problem(expected_end_on, start=start, what="expected end date", on=today)
        check_date(problem, field="expected_end_on")
    if next_review_on is not None:
        problem = horizon_date_problem(next_review_on, start=start, what="next review", on=today)
        check_date(problem, field="next_review_on")


def restriction_add(
    *,
    home,
    actor,
    resident,
    reason,
    alternatives_considered,
    people_involved,
    starts_on,
    expected_end_on,
    next_review_on,
    exempt_links=(),
    other_exempt_visitors="",
    form_token=None,
):
    today = timezone.localdate()
    if resident.home_id != home.pk:
        raise DomainError("Choose a resident of this home.")
    if resident.has_left:
        raise DomainError(
            f"{resident.short_name} no longer lives here ({resident.get_status_display().lower()}), "
            "so no visiting restriction can be recorded for them."
        )
    for value, field, words in [
        (reason, "reason", REASON_MISSING),
        (alternatives_considered, "alternatives_considered", ALTERNATIVES_MISSING),
        (people_involved, "people_involved", PEOPLE_MISSING),
    ]:
        if not (value or "").strip():
            raise DomainError(words, field=field)
    _check_dates(
        starts_on=starts_on, expected_end_on=expected_end_on, next_review_on=next_review_on, today=today
    )
    links = list(exempt_links)
    if any(link.home_id != home.pk or link.resident_id != resident.pk for link in links):
        raise DomainError(EXEMPT_NOT_LISTED, field="exempt_links")
    with (
        transaction.atomic(),
        acting_as(actor),
        submission_once(home=home, actor=actor, token=form_token) as once,
    ):
        if VisitRestriction.objects.for_home(home).filter(resident=resident, ended_on__isnull=True).exists():
            raise DomainError(
                "This person already has a restriction in force. Review or end it instead of adding another."
            )
        restriction = VisitRestriction.objects.create(
            home=home,
            resident=resident,
            reason=reason.strip(),
            alternatives_considered=alternatives_considered.strip(),
            people_involved=people_involved.strip(),
            starts_on=starts_on,
            expected_end_on=expected_end_on,
            next_review_on=next_review_on,
            other_exempt_visitors=(other_exempt_visitors or "").strip(),
            created_by=actor,
        )
        restriction.exempt_links.set(links)
        # Anne's Law: the resident's relatives are told in writing (the rows are the record).
        restriction_notice_schedule(restriction=restriction, event="recorded")
        once.created(restriction)
    return restriction


def restriction_review_add(
    *,
    home,
    actor,
    restriction,
    reviewed_on,
    outcome,
    next_review_on,
    expected_end_on=None,
    version=None,
    form_token=None,
):
    """Record a review of a restriction in force (once per ``form_token``)
    and move its next review, and maybe its expected end (``EditConflict`` if
    the restriction changed since ``version``)."""
    today = timezone.localdate()
    if restriction.ended_on is not None:
        raise DomainError("This restriction has ended; there is nothing to review.")
    if not (outcome or "").strip():
        raise DomainError(OUTCOME_MISSING, field="outcome")
    if reviewed_on > today:
        raise DomainError("The review date cannot be in the future.", field="reviewed_on")
    if reviewed_on < restriction.starts_on:
        raise DomainError("The review date cannot be before the restriction started.", field="reviewed_on")
    end = expected_end_on or restriction.expected_end_on
    if end <= reviewed_on and expected_end_on is not None:
        raise DomainError("The new expected end date must be after the review.", field="expected_end_on")
    if not reviewed_on < next_review_on:
        raise DomainError("The next review must be after this review.", field="next_review_on")
    check_horizon(
        expected_end_on=expected_end_on,
        next_review_on=next_review_on,
        start=restriction.starts_on,
        today=today,
    )
    if next_review_on > end:
        raise DomainError(
            "The next review must be on or before the expected end date. If the restriction must go on "
            "longer, give a new expected end date.",
            field="next_review_on",
        )
    with (
        transaction.atomic(),
        acting_as(actor),
        submission_once(home=home, actor=actor, token=form_token) as once,
    ):
        locked = VisitRestriction.objects.select_for_update().get(pk=restriction.pk, home=home)
        if locked.ended_on is not None:  # ended by someone else since the page was opened
            raise DomainError("This restriction has ended; there is nothing to review.")
        review = RestrictionReview.objects.create(
            home=home, restriction=locked, reviewed_on=reviewed_on, outcome=outcome.strip(), reviewed_by=actor
        )
        version_check(locked, version, submitted={"next_review_on": next_review_on, "expected_end_on": end})
        end_moved = locked.expected_end_on != end
        locked.next_review_on = next_review_on
        locked.expected_end_on = end
        locked.save(update_fields=["next_review_on", "expected_end_on", *version_bump(locked)])
        if end_moved:  # relatives are told when the restriction changes, not of every review
            restriction_notice_schedule(restriction=locked, event="changed", outcome=review.outcome)
        once.created(review)
    return review


def restriction_end(*, home, actor, restriction, ended_on, end_note="", version=None):
    today = timezone.localdate()
    if restriction.ended_on is not None:
        raise DomainError("This restriction has already ended.")
    if ended_on > today:
        raise DomainError("The end date cannot be in the future.", field="ended_on")
    if ended_on < restriction.starts_on:
        raise DomainError("The end date cannot be before the restriction started.", field="ended_on")
    with transaction.atomic(), acting_as(actor):
        locked = VisitRestriction.objects.for_home(home).select_for_update().get(pk=restriction.pk)
        if locked.ended_on is not None:
            raise DomainError("This restriction has already ended.")
        end_note = (end_note or "").strip()
        version_check(locked, version, submitted={"ended_on": ended_on, "end_note": end_note})
        locked.ended_on = ended_on
        locked.end_note = end_note
        locked.save(update_fields=["ended_on", "end_note", *version_bump(locked)])
        restriction_notice_schedule(restriction=locked, event="ended")
    return locked
