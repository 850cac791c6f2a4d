"""Writes for wellbeing: the loneliness measure."""

from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format

from carehome.audit import acting_as
from carehome.errors import DomainError
from homes.submissions import submission_once
from residents.models import LonelinessMeasure

ITEMS = ("lack_companionship", "left_out", "isolated")

# Messages the form shares (it needs them to parse the same fields).
ITEM_CHOICE = "Choose one of the three answers: hardly ever or never, some of the time, or often."
DIRECT_CHOICE = "Choose one of the answers in the list, or “Preferred not to say”."
NOTE_TOO_LONG = "Keep the note under 300 characters."


def loneliness_measure_record(
    *,
    home,
    actor,
    resident,
    recorded_on,
    lack_companionship,
    left_out,
    isolated,
    direct,
    staff_helped=False,
    note="",
    form_token=None,
):
    """Record one set of answers to the three-item loneliness scale (each
    1–3) and the direct question, as the person gave them on ``recorded_on``
    (once per ``form_token``)."""
    if resident.home_id != home.pk:
        raise DomainError("That resident does not live here.")
    if resident.has_left:
        raise DomainError(f"{resident.short_name} no longer lives here.")
    if recorded_on > timezone.localdate():
        raise DomainError("The date cannot be in the future.", field="recorded_on")
    if recorded_on < resident.admitted_on:
        raise DomainError(
            f"The date cannot be before {resident.short_name} came to live here "
            f"({date_format(resident.admitted_on, 'j M Y')}).",
            field="recorded_on",
        )
    answers = {"lack_companionship": lack_companionship, "left_out": left_out, "isolated": isolated}
    for name, value in answers.items():
        if type(value) is not int or value not in LonelinessMeasure.Answer.values:
            raise DomainError(ITEM_CHOICE, field=name)
    if direct not in LonelinessMeasure.Direct.values:
        raise DomainError(DIRECT_CHOICE, field="direct")
    note = (note or "").strip()
    if len(note) > LonelinessMeasure._meta.get_field("note").max_length:
        raise DomainError(NOTE_TOO_LONG, field="note")
    with (
        transaction.atomic(),
        acting_as(actor),
        submission_once(home=home, actor=actor, token=form_token) as once,
    ):
        measure = LonelinessMeasure.objects.create(
            home=home,
            resident=resident,
            recorded_on=recorded_on,
            direct=direct,
            staff_helped=bool(staff_helped),
            note=note,
            recorded_by=actor,
            **answers,
        )
        once.created(measure)
    return measure
