"""Form fields every app declares the same way.

A date or a time is typed into the browser's own picker (``type="date"`` /
``type="time"``), whose value is always ``YYYY-MM-DD`` / ``HH:MM``, and one
message says what to do whether the box was left empty or filled in wrongly.

Every project form is a ``KithForm`` or ``KithModelForm`` (or puts
``TextRulesMixin`` first in its bases), so the one text rule of
``carehome.lib.text`` applies to each of its text inputs;
tests/test_form_text_rules.py walks every form to be sure.
"""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator

from carehome.lib.text import text_problem

DATE_FORMAT = "%Y-%m-%d"
TIME_FORMAT = "%H:%M"


def _messages(message, extra):
    """The same ``message`` when the value is missing and when it is not valid,
    with any ``extra`` messages (a different ``invalid`` one, say) on top."""
    return {"required": message, "invalid": message, **(extra or {})}


def date_field(label, message, *, error_messages=None, bounds=None, **kwargs):
    """A ``DateField`` with the browser's date picker.

    ``message`` is shown both when the date is missing and when it is not a
    date; ``error_messages`` adds to or replaces those; ``bounds`` is one of
    ``carehome.timeutils``' ``*_date_problem`` rules (a date → a message, or
    '') and its message is shown next to the field; any other keyword
    (``required``, ``help_text``, ``initial``, ``input_formats`` …) goes to
    the field as it is.
    """
    if bounds is not None:
        kwargs["validators"] = [*kwargs.get("validators", ()), _bounded(bounds)]
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
        error_messages=_messages(message, error_messages),
        **kwargs,
    )


def _bounded(rule):
    def validate(value):
        if problem := rule(value):
            raise forms.ValidationError(problem, code="out_of_range")

    return validate


def time_field(label, message, *, error_messages=None, **kwargs):
    """A ``TimeField`` with the browser's time picker; arguments as for ``date_field``."""
    return forms.TimeField(
        label=label,
        widget=forms.TimeInput(attrs={"type": "time"}, format=TIME_FORMAT),
        error_messages=_messages(message, error_messages),
        **kwargs,
    )


class VersionedFormMixin:
    """An edit form that carries, hidden, the version of the record it was
    opened on (``carehome.versions``). A model form takes it from its
    instance; any other passes ``initial={"version": record.version}`` (0 for
    a record not saved yet). Put it before ``forms.Form`` in the bases.

    ``form.conflict`` is set by ``carehome.versions.show_conflict``; the
    template shows it with ``{% include "includes/edit_conflict.html" %}``.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        initial = None
        if hasattr(instance, "version"):
            initial = instance.version if instance.pk else 0
        self.fields["version"] = forms.IntegerField(
            widget=forms.HiddenInput, min_value=0, required=False, initial=initial
        )
        self.conflict = None


class OnceFormMixin:
    """A create form that carries, hidden, a one-time token made when the form
    is shown: the service saves once per token (``homes.submissions``), so a
    resubmitted or double-tapped form does not create twice. Re-shown with
    errors, it keeps its token (nothing was saved). Put it before
    ``forms.Form`` in the bases."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form_token"] = forms.UUIDField(
            widget=forms.HiddenInput, required=False, initial=uuid.uuid4
        )


# --- The text rule on every form ---------------------------------------------------


class TextRuleValidator:
    """Refuses what ``carehome.lib.text.text_problem`` refuses, for one field.

    It reads ``field.required`` when it runs, so a form may change it in
    ``__init__``; it replaces Django's own "Null characters are not allowed."
    """

    def __init__(self, field):
        self.field = field

    def __call__(self, value):
        if not isinstance(value, str):
            return
        message = text_problem(
            value,
            multiline=isinstance(self.field.widget, forms.Textarea),
            required=self.field.required,
        )
        if message:
            raise ValidationError(message, code="text_rule")


def follows_text_rule(field):
    """Whether the rule applies to ``field``: every text input but passwords
    (never shown, only hashed: a password manager's output is never refused)
    and UUIDs (which refuse anything else themselves)."""
    return (
        isinstance(field, forms.CharField)
        and not isinstance(field, forms.UUIDField)
        and not isinstance(field.widget, forms.PasswordInput)
    )


class TextRulesMixin:
    """Put first in a form's bases: every text field of the form (including
    ones added in ``__init__``) refuses invisible-only text and control
    characters, with a message next to the field."""

    def full_clean(self):
        for field in self.fields.values():
            done = any(isinstance(rule, TextRuleValidator) for rule in field.validators)
            if done or not follows_text_rule(field):
                continue
            kept = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]
            field.validators = [*kept, TextRuleValidator(field)]
        super().full_clean()


class KithForm(TextRulesMixin, forms.Form):
    """The base of every plain form in Kith."""


class KithModelForm(TextRulesMixin, forms.ModelForm):
    """The base of every model form in Kith."""
