"""Background checks (PVG in Scotland, DBS in England and Wales) and
references, recorded from a volunteer's page and back to it."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from carehome.errors import DomainError
from carehome.timeutils import day_text, today
from carehome.versions import EditConflict, show_conflict
from homes.decorators import home_permission
from homes.submissions import AlreadySaved, already_saved
from volunteers import rules
from volunteers.forms.checks import CheckForm, ReferenceForm
from volunteers.models import BackgroundCheck
from volunteers.selectors import checks as selectors
from volunteers.services import checks as services


def _volunteer_or_404(request, pk):
    volunteer = selectors.volunteer_for_checks(request.home, pk)
    if volunteer is None:
        raise Http404("No such volunteer at this home.")
    return volunteer


def _volunteer_page(request, volunteer):
    return reverse("volunteers:volunteer_detail", kwargs={"home_slug": request.home.slug, "pk": volunteer.pk})


def _data(form):
    return {k: v for k, v in form.cleaned_data.items() if k not in ("form_token", "version")}


def check_words(check):
    """“DBS check (enhanced with the adults' barred list)”, “PVG scheme membership”."""
    if check.scheme == BackgroundCheck.Scheme.PVG:
        return "PVG scheme membership"
    return f"DBS check ({check.get_level_display().lower()})"


def _saved_words(check, volunteer):
    """The confirmation, with the date the check counts until."""
    what = f"{volunteer.full_name}'s {check_words(check)} was saved."
    if check.scheme == BackgroundCheck.Scheme.PVG and check.left_notified_on:
        return f"{what} Disclosure Scotland was told they left, so it no longer counts here."
    until = day_text(check.valid_until)
    if check.valid_until < today():
        return f"{what} It stopped counting on {until}: record a newer check when they have one."
    return f"{what} It counts until {until}."


def _render_check(request, form, volunteer, check):
    scheme = form.scheme
    return render(
        request,
        "volunteers/checks/check_form.html",
        {
            "form": form,
            "volunteer": volunteer,
            "check": check,
            "pvg": scheme == BackgroundCheck.Scheme.PVG,
            "recheck_months": rules.settings_for(request.home).dbs_recheck_months,
            "others": [c for c in selectors.checks_of(request.home, volunteer) if c != check],
            "back": _volunteer_page(request, volunteer),
        },
    )


@home_permission("volunteers.manage")
def check_add(request, home_slug, pk):
    volunteer = _volunteer_or_404(request, pk)
    form = CheckForm(request.POST or None, scheme=services.scheme_for(request.home))
    if request.method == "POST" and form.is_valid():
        try:
            check = services.check_create(
                home=request.home,
                actor=request.user,
                volunteer=volunteer,
                form_token=form.cleaned_data.get("form_token"),
                **_data(form),
            )
        except AlreadySaved as saved:
            return already_saved(request, saved, _volunteer_page(request, volunteer))
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _saved_words(check, volunteer))
            return redirect(_volunteer_page(request, volunteer))
    return _render_check(request, form, volunteer, None)


@home_permission("volunteers.manage")
def check_edit(request, home_slug, pk, check_pk):
    volunteer = _volunteer_or_404(request, pk)
    check = selectors.check_for_page(request.home, volunteer, check_pk)
    if check is None:
        raise Http404("No such check for this volunteer.")
    initial = {name: getattr(check, name) for name in CheckForm.FIELDS[check.scheme]}
    initial["version"] = check.version
    form = CheckForm(request.POST or None, scheme=check.scheme, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.check_update(
                home=request.home,
                actor=request.user,
                check=check,
                version=form.cleaned_data.get("version"),
                **_data(form),
            )
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _saved_words(saved, volunteer))
            return redirect(_volunteer_page(request, volunteer))
    return _render_check(request, form, volunteer, check)


# --- References -----------------------------------------------------------------------------


def _render_reference(request, form, volunteer, reference):
    return render(
        request,
        "volunteers/checks/reference_form.html",
        {
            "form": form,
            "volunteer": volunteer,
            "reference": reference,
            "back": _volunteer_page(request, volunteer),
        },
    )


def _reference_words(reference, volunteer):
    if reference.received_on is None:
        return f"The reference from {reference.name} for {volunteer.full_name} was saved."
    verdict = "satisfactory" if reference.satisfactory else "not satisfactory"
    return (
        f"The reference from {reference.name} for {volunteer.full_name} was saved: "
        f"received {day_text(reference.received_on)}, {verdict}."
    )


@home_permission("volunteers.manage")
def reference_add(request, home_slug, pk):
    volunteer = _volunteer_or_404(request, pk)
    form = ReferenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reference = services.reference_create(
                home=request.home,
                actor=request.user,
                volunteer=volunteer,
                form_token=form.cleaned_data.get("form_token"),
                **_data(form),
            )
        except AlreadySaved as saved:
            return already_saved(request, saved, _volunteer_page(request, volunteer))
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _reference_words(reference, volunteer))
            return redirect(_volunteer_page(request, volunteer))
    return _render_reference(request, form, volunteer, None)


@home_permission("volunteers.manage")
def reference_edit(request, home_slug, pk, reference_pk):
    volunteer = _volunteer_or_404(request, pk)
    reference = selectors.reference_for_page(request.home, volunteer, reference_pk)
    if reference is None:
        raise Http404("No such reference for this volunteer.")
    form = ReferenceForm(request.POST or None, editing=True, initial=ReferenceForm.initial_for(reference))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.reference_update(
                home=request.home,
                actor=request.user,
                reference=reference,
                version=form.cleaned_data.get("version"),
                **_data(form),
            )
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _reference_words(saved, volunteer))
            return redirect(_volunteer_page(request, volunteer))
    return _render_reference(request, form, volunteer, reference)
