"""Form fields every app declares the same way.

A date or a time is typed into the browser's own picker (``type="date"`` /
``type="time"``), whose value is always ``YYYY-MM-DD`` / ``HH:MM``, and one
message says what to do whether the box was left empty or filled in wrongly.
"""

from django import forms

DATE_FORMAT = "%Y-%m-%d"
TIME_FORMAT = "%H:%M"


def _messages(message, extra):
    """The same ``message`` when the value is missing and when it is not valid,
    with any ``extra`` messages (a different ``invalid`` one, say) on top."""
    return {"required": message, "invalid": message, **(extra or {})}


def date_field(label, message, *, error_messages=None, **kwargs):
    """A ``DateField`` with the browser's date picker.

    ``message`` is shown both when the date is missing and when it is not a
    date; ``error_messages`` adds to or replaces those; any other keyword
    (``required``, ``help_text``, ``initial``, ``input_formats`` …) goes to
    the field as it is.
    """
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
        error_messages=_messages(message, error_messages),
        **kwargs,
    )


def time_field(label, message, *, error_messages=None, **kwargs):
    """A ``TimeField`` with the browser's time picker; arguments as for ``date_field``."""
    return forms.TimeField(
        label=label,
        widget=forms.TimeInput(attrs={"type": "time"}, format=TIME_FORMAT),
        error_messages=_messages(message, error_messages),
        **kwargs,
    )
