"""The personal plan for connection: read it whole, edit it a section at a
time, the people who matter, and reviews."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from carehome.errors import DomainError
from carehome.versions import EditConflict, show_conflict
from homes.decorators import home_permission
from homes.submissions import AlreadySaved, already_saved
from residents.forms.plans import SECTION_FORMS, PersonForm, PlanReviewForm, section_initial
from residents.models import PersonalPlan
from residents.selectors import plans as selectors
from residents.services import plans as services
from residents.services.plans import long_date
from residents.views.residents import resident_for_page


def _resident(request, pk):
    return get_object_or_404(selectors.residents_for_plans(request.home), pk=pk)


def _plan_url(request, resident, anchor=""):
    url = reverse("residents:plan", kwargs={"home_slug": request.home.slug, "pk": resident.pk})
    return f"{url}#{anchor}" if anchor else url


@home_permission("residents.view")
def plan(request, home_slug, pk):
    resident = resident_for_page(request, pk)
    # Made only when the plan is rendered, not when it is served from the cache.
    page = SimpleLazyObject(lambda: selectors.plan_page(request.home, resident, today=timezone.localdate()))
    return render(
        request,
        "residents/plans/plan.html",
        {
            "resident": resident,
            "page": page,
            "plan": SimpleLazyObject(lambda: page.plan),
            "sections": selectors.SECTIONS,
            "labels": selectors.LABELS,
            "can_change": request.membership.has_perm("plans.change"),
            "can_audit": request.membership.has_perm("audit.view"),
            "today": timezone.localdate(),
        },
    )


@home_permission("plans.change")
def plan_edit(request, home_slug, pk, section):
    if section not in SECTION_FORMS:
        raise Http404("No such part of the plan.")
    resident = _resident(request, pk)
    form_class = SECTION_FORMS[section]
    if request.method == "POST":
        form = form_class(request.POST, resident=resident)
    else:
        current = selectors.plan_for_resident(request.home, resident) or PersonalPlan(resident=resident)
        interests = list(current.interests.all()) if current.pk else []
        form = form_class(initial=section_initial(form_class, current, interests), resident=resident)
    if request.method == "POST" and form.is_valid():
        try:
            _, changed = services.plan_update(
                home=request.home,
                actor=request.user,
                resident=resident,
                section=section,
                data=form.cleaned_data,
                version=form.cleaned_data.get("version"),
            )
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            title = selectors.SECTIONS[section].title
            if changed:
                messages.success(request, f"“{title}” was saved.")
            else:
                messages.info(request, f"Nothing in “{title}” had changed.")
            return redirect(_plan_url(request, resident, f"plan-{section}"))
    return render(
        request,
        "residents/plans/edit.html",
        {
            "resident": resident,
            "form": form,
            "section": selectors.SECTIONS[section],
            "cancel_url": _plan_url(request, resident, f"plan-{section}"),
        },
    )


@home_permission("plans.change")
def person_add(request, home_slug, pk):
    resident = _resident(request, pk)
    # From the worklist's "no essential care supporter named": the box comes ticked.
    initial = {"essential_care_supporter": True} if request.GET.get("essential") == "1" else None
    form = PersonForm(request.POST or None, resident=resident, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_add(
                home=request.home,
                actor=request.user,
                resident=resident,
                data=form.person_data(),
                form_token=form.cleaned_data.get("form_token"),
            )
        except AlreadySaved as saved:
            return already_saved(request, saved, _plan_url(request, resident, "plan-people"))
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request, f"{person.name} was added to the people who matter to {resident.short_name}."
            )
            return redirect(_plan_url(request, resident, "plan-people"))
    return render(
        request,
        "residents/plans/person_form.html",
        {
            "resident": resident,
            "form": form,
            "person": None,
            "cancel_url": _plan_url(request, resident, "plan-people"),
        },
    )


@home_permission("plans.change")
def person_edit(request, home_slug, pk, person_pk):
    resident = _resident(request, pk)
    person = get_object_or_404(selectors.people_for_resident(request.home, resident), pk=person_pk)
    form = PersonForm(
        request.POST or None, resident=resident, editing=True, initial=PersonForm.initial_for(person)
    )
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_update(
                home=request.home,
                actor=request.user,
                person=person,
                data=form.person_data(),
                version=form.cleaned_data.get("version"),
            )
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            if person.is_active:
                messages.success(request, f"{person.name}'s details were saved.")
            else:
                messages.success(request, f"{person.name} is now listed as no longer in touch.")
            return redirect(_plan_url(request, resident, "plan-people"))
    return render(
        request,
        "residents/plans/person_form.html",
        {
            "resident": resident,
            "form": form,
            "person": person,
            "cancel_url": _plan_url(request, resident, "plan-people"),
        },
    )


@home_permission("plans.change")
def plan_review(request, home_slug, pk):
    resident = _resident(request, pk)
    today = timezone.localdate()
    people = selectors.people_for_resident(request.home, resident).filter(is_active=True)
    form = PlanReviewForm(request.POST or None, resident=resident, people=people, today=today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = services.plan_review_record(
                home=request.home,
                actor=request.user,
                resident=resident,
                today=today,
                reviewed_on=data["reviewed_on"],
                review_due_on=data["review_due_on"],
                resident_took_part=data["resident_took_part"],
                key_worker_took_part=data["key_worker_took_part"],
                people=data.get("people") or [],
                relatives_other=data["relatives_other"],
                others_took_part=data["others_took_part"],
                notes=data["notes"],
                form_token=data.get("form_token"),
            )
        except AlreadySaved as saved:
            return already_saved(request, saved, _plan_url(request, resident, "plan-review"))
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request,
                f"The review on {long_date(review.reviewed_on)} was recorded. "
                f"The next one is due by {long_date(review.plan.review_due_on)}.",
            )
            return redirect(_plan_url(request, resident, "plan-review"))
    return render(
        request,
        "residents/plans/review_form.html",
        {"resident": resident, "form": form, "cancel_url": _plan_url(request, resident, "plan-review")},
    )
