"""Writes for wellbeing: the loneliness measure."""

from auditlog.context import set_actor
from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format

from carehome.errors import DomainError
from residents.models import LonelinessMeasure

ITEMS = ("lack_companionship", "left_out", "isolated")


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
):
    """Record one set of answers to the three-item loneliness scale (each
    1–3) and the direct question, as the person gave them on ``recorded_on``."""
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
            raise DomainError(
                "Choose one of the three answers: hardly ever or never, some of the time, or often.",
                field=name,
            )
    if direct not in LonelinessMeasure.Direct.values:
        raise DomainError("Choose one of the answers in the list, or “Preferred not to say”.", field="direct")
    note = (note or "").strip()
    if len(note) > LonelinessMeasure._meta.get_field("note").max_length:
        raise DomainError("Keep the note under 300 characters.", field="note")
    with transaction.atomic(), set_actor(actor):
        return LonelinessMeasure.objects.create(
            home=home,
            resident=resident,
            recorded_on=recorded_on,
            direct=direct,
            staff_helped=bool(staff_helped),
            note=note,
            recorded_by=actor,
            **answers,
        )
