"""A resident's consent register: their consent to each use of photos, who
gave it and when, recording a new one and withdrawing one."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from carehome.errors import DomainError
from homes.decorators import home_permission
from homes.submissions import AlreadySaved, already_saved
from residents.forms.consent import ConsentGiveForm, ConsentWithdrawForm
from residents.models import ConsentPurpose, Resident
from residents.selectors import consent as selectors
from residents.services.consent import consent_give, consent_withdraw, news_relatives


def _resident(request, pk):
    return get_object_or_404(Resident.objects.for_home(request.home).select_related("key_worker"), pk=pk)


def _register_url(home_slug, resident):
    return reverse("residents:consent", kwargs={"home_slug": home_slug, "pk": resident.pk})


@home_permission("residents.view")
def consent(request, home_slug, pk):
    resident = _resident(request, pk)
    register = selectors.register_for(request.home, resident)
    return render(
        request,
        "residents/consent/register.html",
        {
            "resident": resident,
            "register": register,
            "withdrawn": [(row, c) for row in register for c in row["history"]],
            "can_record": request.membership.has_perm("consent.record"),
            "all_live": all(row["live"] for row in register),
        },
    )


def _replacing(request, resident):
    """The live consent to news whose relatives change (``?replace=<id>``), or
    None; a wrong id is a 404."""
    wanted = request.GET.get("replace")
    if wanted is None:
        return None
    if not (wanted.isascii() and wanted.isdigit()) or len(wanted) > 12:
        raise Http404("No such consent for this resident.")
    record = selectors.consent_for_page(request.home, resident, int(wanted))
    if record is None or record.purpose != ConsentPurpose.NEWS_FAMILY:
        raise Http404("No such consent to news for this resident.")
    return record


@home_permission("consent.record")
def consent_give_view(request, home_slug, pk):
    resident = _resident(request, pk)
    if resident.has_left:
        messages.info(
            request, f"{resident.short_name} no longer lives here, so consent cannot be recorded now."
        )
        return redirect(_register_url(home_slug, resident))
    live = {row["purpose"] for row in selectors.register_for(request.home, resident) if row["live"]}
    relatives = list(news_relatives(resident))
    replacing = _replacing(request, resident)
    if replacing is not None and not replacing.is_live:
        messages.info(
            request, "This consent was withdrawn meanwhile: record a new one if it is still wanted."
        )
        return redirect(_register_url(home_slug, resident))
    form = ConsentGiveForm(
        request.POST or None, resident=resident, live=live, relatives=relatives, replacing=replacing
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = consent_give(
                home=request.home,
                actor=request.user,
                resident=resident,
                purposes=data["purposes"],
                given_by=data["given_by"],
                given_by_name=data["given_by_name"],
                power=data["power"],
                given_on=data["given_on"],
                note=data["note"],
                relatives=data.get("relatives", []),
                form_token=data.get("form_token"),
                replacing=replacing,
            )
        except AlreadySaved as saved:
            return already_saved(request, saved, _register_url(home_slug, resident))
        except DomainError as error:
            error.add_to_form(form)
        else:
            what = " and ".join(f"“{c.get_purpose_display().lower()}”" for c in created)
            if replacing is not None:
                messages.success(request, f"Who news about {resident.short_name} is shared with was changed.")
            else:
                messages.success(request, f"Consent for {what} was recorded for {resident.short_name}.")
            return redirect(_register_url(home_slug, resident))
    return render(
        request,
        "residents/consent/give.html",
        {"resident": resident, "form": form, "no_relatives": not relatives, "replacing": replacing},
    )


@home_permission("consent.record")
def consent_withdraw_view(request, home_slug, pk, consent_pk):
    resident = _resident(request, pk)
    record = selectors.consent_for_page(request.home, resident, consent_pk)
    if record is None:
        raise Http404("No such consent for this resident.")
    if not record.is_live:
        messages.info(request, "This consent was already withdrawn.")
        return redirect(_register_url(home_slug, resident))
    form = ConsentWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consent_withdraw(
                home=request.home, actor=request.user, consent=record, note=form.cleaned_data["note"]
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request,
                f"Consent for “{record.get_purpose_display().lower()}” was withdrawn. "
                "Photos that needed it are hidden from now on.",
            )
            return redirect(_register_url(home_slug, resident))
    return render(
        request, "residents/consent/withdraw.html", {"resident": resident, "consent": record, "form": form}
    )
