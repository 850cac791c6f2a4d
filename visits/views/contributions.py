"""Families' suggested additions to a resident's plan: a relative suggests,
staff approve (it is added to the plan, with whose it was) or decline."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from carehome.errors import DomainError
from homes.decorators import home_permission
from homes.submissions import AlreadySaved, already_saved
from residents.models import Resident
from visits.forms.contributions import ContributionForm, ReviewForm
from visits.models import FamilyContribution
from visits.selectors import contributions as selectors
from visits.services.contributions import contribution_review as review_contribution
from visits.services.contributions import contribution_suggest


# Checked in the order "another home's resident → 404, not a relative → 403,
# not their own resident → 404" (see visits.views.events.event_reply_view).
@home_permission("home.dashboard")
def contribution_add(request, home_slug, pk):
    get_object_or_404(Resident.objects.for_home(request.home).only("pk"), pk=pk)
    if not request.membership.has_perm("contributions.suggest"):
        raise PermissionDenied
    resident = selectors.linked_resident(request.home, request.membership, pk)
    if resident is None:
        raise Http404
    if request.method == "POST":
        form = ContributionForm(request.POST, resident=resident)
        if form.is_valid():
            try:
                contribution_suggest(
                    home=request.home,
                    actor=request.user,
                    membership=request.membership,
                    resident=resident,
                    **form.cleaned_data,
                )
            except AlreadySaved as saved:
                url = reverse(
                    "visits:contribution_add", kwargs={"home_slug": request.home.slug, "pk": resident.pk}
                )
                return already_saved(request, saved, url)
            except DomainError as error:
                error.add_to_form(form)
            else:
                messages.success(
                    request,
                    f"Thank you. The home will read it and add it to {resident.short_name}'s plan.",
                )
                return redirect("visits:contribution_add", home_slug=request.home.slug, pk=resident.pk)
    else:
        form = ContributionForm(
            resident=resident, initial={"kind": request.GET.get("kind", FamilyContribution.Kind.ABOUT_ME)}
        )
    return render(
        request,
        "visits/contributions/add.html",
        {
            "resident": resident,
            "form": form,
            "suggestions": selectors.suggestions_of(request.home, request.membership, resident),
        },
    )


@home_permission("contributions.review")
def contributions(request, home_slug):
    return render(
        request,
        "visits/contributions/list.html",
        {
            "pending": selectors.contributions_for_home(request.home),
            "approved": selectors.contributions_for_home(
                request.home, status=FamilyContribution.Status.APPROVED, limit=10
            ),
            "declined": selectors.contributions_for_home(
                request.home, status=FamilyContribution.Status.DECLINED, limit=10
            ),
        },
    )


@home_permission("contributions.review")
def contribution_review(request, home_slug, pk):
    contribution = selectors.contribution_for_review(request.home, pk)
    if contribution is None:
        raise Http404
    pending = contribution.status == FamilyContribution.Status.PENDING
    if request.method == "POST" and pending:
        form = ReviewForm(request.POST)
        if form.is_valid():
            approve = form.cleaned_data["decision"] == "approve"
            try:
                review_contribution(
                    home=request.home,
                    actor=request.user,
                    contribution=contribution,
                    approve=approve,
                    note=form.cleaned_data["note"],
                )
            except DomainError as error:
                error.add_to_form(form)
            else:
                name = contribution.resident.short_name
                if approve:
                    messages.success(request, f"Added to {name}'s plan, with who suggested it.")
                    return redirect(
                        "residents:plan", home_slug=request.home.slug, pk=contribution.resident.pk
                    )
                messages.success(
                    request, f"Not added. {contribution.membership.user.full_name} will see your note."
                )
                return redirect("visits:contributions", home_slug=request.home.slug)
    else:
        form = ReviewForm()
    return render(
        request,
        "visits/contributions/review.html",
        {"contribution": contribution, "form": form, "pending": pending},
    )
