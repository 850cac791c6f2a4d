"""Anonymising the records of people who left, once their organisation's
retention period is over: a registry the apps fill, and the one way to scrub.

Each app registers, from its ``AppConfig.ready()``, what it holds about a
resident, a relative or a volunteer and how to anonymise it::

    register_anonymiser("resident", "residents", anonymise_resident)

``anonymise_resident(home, resident)`` scrubs its own tables (with ``scrub``)
and returns how many rows it changed. ``privacy.retention`` runs every app's
anonymiser for a person in one transaction and logs it.

Anonymise, never delete: rows another person's record needs (a group
activity's attendance, a volunteer's hours, a visit in a resident's history)
stay, with the free text, names, contact details and photos of the person
removed. Their change history goes too, since it holds the old values.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import Q

KINDS = ("resident", "relative", "volunteer")
REMOVED = "Removed"


@dataclass(frozen=True)
class Anonymiser:
    kind: str
    key: str
    run: Callable


_ANONYMISERS: dict[tuple[str, str], Anonymiser] = {}


def register_anonymiser(kind, key, run):
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    _ANONYMISERS[(kind, key)] = Anonymiser(kind, key, run)


def anonymisers_for(kind):
    return [a for (k, _key), a in sorted(_ANONYMISERS.items()) if k == kind]


def _text_fields(model, keep):
    for f in model._meta.concrete_fields:
        if f.name in keep or f.primary_key or f.is_relation or f.choices or f.unique:
            continue
        if isinstance(f, (models.CharField, models.TextField)) and not isinstance(f, models.SlugField):
            yield f


def forget_history(model, pks):
    """Delete the change history of these rows: it holds the values just removed."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    pks = [str(pk) for pk in pks]
    if not pks:
        return 0
    kind = ContentType.objects.get_for_model(model)
    deleted, _ = LogEntry.objects.filter(content_type=kind, object_pk__in=pks).delete()
    return deleted


def forget_rows(queryset):
    """Delete these rows and their change history (nothing another record
    needs: a calendar feed, free times, contact choices). Returns how many."""
    rows = list(queryset.values_list("pk", flat=True))
    forget_history(queryset.model, rows)
    queryset.model._base_manager.filter(pk__in=rows).delete()
    return len(rows)


def scrub(queryset, *, keep=(), **values):
    """Blank every free-text field of these rows (a required one reads
    "Removed"), delete their photos and files, set ``values``, and forget the
    rows' change history. Choices, dates, numbers and links stay: they are
    what other people's records and the home's figures need. Returns the
    number of rows changed. Writes without signals: nothing is recorded."""
    model = queryset.model
    rows = list(queryset.values_list("pk", flat=True))
    if not rows:
        return 0
    changes = {f.name: ("" if f.blank else REMOVED) for f in _text_fields(model, set(keep) | set(values))}
    files = [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.FileField) and f.name not in keep and f.name not in values
    ]
    if files:
        gone = []
        for row in model._base_manager.filter(pk__in=rows).only("pk", *[f.name for f in files]):
            for f in files:
                stored = getattr(row, f.name)
                if stored:
                    gone.append((stored.storage, stored.name))
        # The files go once the rows' change is committed: a rolled-back run keeps both.
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in gone])
        changes.update({f.name: "" for f in files})
        changes.update({f.height_field: 0 for f in files if getattr(f, "height_field", None)})
        changes.update({f.width_field: 0 for f in files if getattr(f, "width_field", None)})
    for f in model._meta.concrete_fields:
        if isinstance(f, models.JSONField) and f.name not in keep and f.name not in values:
            changes[f.name] = f.get_default()  # a snapshot of a plan holds names and notes too
    changes.update(values)
    model._base_manager.filter(pk__in=rows).update(**changes)
    forget_history(model, rows)
    return len(rows)


def _names_pattern(names):
    names = sorted({n.strip() for n in names if n and len(n.strip()) >= 3}, key=len, reverse=True)
    if not names:
        return names, None
    return names, re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.IGNORECASE)


def replace_names(queryset, fields, names, replacement):
    """Replace ``names`` (whole words, any case) with ``replacement`` in the
    ``fields`` of these rows: text that stays because others need it (a
    shared note, a story, the home's evidence) loses one person's name. The
    changed rows' history goes too. Returns the number of rows changed."""
    names, pattern = _names_pattern(names)
    if pattern is None:
        return 0
    mentions = Q()
    for field in fields:
        for name in names:
            mentions |= Q(**{f"{field}__icontains": name})
    model = queryset.model
    changed = []
    for row in queryset.filter(mentions).only("pk", *fields):
        new = {}
        for field in fields:
            text = pattern.sub(replacement, getattr(row, field) or "")
            limit = model._meta.get_field(field).max_length
            new[field] = text[:limit] if limit else text
        if any(new[field] != (getattr(row, field) or "") for field in fields):
            model._base_manager.filter(pk=row.pk).update(**new)
            changed.append(row.pk)
    forget_history(model, changed)
    return len(changed)


