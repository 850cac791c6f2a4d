"""What Kith can send: each kind of message is declared once, beside the
feature it belongs to, and registered here.

Adding a kind is a small, local change in the feature app — a declaration in
``<app>/messages.py`` (imported by the app's ``ready()``) and four short
templates in ``templates/messages/<kind name>/``::

    VISIT_REMINDER = register(
        Kind(
            name="visits.reminder_day_before",
            label="Visit reminder, the day before",
            model="visits.Visit",
            related=("home", "resident", "space"),
            context=visit_context,          # (visit, reminder) -> dict for the templates
            stale=visit_reminder_stale,     # (visit, reminder) -> "" or why not to send now
        )
    )

and the service that causes it calls ``notifications.services.reminders_schedule``
in its own transaction. The outbox knows no feature app: it loads the object by
the declared model, asks the kind for its context and renders
``subject.txt``, ``body.txt``, ``body.html`` and ``sms.txt``.

Kinds that come from dates rather than actions (a review falls due, a weekly
summary) also register a *planner*: a function ``(now) -> int`` that creates
the rows it finds due, run by beat every 15 minutes. Planners must be safe to
run any number of times: they give each row a due time that follows from the
date (09:00 on the review date), so the unique constraint absorbs repeats.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps

from notifications.models import Channel

ALL_CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.POST)
STAFF_CHANNELS = (Channel.EMAIL,)


def _no_context(obj, reminder):
    return {}


def _never_stale(obj, reminder):
    return ""


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    model: str  # "app_label.ModelName" of the object the message is about
    # Essential messages (about the person's own booking, security notices,
    # an invitation they were sent) go even to people who turned reminders off.
    essential: bool = False
    channels: tuple = ALL_CHANNELS
    # Sent to staff about their work (reviews due, summaries): not listed to
    # relatives among "messages that always come".
    staff_only: bool = False
    related: tuple = ()  # select_related for loading the object
    context: Callable = _no_context
    stale: Callable = _never_stale
    # (obj, reminder) -> [(filename, content, mimetype)] for email
    attachments: Callable | None = None
    # (obj, reminder) -> None, called once after a successful send
    on_sent: Callable | None = None
    # obj -> a short description for the Messages page ("Peggy, Tue 2 Dec
    # 14:00, garden room"); it may use only the ``related`` rows.
    describe: Callable = str
    template_dir: str = ""

    @property
    def templates(self):
        return self.template_dir or f"messages/{self.name}"

    def model_class(self):
        return apps.get_model(self.model)

    def load(self, object_id, *, home_id):
        """The object a reminder of ``home_id`` is about, or None if it has gone."""
        model = self.model_class()
        queryset = model._default_manager.all()
        if any(f.name == "home" for f in model._meta.get_fields()):
            queryset = queryset.filter(home_id=home_id)
        if self.related:
            queryset = queryset.select_related(*self.related)
        return queryset.filter(pk=object_id).first()

    def load_many(self, object_ids, *, home_id):
        """{pk: object} of those of ``object_ids`` that still exist, in one query."""
        model = self.model_class()
        queryset = model._default_manager.filter(pk__in=list(object_ids))
        if any(f.name == "home" for f in model._meta.get_fields()):
            queryset = queryset.filter(home_id=home_id)
        if self.related:
            queryset = queryset.select_related(*self.related)
        return {obj.pk: obj for obj in queryset}


_KINDS: dict[str, Kind] = {}
_PLANNERS: dict[str, Callable] = {}


class UnknownKind(LookupError):
    pass


def register(kind):
    if kind.name in _KINDS and _KINDS[kind.name] != kind:
        raise ValueError(f"Two message kinds are called {kind.name!r}")
    _KINDS[kind.name] = kind
    return kind


def get_kind(name):
    try:
        return _KINDS[name]
    except KeyError:
        raise UnknownKind(f"No message kind is called {name!r}") from None


def all_kinds():
    return sorted(_KINDS.values(), key=lambda k: k.name)


def register_planner(name, planner):
    """``planner(now) -> int``: create the date-driven reminders now due."""
    _PLANNERS[name] = planner
    return planner


def all_planners():
    return dict(sorted(_PLANNERS.items()))
