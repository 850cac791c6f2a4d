"""Door codes for approved regular visitors, and visiting restrictions for one
resident at a time (Anne's Law / Regulation 9A). There are no home-wide
limits on visits anywhere in Kith."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from carehome.errors import DomainError
from carehome.query import parse_id
from carehome.versions import EditConflict, show_conflict
from homes.decorators import home_permission
from homes.submissions import AlreadySaved, already_saved
from residents.models import Resident
from visits.forms.access import (
    DoorCodeChangeForm,
    RestrictionEndForm,
    RestrictionForm,
    RestrictionReviewForm,
    RotateDaysForm,
)
from visits.selectors import access as selectors
from visits.services import access as services

# --- Door codes ----------------------------------------------------------------------


def _changed_message(new):
    if new.notice_due <= new.valid_from:
        return "The door code has changed. Approved regular visitors have been told by email."
    at = timezone.localtime(new.notice_due).strftime("%H:%M")
    return (
        "The door code has changed, and approved regular visitors can see the new one in Kith now. "
        f"It has changed several times in the last hour, so their email waits until {at}: "
        "one email about the newest code."
    )


@home_permission("doorcodes.manage")
def door_code(request, home_slug):
    home = request.home
    change_form = DoorCodeChangeForm()
    days_form = RotateDaysForm(initial={"days": selectors.rotate_days(home)})
    if request.method == "POST":
        if request.POST.get("action") == "interval":
            days_form = RotateDaysForm(request.POST)
            if days_form.is_valid():
                try:
                    services.door_code_rotate_days_set(
                        home=home, actor=request.user, days=days_form.cleaned_data["days"]
                    )
                except DomainError as error:
                    error.add_to_form(days_form)
                else:
                    days = days_form.cleaned_data["days"]
                    messages.success(
                        request, f"Saved: the code will change every {days} day{'s' * (days != 1)}."
                    )
                    return redirect("visits:door_code", home_slug=home.slug)
        else:
            change_form = DoorCodeChangeForm(request.POST)
            if change_form.is_valid():
                try:
                    new = services.door_code_rotate(
                        home=home, actor=request.user, code=change_form.cleaned_data["code"]
                    )
                except DomainError as error:
                    error.add_to_form(change_form)
                else:
                    messages.success(request, _changed_message(new))
                    return redirect("visits:door_code", home_slug=home.slug)
    page = selectors.door_code_views_page(home, request.GET.get("page"))
    return render(
        request,
        "visits/access/door_code.html",
        {
            "current": selectors.current_door_code(home),
            "change_form": change_form,
            "days_form": days_form,
            "page": page,
            "views": page.object_list,
        },
    )


@home_permission("family.manage_links")
def regular_visitors(request, home_slug):
    home = request.home
    if request.method == "POST":
        approve = request.POST.get("approve") == "1"
        link_id = parse_id(request.POST.get("link"))
        try:
            if link_id is None:
                raise DomainError("Choose someone from the list.")
            link = services.regular_visitor_set(
                home=home, actor=request.user, link_id=link_id, approved=approve
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            name = link.membership.user.full_name
            if approve:
                messages.success(request, f"{name} is now a regular visitor and can see the door code.")
            else:
                messages.success(
                    request, f"{name} is no longer a regular visitor and cannot see the door code."
                )
        return redirect("visits:regular_visitors", home_slug=home.slug)
    return render(
        request, "visits/access/regular_visitors.html", {"links": selectors.regular_visitor_links(home)}
    )


@home_permission("family.portal")
def my_door_code(request, home_slug):
    """Shown only to a relative with an active, approved link. Every showing is logged."""
    membership = request.membership
    if not selectors.may_see_door_code(membership):
        return render(request, "visits/access/door_code_not_available.html", status=403)
    current = selectors.current_door_code(request.home)
    if current is not None:
        services.door_code_view_record(home=request.home, membership=membership, door_code=current)
    return render(
        request, "visits/access/my_door_code.html", {"current": current, "shown_at": timezone.now()}
    )


# --- Restrictions --------------------------------------------------------------------


@home_permission("restrictions.manage")
def restrictions(request, home_slug):
    home = request.home
    chosen = request.GET.get("resident", "")
    chosen_id = parse_id(chosen)
    if chosen_id is not None and selectors.residents_for_restriction(home).filter(pk=chosen_id).exists():
        return redirect("visits:restriction_add", home_slug=home.slug, pk=chosen_id)
    current, ended = selectors.restrictions_for_home(home)
    return render(
        request,
        "visits/access/restrictions.html",
        {
            "current": current,
            "ended": ended,
            "residents": selectors.residents_for_restriction(home).only("pk", "full_name", "preferred_name"),
            "chosen_error": bool(chosen),
        },
    )


@home_permission("restrictions.manage")
def restriction_add(request, home_slug, pk):
    home = request.home
    resident = get_object_or_404(Resident.objects.for_home(home), pk=pk)
    if request.method == "POST":
        form = RestrictionForm(request.POST, home=home, resident=resident)
        if form.is_valid():
            try:
                restriction = services.restriction_add(
                    home=home, actor=request.user, resident=resident, **form.service_kwargs()
                )
            except AlreadySaved as saved:
                url = reverse("visits:restrictions", kwargs={"home_slug": home.slug})
                if saved.record is not None:
                    url = reverse(
                        "visits:restriction_detail", kwargs={"home_slug": home.slug, "pk": saved.record.pk}
                    )
                return already_saved(request, saved, url)
            except DomainError as error:
                error.add_to_form(form)
            else:
                messages.success(request, f"Saved: the restriction for {resident.short_name} is recorded.")
                return redirect("visits:restriction_detail", home_slug=home.slug, pk=restriction.pk)
    else:
        form = RestrictionForm(home=home, resident=resident, initial={"starts_on": timezone.localdate()})
    return render(request, "visits/access/restriction_form.html", {"form": form, "resident": resident})


def _detail(request, restriction, *, review_form=None, end_form=None):
    today = timezone.localdate()
    return render(
        request,
        "visits/access/restriction_detail.html",
        {
            "restriction": restriction,
            "resident": restriction.resident,
            "notices": selectors.restriction_notices_sent(request.home, restriction),
            "review_overdue": restriction.ended_on is None and restriction.next_review_on < today,
            "review_form": review_form
            or RestrictionReviewForm(initial={"reviewed_on": today, "version": restriction.version}),
            "end_form": end_form
            or RestrictionEndForm(initial={"ended_on": today, "version": restriction.version}),
        },
    )


def _restriction_or_404(request, pk):
    restriction = selectors.restriction_detail(request.home, pk)
    if restriction is None:
        raise Http404
    return restriction


@home_permission("restrictions.manage")
def restriction_detail(request, home_slug, pk):
    return _detail(request, _restriction_or_404(request, pk))


@require_POST
@home_permission("restrictions.manage")
def restriction_review(request, home_slug, pk):
    restriction = _restriction_or_404(request, pk)
    form = RestrictionReviewForm(request.POST)
    if form.is_valid():
        try:
            services.restriction_review_add(
                home=request.home, actor=request.user, restriction=restriction, **form.cleaned_data
            )
        except AlreadySaved as saved:
            url = reverse(
                "visits:restriction_detail", kwargs={"home_slug": request.home.slug, "pk": restriction.pk}
            )
            return already_saved(request, saved, url)
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, "Saved: the review is recorded.")
            return redirect("visits:restriction_detail", home_slug=request.home.slug, pk=restriction.pk)
    return _detail(request, restriction, review_form=form)


@require_POST
@home_permission("restrictions.manage")
def restriction_end(request, home_slug, pk):
    restriction = _restriction_or_404(request, pk)
    if restriction.ended_on:
        # The page no longer shows the form: say so rather than re-show a hidden one.
        messages.info(request, "This restriction has already ended; nothing was changed.")
        return redirect("visits:restriction_detail", home_slug=request.home.slug, pk=restriction.pk)
    form = RestrictionEndForm(request.POST)
    if form.is_valid():
        try:
            services.restriction_end(
                home=request.home, actor=request.user, restriction=restriction, **form.cleaned_data
            )
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request, f"Saved: the restriction for {restriction.resident.short_name} has ended."
            )
            return redirect("visits:restriction_detail", home_slug=request.home.slug, pk=restriction.pk)
    return _detail(request, restriction, end_form=form)
