"""No silent overwrites: an edit form carries the version of the record it was
opened on, and the service refuses to save over a newer one.

Every record that two people can edit at once has an integer ``version``
column (one more on every edit). The form carries it in a hidden field
(``carehome.forms.VersionedFormMixin``); the service locks the row, compares,
writes and bumps it::

    with transaction.atomic():
        locked = Model.objects.for_home(home).select_for_update().get(pk=pk)
        version_check(locked, version, submitted=cleaned)   # raises EditConflict
        ...set the fields...
        locked.save(update_fields=[*changed, *version_bump(locked)])

On a conflict the view calls ``show_conflict(form, error)``: the form keeps the
person's own text, shows who saved what and when (``includes/edit_conflict.html``)
and now carries the new version, so pressing Save again saves theirs knowingly.
"""

import datetime

from django.utils import dateformat, timezone

from carehome.errors import DomainError


class EditConflict(DomainError):
    """The record was saved by someone else after this form was opened."""

    def __init__(self, record, *, differences, changed_by, changed_at):
        self.record = record
        self.version = record.version
        self.differences = differences
        self.changed_by = changed_by
        self.changed_at = changed_at
        who = changed_by or "Someone else"
        when = f" at {_when(changed_at)}" if changed_at else ""
        super().__init__(
            f"{who} saved a change to this{when}, after you opened it. Nothing has been saved from "
            "this form yet and your own text is still below. Compare it with what is saved now, then "
            "press Save again to save yours over it, or Cancel to keep theirs."
        )


def _when(moment):
    local = timezone.localtime(moment)
    return dateformat.format(local, "H:i \\o\\n j F Y")


def _display(value, field=None):
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return dateformat.format(value, "j F Y")
    if isinstance(value, list | tuple | set):
        return ", ".join(sorted(str(v) for v in value)) or "(none)"
    return str(value)


def _comparable(value):
    if isinstance(value, list | tuple | set):
        return sorted(str(getattr(v, "pk", v)) for v in value)
    return value


def last_change(record):
    """Who made the newest change to ``record`` and when, from the change history."""
    from auditlog.models import LogEntry

    entry = LogEntry.objects.get_for_object(record).select_related("actor").order_by("-timestamp").first()
    if entry is None:
        return None, None
    actor = entry.actor
    return (getattr(actor, "full_name", "") or str(actor)) if actor else None, entry.timestamp


def version_check(record, version, *, submitted, saved=None, labels=None):
    """Raise ``EditConflict`` if ``record`` (locked by the caller) is newer than
    ``version``, the version the form was opened on. ``None`` checks nothing
    (a caller that is not a form, such as the demo data).

    ``submitted`` maps field names to the values this person is saving; the
    conflict lists those that differ from what is saved now (when none do,
    nothing would be lost and there is no conflict). ``saved`` gives
    the saved value of a field that is not a plain attribute (many-to-many);
    ``labels`` overrides a field's label.
    """
    if version is None or record is None or record.pk is None or int(version) == record.version:
        return
    saved = saved or {}
    labels = labels or {}
    differences = []
    for name, yours in submitted.items():
        try:
            field = record._meta.get_field(name)
        except Exception:  # noqa: BLE001 - a name the service passes that is not a field
            field = None
        if field is not None and (field.auto_created and not field.concrete):
            field = None  # a reverse relation (``availability``): not a field of this row
        now = saved[name] if name in saved else getattr(record, name, None)
        if _comparable(now) == _comparable(yours):
            continue
        label = labels.get(name) or (str(field.verbose_name) if field is not None else name.replace("_", " "))
        plain = field if field is not None and not field.many_to_many else None
        differences.append(
            {
                "field": name,
                "label": label[:1].upper() + label[1:],
                "saved": _display(now, plain),
                "yours": _display(yours, plain),
            }
        )
    if not differences:
        return  # what they are saving is what is saved now: nothing to lose
    changed_by, changed_at = last_change(record)
    raise EditConflict(record, differences=differences, changed_by=changed_by, changed_at=changed_at)


def version_bump(record):
    """Count one more edit of ``record``; returns the field names to add to ``update_fields``."""
    record.version = (record.version or 0) + 1
    return ["version"]


def show_conflict(form, error):
    """Put ``error`` (an ``EditConflict``) on ``form``: the message, the
    differences for ``includes/edit_conflict.html``, and the new version in the
    hidden field, so saving again saves this person's text knowingly."""
    error.add_to_form(form)
    form.conflict = error
    data = form.data.copy()
    data[form.add_prefix("version")] = str(error.version)
    form.data = data
