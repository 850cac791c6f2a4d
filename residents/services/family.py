"""Writes to a resident's relatives' links and plan that other apps make on a
family's behalf: visits links a relative when inviting them or when they
accept, pauses, ends or restores a link, approves a regular visitor, and adds
a family's approved suggestion to the plan.

The rows are the residents app's, so the rules for them live here (STYLE.md:
cross-app writes go through the owning app's services). Each joins the
caller's transaction when there is one.
"""

from django.db import transaction
from django.utils import timezone

from carehome.audit import acting_as
from carehome.errors import DomainError
from carehome.versions import version_bump
from homes.audit import record_created
from homes.models import Role
from homes.scoping import check_home
from residents.models import PersonalPlan, PersonWhoMatters, RelativeLink

Status = RelativeLink.Status


def relative_links_add(*, home, membership, links):
    """Link ``membership`` (a relative's account) to each of ``links``, a list
    of (resident, relationship, person who matters or None). A resident already
    linked keeps that link: a paused or ended one stays so until a manager
    restores it. Returns ``(linked, kept)``: the residents now linked (new or
    already active) and the residents whose link stays paused or ended."""
    check_home(home, membership, *(row for resident, _, person in links for row in (resident, person)))
    existing = {
        link.resident_id: link
        for link in RelativeLink.objects.for_home(home).filter(
            membership=membership, resident__in=[resident for resident, _, _ in links]
        )
    }
    new, linked, kept = [], [], []
    for resident, relationship, person in links:
        link = existing.get(resident.pk)
        if link is None:
            new.append(
                RelativeLink(
                    home=home,
                    membership=membership,
                    resident=resident,
                    relationship=relationship,
                    person=person,
                )
            )
            linked.append(resident)
        elif link.status == Status.ACTIVE:
            linked.append(resident)
        else:
            kept.append(resident)
    if new:
        with transaction.atomic():
            RelativeLink.objects.bulk_create(new, ignore_conflicts=True)
            # ignore_conflicts leaves the new rows without their ids: read them back.
            record_created(
                RelativeLink.objects.for_home(home)
                .filter(membership=membership, resident__in=[link.resident for link in new])
                .select_related("membership__user", "resident")
            )
    return linked, kept


# What a person is told about the reason (the form shows the same words).
REASON_MAX_LENGTH = RelativeLink._meta.get_field("status_reason").max_length
REASON_MISSING = "Write the reason, so the team knows why."
REASON_TOO_LONG = f"Keep the reason under {REASON_MAX_LENGTH} characters."

# Which change each button makes, from which statuses.
STATUS_CHANGES = {
    "pause": (Status.PAUSED, {Status.ACTIVE}),
    "end": (Status.ENDED, {Status.ACTIVE, Status.PAUSED}),
    "restore": (Status.ACTIVE, {Status.PAUSED, Status.ENDED}),
}


def relative_link_set_status(*, home, actor, link, action, reason):
    """Pause, end or restore a relative's link, with the reason. Ending it also
    withdraws the regular-visitor approval (a restore needs a new decision)."""
    reason = (reason or "").strip()
    if action not in STATUS_CHANGES:
        raise DomainError("Choose what to do: pause, end or restore.", field="action")
    if not reason:
        raise DomainError(REASON_MISSING, field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise DomainError(REASON_TOO_LONG, field="reason")
    new_status, allowed_from = STATUS_CHANGES[action]
    with transaction.atomic(), acting_as(actor):
        link = RelativeLink.objects.for_home(home).select_for_update().get(pk=link.pk)
        if link.status not in allowed_from:
            raise DomainError(f"This link is already {link.get_status_display().lower()}.", field="action")
        link.status = new_status
        link.status_reason = reason
        link.status_changed_at = timezone.now()
        link.status_changed_by = actor
        fields = ["status", "status_reason", "status_changed_at", "status_changed_by"]
        if new_status == Status.ENDED:
            link.regular_visitor_approved_at = None
            link.regular_visitor_approved_by = None
            fields += ["regular_visitor_approved_at", "regular_visitor_approved_by"]
        link.save(update_fields=fields)
    return link


def relative_link_set_regular_visitor(*, home, actor, link_id, approved):
    """Approve (or withdraw) a relative as a regular visitor. Only an active
    link can be approved; approving twice keeps the first approval."""
    with transaction.atomic(), acting_as(actor):
        link = (
            RelativeLink.objects.for_home(home)
            .select_for_update()
            .select_related("membership__user", "resident")
            .filter(pk=link_id, membership__role=Role.FAMILY)
            .first()
        )
        if link is None:
            raise DomainError("That family link is not at this home any more.")
        if approved:
            if link.status != Status.ACTIVE:
                raise DomainError("Only someone whose link is active can be a regular visitor.")
            if link.regular_visitor_approved_at is None:
                link.regular_visitor_approved_at = timezone.now()
                link.regular_visitor_approved_by = actor
                link.save(update_fields=["regular_visitor_approved_at", "regular_visitor_approved_by"])
        elif link.regular_visitor_approved_at is not None:
            link.regular_visitor_approved_at = None
            link.regular_visitor_approved_by = None
            link.save(update_fields=["regular_visitor_approved_at", "regular_visitor_approved_by"])
    return link


def _append(existing, paragraph):
    existing = (existing or "").rstrip()
    return f"{existing}\n\n{paragraph}" if existing else paragraph


def plan_add_from_family(
    *,
    home,
    actor,
    resident,
    about_me="",
    interest_id=None,
    interests_note="",
    person_name="",
    person_relationship="",
    person_notes="",
):
    """Add a family's approved suggestion to ``resident``'s plan (made if
    there is none yet): a paragraph for "about me" or the interests notes, an
    interest, or a person who matters (when ``person_name`` is given). The
    texts arrive already attributed ("… — added by Linda Baxter (daughter)").
    The plan is marked updated by ``actor``. Returns the plan."""
    check_home(home, resident)
    with transaction.atomic(), acting_as(actor):
        plan = PersonalPlan.objects.for_home(home).select_for_update().filter(resident=resident).first()
        if plan is None:
            plan, _ = PersonalPlan.objects.for_home(home).get_or_create(
                home=home, resident=resident, defaults={"updated_by": actor}
            )
        changed = []
        if about_me:
            plan.about_me = _append(plan.about_me, about_me)
            changed.append("about_me")
        if interest_id:
            plan.interests.add(interest_id)
        if interests_note:
            plan.interests_notes = _append(plan.interests_notes, interests_note)
            changed.append("interests_notes")
        if person_name:
            PersonWhoMatters.objects.create(
                home=home,
                resident=resident,
                name=person_name,
                relationship=person_relationship,
                notes=person_notes,
            )
        plan.updated_by = actor
        # A plan section open elsewhere must see this as a change (no silent overwrite).
        plan.save(update_fields=[*changed, "updated_by", "updated_at", *version_bump(plan)])
    return plan
