"""Booking visits and calls: book, the day's visits for staff, a relative's
own visits, one visit (change, cancel, .ics download), the personal calendar
feed, and the public feed address.

Booking pages serve both a relative (visits.book_own, their own residents)
and staff booking for a family (visits.book). The middleware checks one
permission, so these pages declare "home.dashboard" (both have it) and
``_require`` then asks for either of the two.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from carehome.errors import DomainError
from carehome.query import parse_id
from carehome.timeutils import day_text, query_date
from homes.decorators import home_permission
from homes.submissions import AlreadySaved, already_saved
from residents.models import PersonalPlan
from visits.forms.booking import BookingForm, initial_from
from visits.ical import calendar_bytes, ics_filename, visit_ics
from visits.models import Visit
from visits.selectors import booking as selectors
from visits.services.booking import feed_create, feed_revoke, visit_book, visit_cancel, visit_reschedule

NEVER_NEEDED = "You can visit at any time without booking. Booking reserves a room, a meal or the tablet."


def _require(request, *, change=False):
    """Staff with visits.book (or visits.view to look), or a relative with visits.book_own."""
    membership = request.membership
    if membership.has_perm("visits.book_own"):
        return
    if membership.has_perm("visits.book" if change else "visits.view"):
        return
    raise PermissionDenied


def _staff(request):
    return request.membership.has_perm("visits.view")


def _visit_or_404(request, pk):
    visit = selectors.visit_for(request.home, request.membership, pk)
    if visit is None:
        raise Http404("No such visit.")
    return visit


def _context(request, form, **extra):
    return {"form": form, "never_needed": NEVER_NEEDED, "staff": _staff(request), **extra}


@home_permission("home.dashboard")
def book(request, home_slug):
    _require(request, change=True)
    home, membership = request.home, request.membership
    if request.method == "POST":
        form = BookingForm(request.POST, home=home, membership=membership)
        if form.is_valid():
            try:
                visit = visit_book(
                    home=home, actor=request.user, membership=membership, **form.service_kwargs()
                )
            except AlreadySaved as saved:
                if saved.record is not None:
                    url = reverse(
                        "visits:visit_detail", kwargs={"home_slug": home.slug, "pk": saved.record.pk}
                    )
                elif membership.has_perm("visits.book_own"):
                    url = reverse("visits:my_visits", kwargs={"home_slug": home.slug})
                else:
                    url = reverse("visits:day", kwargs={"home_slug": home.slug})
                return already_saved(request, saved, url)
            except DomainError as error:
                error.add_to_form(form)
            else:
                messages.success(
                    request,
                    f"Booked: {visit.get_kind_display().lower()} with {visit.resident.short_name} on "
                    f"{day_text(visit.starts_at, 'l j F')} at {timezone.localtime(visit.starts_at):%H:%M}. "
                    "We have emailed you the details.",
                )
                return redirect("visits:visit_detail", home_slug=home.slug, pk=visit.pk)
    else:
        initial = {"visitor_name": "" if _staff(request) else request.user.full_name}
        resident_id = parse_id(request.GET.get("resident"))
        if resident_id is not None:
            initial["resident"] = resident_id
        form = BookingForm(initial=initial, home=home, membership=membership)
    return render(
        request,
        "visits/booking/book.html",
        _context(request, form, title="Book a visit or call"),
    )


@home_permission("visits.view")
def day(request, home_slug):
    the_day, problem = query_date(request.GET.get("date"))
    visits = selectors.visits_on_day(request.home, the_day)
    for visit in visits:
        visit.staff_notes = _staff_notes(visit)
    return render(
        request,
        "visits/booking/day.html",
        {
            "day": the_day,
            "visits": visits,
            "booked": [v for v in visits if v.status == Visit.Status.BOOKED],
            "problem": problem,
            "is_today": the_day == timezone.localdate(),
        },
    )


def _staff_notes(visit):
    notes = []
    if visit.kind == Visit.Kind.VISIT:
        return notes
    wish = selectors.call_wish(visit.resident, visit.kind)
    if visit.support_needed or wish == PersonalPlan.VideoCalls.WITH_SUPPORT:
        notes.append("Needs a member of staff to help")
    if wish == PersonalPlan.VideoCalls.UNKNOWN:
        what = "video calls" if visit.kind == Visit.Kind.VIDEO_CALL else "phone calls"
        notes.append(f"Ask how they feel about {what}")
    return notes


@home_permission("visits.book_own")
def my_visits(request, home_slug):
    upcoming, past = selectors.my_visits(request.home, request.membership)
    feed = selectors.live_feed(request.membership)
    feed_url = ""
    if feed:
        feed_url = request.build_absolute_uri(reverse("visiting:calendar_feed", args=[feed.token]))
    return render(
        request,
        "visits/booking/mine.html",
        {
            "upcoming": upcoming,
            "past": past,
            "feed": feed,
            "feed_url": feed_url,
            "webcal_url": feed_url.replace("https://", "webcal://").replace("http://", "webcal://"),
            "never_needed": NEVER_NEEDED,
        },
    )


@home_permission("home.dashboard")
def visit_detail(request, home_slug, pk):
    _require(request)
    visit = _visit_or_404(request, pk)
    can_change = request.membership.has_perm("visits.book_own") or request.membership.has_perm("visits.book")
    return render(
        request,
        "visits/booking/detail.html",
        {
            "visit": visit,
            "can_change": can_change
            and visit.status == Visit.Status.BOOKED
            and visit.ends_at > timezone.now(),
            "staff_notes": _staff_notes(visit) if _staff(request) else [],
            "never_needed": NEVER_NEEDED,
        },
    )


@home_permission("home.dashboard")
def visit_edit(request, home_slug, pk):
    _require(request, change=True)
    visit = _visit_or_404(request, pk)
    home, membership = request.home, request.membership
    if visit.status != Visit.Status.BOOKED:
        messages.info(request, "This booking was cancelled, so it cannot be changed. You can book again.")
        return redirect("visits:visit_detail", home_slug=home.slug, pk=visit.pk)
    if request.method == "POST":
        form = BookingForm(request.POST, home=home, membership=membership, changing=True)
        if form.is_valid():
            try:
                visit = visit_reschedule(
                    home=home, actor=request.user, membership=membership, visit=visit, **form.service_kwargs()
                )
            except DomainError as error:
                error.add_to_form(form)
            else:
                messages.success(request, "Saved: the booking is changed. We have emailed the new details.")
                return redirect("visits:visit_detail", home_slug=home.slug, pk=visit.pk)
    else:
        form = BookingForm(initial=initial_from(visit), home=home, membership=membership, changing=True)
    return render(
        request,
        "visits/booking/book.html",
        _context(request, form, title="Change this booking", visit=visit),
    )


@home_permission("home.dashboard")
def visit_cancel_view(request, home_slug, pk):
    _require(request, change=True)
    visit = _visit_or_404(request, pk)
    if request.method == "POST":
        visit_cancel(home=request.home, actor=request.user, visit=visit)
        messages.success(request, "Cancelled. You are still welcome to visit at any time without booking.")
        if request.membership.has_perm("visits.book_own"):
            return redirect("visits:my_visits", home_slug=request.home.slug)
        return redirect("visits:visit_detail", home_slug=request.home.slug, pk=visit.pk)
    if visit.status != Visit.Status.BOOKED:
        messages.info(request, "This booking is already cancelled.")
        return redirect("visits:visit_detail", home_slug=request.home.slug, pk=visit.pk)
    return render(request, "visits/booking/cancel.html", {"visit": visit})


@home_permission("home.dashboard")
def visit_ics_view(request, home_slug, pk):
    _require(request)
    visit = _visit_or_404(request, pk)
    response = HttpResponse(visit_ics(visit), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ics_filename(visit)}"'
    return response


@require_POST
@home_permission("visits.book_own")
def feed_new(request, home_slug):
    feed_create(home=request.home, actor=request.user, membership=request.membership)
    messages.success(request, "Your calendar address is ready. Any old address no longer works.")
    return redirect(reverse("visits:my_visits", args=[request.home.slug]) + "#calendar")


@require_POST
@home_permission("visits.book_own")
def feed_stop(request, home_slug):
    feed_revoke(home=request.home, actor=request.user, membership=request.membership)
    messages.success(request, "Your calendar address is switched off. Nobody can use it any more.")
    return redirect(reverse("visits:my_visits", args=[request.home.slug]) + "#calendar")


def calendar_feed(request, token):
    """Public: a relative's visits as a calendar, for their calendar app to subscribe to."""
    feed, visits = selectors.feed_visits(token)
    if feed is None:
        raise Http404("No such calendar.")
    body = calendar_bytes(visits, name=f"Visits at {feed.home.name}")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
