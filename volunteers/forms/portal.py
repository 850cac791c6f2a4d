"""Forms of the volunteer's portal: replying to a shift and saying when they
are usually free. (Logging a visit uses ``volunteers.forms.rota.ShiftLogForm``,
the same form staff use.) They only parse; the rules belong to the services."""

from django import forms

from carehome.forms import KithForm, VersionedFormMixin
from volunteers.models.choices import Weekday
from volunteers.selectors.matching import PART_LABELS, PARTS
from volunteers.services.portal import CHOOSE_PARTS
from volunteers.services.rota import CHOOSE_REPLY, REPLY_REASON_TOO_LONG

YES, NO = "yes", "no"


class ReplyForm(KithForm):
    """ "I'll be there" or "I can't make it" (two buttons named ``answer``), with an optional reason."""

    answer = forms.ChoiceField(
        choices=[(YES, "I'll be there"), (NO, "I can't make it")],
        widget=forms.HiddenInput,
        error_messages={"required": CHOOSE_REPLY, "invalid_choice": CHOOSE_REPLY},
    )
    reason = forms.CharField(
        label="If you can't make it, why? (optional)",
        max_length=300,
        required=False,
        help_text="The home sees this on the rota.",
        error_messages={"max_length": REPLY_REASON_TOO_LONG},
    )

    def __init__(self, *args, shift=None, **kwargs):
        if shift is not None:
            kwargs.setdefault("auto_id", f"id_shift{shift.pk}_%s")
        super().__init__(*args, **kwargs)

    @property
    def coming(self):
        return self.cleaned_data.get("answer") == YES


class AvailabilityForm(VersionedFormMixin, KithForm):
    """Seven groups of ticks: the parts of each day they are usually free."""

    def __init__(self, *args, free=None, version=None, **kwargs):
        super().__init__(*args, **kwargs)
        free = free or {}
        for day, label in Weekday.choices:
            self.fields[f"day_{day}"] = forms.MultipleChoiceField(
                label=label,
                choices=[(part, PART_LABELS[part]) for part in PARTS],
                widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                required=False,
                initial=free.get(day, []),
                error_messages={"invalid_choice": CHOOSE_PARTS, "invalid_list": CHOOSE_PARTS},
            )
        self.fields["version"].initial = version

    def days(self):
        """[(day label, bound field)] for the template."""
        return [(label, self[f"day_{day}"]) for day, label in Weekday.choices]

    def free(self):
        return {day: self.cleaned_data.get(f"day_{day}") or [] for day in Weekday.values}
