"""The driver bank: volunteers and staff who can drive residents, why anyone
is out of it today, their usual times, and finding a driver for a trip."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from carehome.errors import DomainError
from carehome.versions import EditConflict, show_conflict
from homes.decorators import home_permission
from homes.submissions import AlreadySaved, already_saved, submission_seen
from volunteers import rules
from volunteers.forms.drivers import (
    MINIBUS,
    DriverAddForm,
    DriverEditForm,
    DriverTimesForm,
    FindDriverForm,
    driver_initial,
    times_initial,
)
from volunteers.models import Driver
from volunteers.models.choices import Weekday
from volunteers.selectors import drivers as selectors
from volunteers.services import drivers as services


def _driver_or_404(request, pk):
    driver = selectors.driver_for_page(request.home, pk)
    if driver is None:
        raise Http404("No such driver at this home.")
    return driver


def _bank_url(home_slug):
    return reverse("volunteers:drivers", kwargs={"home_slug": home_slug})


def _saved_message(request, driver):
    """What saving told us: in the bank, or saved but not able to drive yet, and why."""
    loaded = rules.drivers_with_facts(Driver.objects.for_home(request.home).filter(pk=driver.pk)).get()
    found = rules.driver_blockers(loaded, settings=rules.settings_for(request.home))
    if found:
        why = "; ".join(b.message for b in found)
        messages.warning(request, f"{loaded.name} was saved, but cannot drive yet: {why}.")
    else:
        messages.success(request, f"{loaded.name} was saved and is in the driver bank.")


@home_permission("volunteers.manage")
def drivers(request, home_slug):
    in_bank, out = selectors.driver_bank(request.home)
    return render(
        request,
        "volunteers/drivers/bank.html",
        {"in_bank": in_bank, "out": out, "settings": rules.settings_for(request.home)},
    )


@home_permission("volunteers.manage")
def driver_add(request, home_slug):
    form = DriverAddForm(request.POST or None, home=request.home)
    if request.method == "POST":
        try:
            # Sent again after it was saved: the person is no longer on the list, so
            # answer before the form refuses them.
            submission_seen(
                home=request.home, token=form.fields["form_token"].clean(request.POST.get("form_token"))
            )
        except ValidationError:
            pass
        except AlreadySaved as saved:
            return already_saved(request, saved, _bank_url(home_slug))
    if request.method == "POST" and form.is_valid():
        try:
            driver = services.driver_add(
                home=request.home,
                actor=request.user,
                form_token=form.cleaned_data.get("form_token"),
                **form.person_data(),
                **form.driver_data(),
            )
        except AlreadySaved as saved:
            return already_saved(request, saved, _bank_url(home_slug))
        except DomainError as error:
            error.add_to_form(form)
        else:
            _saved_message(request, driver)
            return redirect("volunteers:drivers", home_slug=home_slug)
    return render(
        request,
        "volunteers/drivers/form.html",
        {"form": form, "driver": None, "nobody": form.nobody},
    )


@home_permission("volunteers.manage")
def driver_edit(request, home_slug, pk):
    driver = _driver_or_404(request, pk)
    form = DriverEditForm(request.POST or None, initial=driver_initial(driver))
    if request.method == "POST" and form.is_valid():
        try:
            services.driver_update(
                home=request.home,
                actor=request.user,
                driver=driver,
                version=form.cleaned_data.get("version"),
                **form.driver_data(),
            )
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            _saved_message(request, driver)
            return redirect("volunteers:drivers", home_slug=home_slug)
    return render(request, "volunteers/drivers/form.html", {"form": form, "driver": driver})


@home_permission("volunteers.manage")
def driver_availability(request, home_slug, pk):
    driver = _driver_or_404(request, pk)
    form = DriverTimesForm(request.POST or None, initial=times_initial(driver))
    if request.method == "POST" and form.is_valid():
        try:
            services.driver_times_set(
                home=request.home,
                actor=request.user,
                driver=driver,
                slots=form.cleaned_data["slots"],
                version=form.cleaned_data.get("version"),
            )
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"{driver.name}'s usual times were saved.")
            return redirect("volunteers:drivers", home_slug=home_slug)
    return render(request, "volunteers/drivers/times.html", {"form": form, "driver": driver})


@home_permission("volunteers.rota")
def driver_find(request, home_slug):
    """Staff planning an outing: who can drive it, who may but is not usually free then."""
    asked = "date" in request.GET
    form = FindDriverForm(request.GET if asked else None)
    found = None
    trip = None
    if asked and form.is_valid():
        data = form.cleaned_data
        try:
            starts_at, ends_at = selectors.trip_window(data["date"], data["starts"], data["ends"])
        except DomainError as error:
            error.add_to_form(form)
        else:
            minibus = data["vehicle"] == MINIBUS
            found = selectors.drivers_for_trip(
                home=request.home, starts_at=starts_at, ends_at=ends_at, minibus=minibus
            )
            for row in found.not_free:
                row.day_times = row.times_on(starts_at.weekday())
            trip = {
                "starts_at": starts_at,
                "ends_at": ends_at,
                "minibus": minibus,
                "weekday": Weekday(starts_at.weekday()).label,
                "day": data["date"],
            }
    return render(
        request,
        "volunteers/drivers/find.html",
        {"form": form, "found": found, "trip": trip},
    )
