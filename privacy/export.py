"""Everything held about one person, read for a subject access request.

``collect(subject)`` walks the sources declared in ``privacy.sources`` for the
person's kind (a resident, a relative, a volunteer), one query for each source
however many rows it has, and returns plain sections: each row a list of
fields with the label a person reads, the value as text and the value as
JSON. ``privacy.render`` turns them into the PDF and the JSON file.

Nothing of anyone else goes out:
- another resident named in a row (a friendship, a connection's "other
  resident", a photo's people) is "another resident";
- their names in free text (notes, captions, stories) are replaced the same
  way, whole names first, then preferred and first names;
- secrets are never read: sign-in tokens, calendar-feed addresses, session
  keys and door codes are left out by name (``NEVER``).
"""

import base64
import datetime
import mimetypes
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.utils import formats, timezone

ANOTHER_RESIDENT = "another resident"

# Fields no export reads, on any model: ids, the home, bookkeeping, secrets.
NEVER = {
    "id",
    "home",
    "version",
    "uid",
    "sequence",
    "blocked_from",
    "blocked_until",
    "hold",
    "claim",
    "claimed_at",
    "queued_at",
    "password",
    "session_key",
    "session_data",
    "key",
    "object_type",
    "object_id",
    "recipient",
    "data",
    "application_group",
    "invitation",
    "two_step_version",
    "two_step_due",
    "is_staff",
    "is_superuser",
    "last_error",
    "not_before",
    "expires_at",
    "attempts",
    "code",
}
_SECRET_PARTS = ("token", "secret", "password", "nonce")


@dataclass
class Subject:
    """Whose data: ``kind`` is "resident", "relative" or "volunteer"."""

    kind: str
    home: object
    name: str
    resident: object = None
    membership: object = None
    volunteer: object = None
    user: object = None
    # Residents this person's own records may name: the resident themselves,
    # or the residents a relative is linked to. Everyone else is "another resident".
    named: list = field(default_factory=list)

    @property
    def named_residents(self):
        return {r.pk for r in self.named}

    @property
    def selves(self):
        """The rows that are this person: a link to one of them is not shown."""
        mine = [self.resident, self.membership, self.volunteer, self.user]
        return {(o._meta.label, o.pk) for o in mine if o is not None}


@dataclass
class Field:
    name: str
    label: str
    text: str
    value: object
    image: dict | None = None  # {"name", "content_type", "data_uri"} for a photo


@dataclass
class Section:
    key: str
    title: str
    about: str
    rows: list


def _skipped(name, source):
    return name in NEVER or name in source.skip or any(part in name for part in _SECRET_PARTS)


def _label(f):
    text = str(getattr(f, "verbose_name", f.name))
    return text[:1].upper() + text[1:]


class _Redactor:
    """Replaces other residents' names in free text with "another resident"."""

    def __init__(self, home, named_ids, keep_words):
        from residents.models import Resident

        names = set()
        keep = {w.lower() for w in keep_words if w}
        for full_name, preferred in (
            Resident.objects.for_home(home)
            .exclude(pk__in=named_ids)
            .values_list("full_name", "preferred_name")
        ):
            names.add(full_name.strip())
            for word in (preferred.strip(), full_name.split(" ")[0].strip() if full_name.strip() else ""):
                if len(word) >= 3 and word.lower() not in keep:
                    names.add(word)
        names = sorted((n for n in names if n), key=len, reverse=True)
        self.pattern = (
            # Not a saint's name: "St Mary's church" stays as it is.
            re.compile(
                r"(?<!\w)(?-i:(?<!St )(?<!St\. )(?<!Saint ))("
                + "|".join(re.escape(n) for n in names)
                + r")(?!\w)",
                re.IGNORECASE,
            )
            if names
            else None
        )

    def __call__(self, text):
        if not self.pattern or not text:
            return text
        return self.pattern.sub(ANOTHER_RESIDENT, text)


def _person(obj):
    for attr in ("full_name", "name"):
        value = getattr(obj, attr, "")
        if value:
            return str(value)
    return str(obj)