def _replaced(value, pattern, replacement):
    """``value`` (text, or JSON of lists and mappings) with the names replaced."""
    if isinstance(value, str):
        return pattern.sub(replacement, value)
    if isinstance(value, list):
        return [_replaced(v, pattern, replacement) for v in value]
    if isinstance(value, dict):
        return {k: _replaced(v, pattern, replacement) for k, v in value.items()}
    return value


def forget_names_in_history(home, names, replacement):
    """Take ``names`` out of the home's change history of the rows that stay.

    A row that stays (a key worker's assignment, an idea, a photo's list of
    who is in it, a connection with another resident) keeps its history, and
    that history names the rows it links to as they read then: "Margaret
    Baxter (Peggy)". Each mention becomes ``replacement``, in what the entry
    says it is about, its changes and its snapshot. The home's entries are
    found by the home they carry (an index, migration privacy 0003). Returns
    the number of entries changed."""
    from auditlog.models import LogEntry

    names, pattern = _names_pattern(names)
    if pattern is None:
        return 0
    mentions = Q()
    for name in names:
        for field in ("object_repr", "changes_text", "changes", "serialized_data"):
            mentions |= Q(**{f"{field}__icontains": name})
    entries = LogEntry.objects.filter(additional_data__home_id=home.pk).filter(mentions)
    changed = 0
    for entry in entries.only("pk", "object_repr", "changes_text", "changes", "serialized_data").iterator():
        new = {
            field: _replaced(getattr(entry, field), pattern, replacement)
            for field in ("object_repr", "changes_text", "changes", "serialized_data")
        }
        if any(new[field] != getattr(entry, field) for field in new):
            LogEntry.objects.filter(pk=entry.pk).update(**new)
            changed += 1
    return changed


def only_here(home, user):
    """True when ``user`` belongs to no other home (nor the admin site): their
    account itself can then be anonymised with their record here."""
    from homes.models import Membership
    from homes.scoping import crossing_homes

    if user is None or user.is_staff or user.is_superuser:
        return False
    with crossing_homes("retention: whether the person belongs to another home"):
        return not Membership.objects.filter(user=user, is_active=True).exclude(home=home).exists()


def forget_account(home, user):
    """Anonymise a sign-in account that belongs only to this home: no name,
    address, phone or password; its sessions and two-step devices go."""
    from auditlog.models import LogEntry
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from qsessions.models import Session

    if not only_here(home, user):
        return 0
    # What they changed stays in others' history, no longer with their address.
    LogEntry.objects.filter(actor_id=user.pk).update(actor_email=None, remote_addr=None, remote_port=None)
    Session.objects.filter(user=user).delete()
    forget_rows(TOTPDevice.objects.filter(user=user))
    forget_rows(StaticDevice.objects.filter(user=user))
    return scrub(
        type(user)._base_manager.filter(pk=user.pk),
        full_name=f"Former member {user.pk}",
        email=f"removed-{user.pk}@removed.invalid",
        password=make_password(None),
        is_active=False,
    )


def _membership_gone(home, membership):
    from homes.models import Membership

    changed = scrub(Membership.objects.for_home(home).filter(pk=membership.pk), is_active=False)
    return changed + forget_account(home, membership.user)


def anonymise_relative(home, membership):
    """Their membership and (when it is theirs alone) their account; the
    invitations that named them lose their name, address and note."""
    from django.utils import timezone

    from homes.models import Invitation

    user = membership.user
    invited = Invitation.objects.for_home(home).filter(
        Q(accepted_by=user) | Q(email__iexact=user.email), role=membership.role
    )
    # One still open can no longer be accepted, and frees the address's one open place.
    invited.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(revoked_at=timezone.now())
    changed = scrub(invited, email=f"removed-{membership.pk}@removed.invalid")
    return changed + _membership_gone(home, membership)


def anonymise_volunteer(home, volunteer):
    from homes.models import Membership, Role

    if volunteer.user_id is None:
        return 0
    membership = Membership.objects.for_home(home).filter(user_id=volunteer.user_id).first()
    if membership is None:
        return forget_account(home, volunteer.user)
    if membership.role != Role.VOLUNTEER:
        return 0  # they work here, or are a relative, now: their account and membership stay
    return _membership_gone(home, membership)


def register():
    register_anonymiser("relative", "~accounts", anonymise_relative)
    register_anonymiser("volunteer", "~accounts", anonymise_volunteer)
