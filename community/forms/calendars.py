"""Choosing whose week to print, and which week (a GET form: it only reads)."""

from datetime import timedelta

from django import forms

from carehome.forms import KithForm
from carehome.timeutils import day_text, today
from community.selectors.calendars import current_residents, monday_of

CHOOSE_RESIDENT = "Choose who the sheet is for."
CHOOSE_WEEK = "Choose one of the weeks in the list."
# The weeks offered: last week, this week and the next few.
WEEKS_OFFERED = range(-1, 5)


def week_choices(on=None):
    this_monday = monday_of(on or today())
    choices = []
    for n in WEEKS_OFFERED:
        monday = this_monday + timedelta(weeks=n)
        name = {-1: "Last week", 0: "This week", 1: "Next week"}.get(n, f"In {n} weeks")
        choices.append((monday.isoformat(), f"{name}, from {day_text(monday, 'l j F', on=on)}"))
    return choices


class MyWeekChooseForm(KithForm):
    resident = forms.ModelChoiceField(
        label="Who is it for?",
        queryset=None,
        empty_label="Choose a resident",
        error_messages={"required": CHOOSE_RESIDENT, "invalid_choice": CHOOSE_RESIDENT},
    )
    week = forms.ChoiceField(
        label="Which week?",
        error_messages={"required": CHOOSE_WEEK, "invalid_choice": CHOOSE_WEEK},
    )

    def __init__(self, *args, home, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = current_residents(home)
        self.fields["resident"].label_from_instance = lambda r: r.display_name
        self.fields["week"].choices = week_choices()
        self.fields["week"].initial = monday_of(today()).isoformat()