class _Reader:
    def __init__(self, subject):
        self.subject = subject
        self.selves = subject.selves
        keep = []
        for resident in subject.named:
            keep += [resident.preferred_name, *resident.full_name.split(" ")]
        keep += subject.name.split(" ")
        self.redact = _Redactor(subject.home, subject.named_residents, keep)

    def related_text(self, target):
        """What a row says for a related object, without reading anything more."""
        label = target._meta.label
        if label == "residents.Resident":
            return target.display_name if target.pk in self.subject.named_residents else ANOTHER_RESIDENT
        if label == "homes.Membership":
            return _person(target.user)
        if label == "residents.RelativeLink":
            return f"{_person(target.membership.user)} ({target.relationship})"
        if label == "community.Occurrence":
            day = formats.date_format(timezone.localtime(target.starts_at), "j F Y")
            return f"{target.activity.title}, {day}"
        if label in ("accounts.User", "volunteers.Volunteer", "residents.PersonWhoMatters"):
            return _person(target)
        return str(target)

    def value(self, f, obj):
        raw = getattr(obj, f.attname)
        if f.is_relation:
            target = getattr(obj, f.name)
            if target is None:
                return None, None
            text = self.redact(self.related_text(target))
            return text, text
        if raw is None or raw == "":
            return None, None
        if f.choices:
            text = str(getattr(obj, f"get_{f.name}_display")())
            return text, text
        if isinstance(f, models.FileField):
            return str(raw), str(raw)
        if isinstance(raw, bool):
            return ("Yes" if raw else "No"), raw
        if isinstance(raw, datetime.datetime):
            moment = timezone.localtime(raw)
            return formats.date_format(moment, "j F Y, H:i"), moment.isoformat()
        if isinstance(raw, datetime.date):
            return formats.date_format(raw, "j F Y"), raw.isoformat()
        if isinstance(raw, datetime.time):
            return raw.strftime("%H:%M"), raw.isoformat()
        if isinstance(raw, (dict, list)):
            return None, None
        if isinstance(raw, (int, float)):
            return str(raw), raw
        text = self.redact(str(raw))
        return text, text

    def image(self, f, obj):
        file = getattr(obj, f.name)
        if not file:
            return None
        try:
            with file.storage.open(file.name, "rb") as handle:
                data = handle.read()
        except (OSError, ValueError):
            return None
        kind = mimetypes.guess_type(file.name)[0] or "image/jpeg"
        return {
            "name": file.name.rsplit("/", 1)[-1],
            "content_type": kind,
            "data_uri": f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}",
        }

    def many(self, f, obj):
        related = list(getattr(obj, f.name).all())
        if f.related_model._meta.label == "residents.Resident":
            named = [r.display_name for r in related if r.pk in self.subject.named_residents]
            others = len(related) - len(named)
            if others:
                named.append(f"{others} other resident{'s' if others > 1 else ''}")
            return named
        return [self.redact(self.related_text(r)) for r in related]

    def row(self, source, obj):
        fields = []
        for prefix, target in [("", obj), *[(name, getattr(obj, name)) for name in source.inline]]:
            if target is None:
                continue
            for f in target._meta.concrete_fields:
                if _skipped(f.name, source) or (prefix and f.name in source.inline_skip):
                    continue
                if not prefix and f.name in source.inline:
                    continue
                if f.is_relation and (f.related_model._meta.label, getattr(target, f.attname)) in self.selves:
                    continue  # the row's link to the person themselves
                text, value = self.value(f, target)
                if text is None:
                    continue
                image = self.image(f, target) if isinstance(f, models.ImageField) else None
                fields.append(
                    Field(f"{prefix}.{f.name}" if prefix else f.name, _label(f), text, value, image)
                )
            for f in target._meta.many_to_many:
                if _skipped(f.name, source):
                    continue
                names = self.many(f, target)
                if names:
                    fields.append(
                        Field(f"{prefix}.{f.name}" if prefix else f.name, _label(f), ", ".join(names), names)
                    )
        return fields


def source_rows(source, subject):
    """The rows of ``source`` about ``subject``, with what their fields name read alongside."""
    model = apps.get_model(source.model)
    related = []
    prefetch = []
    for prefix, m in [
        ("", model),
        *[(f"{n}__", model._meta.get_field(n).related_model) for n in source.inline],
    ]:
        for f in m._meta.concrete_fields:
            if f.is_relation and not _skipped(f.name, source):
                related.append(prefix + f.name)
                target = f.related_model._meta.label
                if target == "homes.Membership":
                    related.append(f"{prefix}{f.name}__user")
                elif target == "residents.RelativeLink":
                    related.append(f"{prefix}{f.name}__membership__user")
                elif target == "community.Occurrence":
                    related.append(f"{prefix}{f.name}__activity")
        for f in m._meta.many_to_many:
            if not _skipped(f.name, source):
                target = f.related_model._meta.label
                if target == "residents.RelativeLink":
                    prefetch.append(f"{prefix}{f.name}__membership__user")
                else:
                    prefetch.append(prefix + f.name)
    rows = model._default_manager.filter(source.match(subject))
    if any(f.name == "home" for f in model._meta.concrete_fields):
        rows = rows.filter(home=subject.home)
    return rows.select_related(*related).prefetch_related(*prefetch).order_by(*source.order).distinct()


def collect(subject):
    """The sections of everything held about ``subject`` in its home."""
    from privacy.sources import sources_for

    reader = _Reader(subject)
    sections = []
    for source in sources_for(subject.kind):
        rows = [reader.row(source, obj) for obj in source_rows(source, subject)]
        sections.append(Section(source.key, source.title, source.about, [r for r in rows if r]))
    return sections
