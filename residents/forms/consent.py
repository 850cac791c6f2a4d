"""The consent register's forms. They only parse; the rules (who must be
named, the date in range, one live consent per use) belong to
``residents.services.consent``, whose ``DomainError`` the view shows next to
the field."""

from django import forms
from django.utils import timezone

from carehome.forms import KithForm, OnceFormMixin, date_field
from residents.models import ConsentGivenBy, ConsentPurpose
from residents.services.consent import (
    GIVEN_BY_MISSING,
    GIVEN_ON_MISSING,
    NAME_MISSING,
    NAME_TOO_LONG,
    NOTE_TOO_LONG,
    POWER_MISSING,
    POWER_TOO_LONG,
    PURPOSE_CHOICE,
    PURPOSES_MISSING,
    RELATIVE_CHOICE,
    RELATIVES_MISSING,
    WITHDRAWAL_NOTE_MISSING,
    given_on_problem,
)


class PurposesField(forms.MultipleChoiceField):
    """Offers the purposes not yet consented to, but accepts any purpose: one
    recorded meanwhile (another tab, a colleague) gets the service's clear message."""

    def valid_value(self, value):
        return value in ConsentPurpose.values


class ConsentGiveForm(OnceFormMixin, KithForm):
    purposes = PurposesField(
        label="What they agreed to",
        choices=ConsentPurpose.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Tick each use they agreed to. Each one is recorded on its own and can be withdrawn on its own."
        ),
        error_messages={"required": PURPOSES_MISSING, "invalid_choice": PURPOSE_CHOICE},
    )
    relatives = forms.TypedMultipleChoiceField(
        label="Relatives news may be shared with",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only for news shared with named relatives: tick each relative they agreed may see it.",
        error_messages={"invalid_choice": RELATIVE_CHOICE},
    )
    given_by = forms.ChoiceField(
        label="Who gave consent",
        choices=ConsentGivenBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": GIVEN_BY_MISSING, "invalid_choice": GIVEN_BY_MISSING},
    )
    given_by_name = forms.CharField(
        label="Their name (if not the resident)",
        max_length=150,
        required=False,
        help_text="The attorney's, deputy's or guardian's full name.",
        error_messages={"max_length": NAME_TOO_LONG},
    )
    power = forms.CharField(
        label="The power they hold (if not the resident)",
        max_length=300,
        required=False,
        help_text="For example “Health and welfare LPA registered 3 May 2021, seen by the manager”.",
        error_messages={"max_length": POWER_TOO_LONG},
    )
    given_on = date_field("Date consent was given", GIVEN_ON_MISSING)
    note = forms.CharField(
        label="How it was given (optional)",
        max_length=300,
        required=False,
        help_text=(
            "For example “Talked it through with her key worker, she said yes” "
            "or “Signed form, kept in the office”."
        ),
        error_messages={"max_length": NOTE_TOO_LONG},
    )

    def __init__(self, *args, resident, live=(), relatives=(), replacing=None, **kwargs):
        """``live``: the purposes that already have a live consent (not offered
        again); ``relatives``: the resident's relatives news may go to;
        ``replacing``: the live consent to news whose relatives change (only
        that use is offered, with its relatives ticked)."""
        initial = {"given_on": timezone.localdate(), "given_by": ConsentGivenBy.RESIDENT}
        if replacing is not None:
            live = [p for p in ConsentPurpose.values if p != ConsentPurpose.NEWS_FAMILY]
            initial.update(
                purposes=[ConsentPurpose.NEWS_FAMILY],
                relatives=[link.pk for link in replacing.relatives.all()],
            )
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.resident = resident
        self.fields["relatives"].choices = [
            (link.pk, f"{link.membership.user.full_name} ({link.relationship})") for link in relatives
        ]
        if not relatives or ConsentPurpose.NEWS_FAMILY in live:
            del self.fields["relatives"]
        if live:
            field = self.fields["purposes"]
            field.choices = [(value, label) for value, label in ConsentPurpose.choices if value not in live]

    def clean_given_by_name(self):
        return " ".join(self.cleaned_data["given_by_name"].split())

    def clean_power(self):
        return " ".join(self.cleaned_data["power"].split())

    def clean_note(self):
        return " ".join(self.cleaned_data["note"].split())

    def clean_given_on(self):
        day = self.cleaned_data["given_on"]
        if problem := given_on_problem(day, resident=self.resident):
            raise forms.ValidationError(problem)
        return day

    def clean(self):
        data = super().clean()
        given_by = data.get("given_by")
        if given_by and given_by != ConsentGivenBy.RESIDENT:
            if "given_by_name" in data and not data["given_by_name"]:
                self.add_error("given_by_name", NAME_MISSING)
            if "power" in data and not data["power"]:
                self.add_error("power", POWER_MISSING)
        wants_news = ConsentPurpose.NEWS_FAMILY in (data.get("purposes") or [])
        if wants_news and "relatives" in self.fields and "relatives" in data and not data["relatives"]:
            self.add_error("relatives", RELATIVES_MISSING)
        return data


class ConsentWithdrawForm(KithForm):
    note = forms.CharField(
        label="Who withdrew it, and how",
        max_length=300,
        help_text=(
            "For example “Ted told his key worker he no longer wants photos shared” "
            "or “His daughter (attorney), by email”."
        ),
        error_messages={"required": WITHDRAWAL_NOTE_MISSING, "max_length": NOTE_TOO_LONG},
    )

    def clean_note(self):
        return " ".join(self.cleaned_data["note"].split())
