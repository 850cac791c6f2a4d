"""Retention: whose records are due to be anonymised, holds, anonymising one
now, and the organisation's periods."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from carehome.errors import DomainError
from carehome.timeutils import today
from carehome.versions import EditConflict, show_conflict
from homes.decorators import home_permission
from privacy import retention
from privacy.forms import HoldForm, PolicyForm, ReleaseForm
from privacy.models import RetentionHold, SubjectKind


def _page(home_slug):
    return reverse("privacy:retention", kwargs={"home_slug": home_slug})


def _leaver(request, kind, pk):
    if kind not in SubjectKind.values:
        raise Http404("No such kind of record.")
    found = retention.find_leaver(request.home, kind, pk)
    if found is None:
        raise Http404("No record of someone who left, waiting to be anonymised.")
    return found


@home_permission("retention.manage")
def retention_view(request, home_slug):
    context = retention.retention_page(request.home)
    context["can_policy"] = request.membership.has_perm("retention.policy")
    return render(request, "privacy/retention.html", context)


@home_permission("retention.manage")
def hold(request, home_slug, kind, pk):
    leaver = _leaver(request, kind, pk)
    if leaver.hold is not None:
        messages.info(request, "These records are already held.")
        return redirect(_page(home_slug))
    form = HoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            retention.hold_place(
                home=request.home, actor=request.user, leaver=leaver, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"{leaver.name}'s records are kept until you end the hold.")
            return redirect(_page(home_slug))
    return render(request, "privacy/retention_hold.html", {"leaver": leaver, "form": form})


@home_permission("retention.manage")
def release(request, home_slug, pk):
    held = get_object_or_404(
        RetentionHold.objects.for_home(request.home).select_related(
            "resident", "membership__user", "volunteer"
        ),
        pk=pk,
    )
    if held.released_at is not None:
        messages.info(request, "This hold has already ended.")
        return redirect(_page(home_slug))
    name = held.subject_name
    form = ReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            retention.hold_release(
                home=request.home, actor=request.user, hold=held, note=form.cleaned_data["note"]
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"The hold on {name}'s records has ended.")
            return redirect(_page(home_slug))
    return render(request, "privacy/retention_release.html", {"held": held, "name": name, "form": form})


@home_permission("retention.manage")
def anonymise_now(request, home_slug, kind, pk):
    leaver = _leaver(request, kind, pk)
    if leaver.hold is not None:
        messages.info(request, "These records are held, so they are kept.")
        return redirect(_page(home_slug))
    if leaver.due_on > today():
        messages.info(request, f"{leaver.name}'s records are not due until {leaver.due_on:%-d %B %Y}.")
        return redirect(_page(home_slug))
    if request.method == "POST":
        try:
            retention.anonymise(home=request.home, leaver=leaver, actor=request.user)
        except DomainError as error:
            messages.info(request, error.message)
        else:
            messages.success(request, "The records were anonymised.")
        return redirect(_page(home_slug))
    return render(request, "privacy/retention_anonymise.html", {"leaver": leaver})


@home_permission("retention.policy")
def policy(request, home_slug):
    current = retention.policy_for(request.home)
    form = PolicyForm(request.POST or None, policy=current)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            retention.policy_save(
                organisation=request.home.organisation,
                actor=request.user,
                residents_years=data["residents_years"],
                relatives_years=data["relatives_years"],
                volunteers_years=data["volunteers_years"],
                version=data.get("version"),
            )
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request, f"{request.home.organisation.name} keeps records for these periods from now on."
            )
            return redirect(_page(home_slug))
    return render(request, "privacy/retention_policy.html", {"form": form, "policy": current})
