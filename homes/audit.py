"""Change history for bulk writes.

auditlog records a row's create, update and delete from the model's signals;
``QuerySet.update()``, ``bulk_create`` and ``bulk_update`` send none, so a
service that writes in bulk records its entries here, in the same shape
auditlog writes (the same diff, excluded and masked fields, object text, and
``additional_data`` with the home, which the history page reads)::

    with transaction.atomic(), acting_as(actor):
        record_update(Friendship.objects.for_home(home).filter(...), ended_on=when)
        flags = SupportFlag.objects.bulk_create(flags)
        record_created(flags)

The actor is the one set by ``carehome.audit.acting_as`` (or given). Models
auditlog does not track (the outbox) are written but not recorded.
``QuerySet.delete()`` needs nothing here: Django sends each deleted row's
signals when anyone listens, so auditlog records it.
"""

from auditlog.cid import get_cid
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import smart_str

from carehome.audit import live_context

# ``additional_data["source"]`` of entries written for demo data, shown as
# "by the demo" on the history page.
DEMO_SOURCE = "demo"


def _context():
    context = live_context() or {}
    return {
        "actor": context.get("actor"),
        "remote_addr": context.get("remote_addr"),
        "remote_port": context.get("remote_port"),
    }


def _entry(instance, action, changes, *, context, now, source=None):
    pk = instance.pk
    additional = None
    get_additional_data = getattr(instance, "get_additional_data", None)
    if callable(get_additional_data):
        additional = get_additional_data()
    if source:
        additional = {**(additional or {}), "source": source}
    actor = context["actor"]
    try:
        text = smart_str(instance)
    except Exception:  # noqa: BLE001 — the same fallback auditlog uses
        text = "<error forming object repr>"
    return LogEntry(
        content_type=ContentType.objects.get_for_model(instance),
        object_pk=smart_str(pk),
        object_id=pk if isinstance(pk, int) else None,
        object_repr=text,
        serialized_data=LogEntry.objects._get_serialized_data_or_none(instance),
        action=action,
        changes=changes,
        actor=actor,
        actor_email=getattr(actor, "email", None),
        remote_addr=context["remote_addr"],
        remote_port=context["remote_port"],
        cid=get_cid(),
        additional_data=additional,
        timestamp=now,
    )


def _write(entries):
    if entries:
        LogEntry.objects.bulk_create(entries, batch_size=1000)
    return entries


def record_created(objs, *, actor=None, source=None):
    """Record rows just made with ``bulk_create`` (they must have their ids:
    re-read them first if ``ignore_conflicts`` was used). Returns the entries."""
    objs = [o for o in objs if o.pk is not None and auditlog.contains(o.__class__)]
    context = _context()
    if actor is not None:
        context["actor"] = actor
    now = timezone.now()
    json_changes = settings.AUDITLOG_STORE_JSON_CHANGES
    return _write(
        [
            _entry(
                o,
                LogEntry.Action.CREATE,
                model_instance_diff(None, o, use_json_for_changes=json_changes),
                context=context,
                now=now,
                source=source,
            )
            for o in objs
        ]
    )


def created_entry(obj, *, now=None):
    """The entry auditlog would write for ``obj`` being created, not saved:
    for a row written with others in one statement (``homes.together``).
    ``obj`` must have its id and every value it is saved with."""
    json_changes = settings.AUDITLOG_STORE_JSON_CHANGES
    return _entry(
        obj,
        LogEntry.Action.CREATE,
        model_instance_diff(None, obj, use_json_for_changes=json_changes),
        context=_context(),
        now=now or timezone.now(),
    )


def record_update(queryset, *, actor=None, **changes):
    """``queryset.update(**changes)``, recorded: one entry per changed row
    with what changed (F() expressions are read back after the update).
    Returns the number of rows updated, as ``update()`` does."""
    model = queryset.model
    if not auditlog.contains(model):
        return queryset.update(**changes)
    context = _context()
    if actor is not None:
        context["actor"] = actor
    base = model._base_manager
    with transaction.atomic():
        before = list(queryset.select_for_update(of=("self",)).order_by("pk"))
        if not before:
            return 0
        pks = [o.pk for o in before]
        count = base.filter(pk__in=pks).update(**changes)
        after = {o.pk: o for o in base.filter(pk__in=pks)}
        now = timezone.now()
        json_changes = settings.AUDITLOG_STORE_JSON_CHANGES
        entries = []
        for old in before:
            new = after.get(old.pk)
            if new is None:
                continue
            diff = model_instance_diff(
                old, new, fields_to_check=list(changes), use_json_for_changes=json_changes
            )
            if diff:
                entries.append(_entry(new, LogEntry.Action.UPDATE, diff, context=context, now=now))
        _write(entries)
    return count


def record_demo_history(home):
    """Give every demo row of ``home`` that has no history a "created by the
    demo" entry, so its history page is not empty beside "Last changed by …".
    Demo data is written in bulk, which auditlog does not see. Idempotent:
    rows that already have an entry are left alone. Returns how many entries."""
    from django.apps import apps
    from django.db.models import Subquery

    written = 0
    for model in apps.get_models():
        if not auditlog.contains(model) or model._meta.proxy:
            continue
        field = next((f for f in model._meta.concrete_fields if f.name == "home"), None)
        if field is None or not field.is_relation or field.related_model is not home.__class__:
            continue  # not a home's row
        content_type = ContentType.objects.get_for_model(model)
        recorded = LogEntry.objects.filter(content_type=content_type, object_id__isnull=False).values(
            "object_id"
        )
        related = [f.name for f in model._meta.concrete_fields if f.is_relation]
        rows = (
            model._base_manager.filter(home=home)
            .exclude(pk__in=Subquery(recorded))
            .select_related(*related)  # the diff stores each foreign key's text
        )
        entries = record_created(rows.iterator(chunk_size=1000), source=DEMO_SOURCE)
        written += len(entries)
    return written


def record_export(instance, *, actor, what, details=None):
    """Record that ``instance`` was exported (``what``: "PDF", "CSV"…) by
    ``actor``: an "access" entry, shown on the history page as a download."""
    context = _context()
    context["actor"] = actor
    entry = _entry(instance, LogEntry.Action.ACCESS, {}, context=context, now=timezone.now())
    entry.additional_data = {**(entry.additional_data or {}), "export": what, **(details or {})}
    entry.save(force_insert=True)  # one statement (bulk_create would wrap it in a transaction of its own)
    return entry


def record_change(instance, *, actor, changes):
    """An entry for a change that is not one of ``instance``'s own fields
    (``changes``: {what: [before, after]}), like a reset of the person's
    two-step verification on their membership."""
    context = _context()
    context["actor"] = actor
    entry = _entry(instance, LogEntry.Action.UPDATE, changes, context=context, now=timezone.now())
    entry.save(force_insert=True)
    return entry
