"""Booking visits and calls: book, the day's visits for staff, a relative's
own visits, one visit (change, cancel, .ics download), the personal calendar
feed, and the public feed address.

Booking pages serve both a relative (visits.book_own, their own residents)
and staff booking for a family (visits.book). The middleware checks one
permission, so these pages declare "home.dashboard" (both have it) and
``_require`` then asks for either of the two.
"""

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST

from carehome.errors import DomainError
from carehome.query import parse_id
from carehome.timeutils import booking_date_problem, day_text, query_date
from homes.decorators import home_permission
from homes.fragments import deferred
from homes.submissions import AlreadySaved, already_saved
from residents.models import PersonalPlan
from visits.forms.booking import BookingForm, initial_from, parse_slot, with_slot_times
from visits.ical import calendar_bytes, ics_filename, visit_ics
from visits.models import Visit
from visits.selectors import booking as selectors
from visits.services.booking import feed_create, feed_revoke, visit_book, visit_cancel, visit_reschedule

NEVER_NEEDED = "You can visit at any time without booking. Booking reserves a room, a meal or the tablet."
# The length of the free times offered until From and Until say otherwise.
FREE_TIME_LENGTH = timedelta(hours=1)


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


def _length(data):
    """The visit length From and Until give, or an hour."""
    start, end = parse_slot(f"{data.get('start_time')}-{data.get('end_time')}") or (None, None)
    if start is None:
        return FREE_TIME_LENGTH
    return datetime.combine(datetime.min, end) - datetime.combine(datetime.min, start)


def _free_times(home, data, *, exclude_pk=None, strict=False):
    """The free times of the space and day chosen in ``data`` (the form's
    values), for the box under the date: a dict for
    visits/booking/_free_times.html. A call without a space uses the home's
    tablet or phone. ``strict``: a space that is not this home's to book is a 404."""
    space_id = parse_id(data.get("space"))
    space = None
    if space_id is not None:
        space = selectors.bookable_spaces(home).filter(pk=space_id).first()
        if space is None and strict:
            raise Http404("No such space.")
    elif data.get("kind") in selectors.CALL_SPACE_KINDS:
        space = selectors.device_for(home, data.get("kind"))
    the_day, problem = query_date(data.get("date"))
    if space is None:
        return {"hint": "Choose a space and a day to see when it is free."}
    problem = problem or booking_date_problem(the_day)
    if problem:
        return {"space": space, "problem": problem}
    length = _length(data)
    slots = selectors.free_times(space, the_day, length, exclude_pk=exclude_pk)
    chosen = data.get("slot", "")
    times = [(f"{timezone.localtime(a):%H:%M}", f"{timezone.localtime(b):%H:%M}") for a, b in slots]
    return {
        "space": space,
        "day": the_day,
        "length": length,
        "slots": [
            {"value": f"{start}-{end}", "start": start, "end": end, "checked": f"{start}-{end}" == chosen}
            for start, end in times
        ],
    }


def _values(form):
    """The form's values as the page posts them, for the free-times box."""
    if form.is_bound:
        return form.data
    values = {"slot": form.initial.get("slot", "")}
    for name in ("kind", "space", "date", "start_time", "end_time"):
        value = form[name].value()
        if hasattr(value, "strftime"):
            value = value.strftime("%H:%M" if isinstance(value, time) else "%Y-%m-%d")
        values[name] = "" if value is None else str(value)
    return values


def _shown_again(data):
    """The form's values as they were, to show again without checking them
    ("Show free times" without JavaScript)."""
    data = with_slot_times(data)
    return {key: data.get(key) for key in data if key != "csrfmiddlewaretoken"}


@home_permission("home.dashboard")
def free_times(request, home_slug):
    """The free times of a space on a day, for the booking form (htmx)."""
    _require(request, change=True)

    def free():
        exclude_pk = parse_id(request.GET.get("visit"))
        mine = exclude_pk is not None and selectors.visit_for(request.home, request.membership, exclude_pk)
        if not mine:
            exclude_pk = None
        return _free_times(request.home, request.GET, exclude_pk=exclude_pk, strict=True)

    # Worked out only when the times are rendered, not when they are served from the cache.
    return render(request, "visits/booking/free_times.html", {"free": SimpleLazyObject(free)})


@home_permission("home.dashboard")
def book(request, home_slug):
    _require(request, change=True)
    home, membership = request.home, request.membership
    if request.method == "POST" and "show_times" in request.POST:
        form = BookingForm(initial=_shown_again(request.POST), home=home, membership=membership)
    elif request.method == "POST":
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
        initial = {
            "visitor_name": "" if _staff(request) else request.user.full_name,
            "date": timezone.localdate(),
        }
        resident_id = parse_id(request.GET.get("resident"))
        if resident_id is not None:
            initial["resident"] = resident_id
        if request.GET.get("kind") in Visit.Kind.values:
            initial["kind"] = request.GET["kind"]
        # Made only when the page is rendered, not when it is served from the cache.
        form = SimpleLazyObject(lambda: BookingForm(initial=initial, home=home, membership=membership))
    # Worked out only when the page is rendered, not when it is served from the cache.
    free = SimpleLazyObject(lambda: _free_times(home, _values(form)))
    context = _context(request, form, title="Book a visit or call", free=free)
    return render(request, "visits/booking/book.html", context)


@home_permission("visits.view")
def day(request, home_slug):
    the_day, problem = query_date(request.GET.get("date"))

    def make():
        visits = selectors.visits_on_day(request.home, the_day)
        for visit in visits:
            visit.staff_notes = _staff_notes(visit)
        return {
            "visits": visits,
            "booked": [v for v in visits if v.status == Visit.Status.BOOKED],
            "held": selectors.spaces_held_on_day(request.home, the_day),
        }

    # Listed only when the day is rendered, not when it is served from the cache.
    context = deferred(make, "visits", "booked", "held")
    is_today = the_day == timezone.localdate()
    return render(
        request,
        "visits/booking/day.html",
        {"day": the_day, "problem": problem, "is_today": is_today, **context},
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
    if request.method == "POST" and "show_times" in request.POST:
        form = BookingForm(
            initial=_shown_again(request.POST), home=home, membership=membership, changing=True
        )
    elif request.method == "POST":
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
        _context(
            request,
            form,
            title="Change this booking",
            visit=visit,
            free=_free_times(home, _values(form), exclude_pk=visit.pk),
        ),
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
