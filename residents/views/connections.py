"""The connection log: log a connection in two short steps, see one logged
connection, a resident's timeline, and the worklist "Who needs connection now"."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from carehome.errors import DomainError
from carehome.query import parse_id
from homes.decorators import home_permission
from homes.fragments import deferred
from homes.submissions import AlreadySaved, already_saved
from residents.forms.connections import (
    ChooseResidentsForm,
    ConnectionForm,
    CorrectConnectionForm,
    StrikeOutForm,
)
from residents.models import Connection
from residents.selectors import connections as selectors
from residents.selectors.worklist import worklist_for
from residents.services.connections import (
    connection_change_problem,
    connection_correct,
    connection_log,
    connection_strike_out,
)
from residents.views.residents import resident_for_page

MODE_FOR_WAY = [
    ("by_phone", Connection.Mode.PHONE),
    ("by_visit", Connection.Mode.IN_PERSON),
    ("by_video", Connection.Mode.VIDEO),
    ("by_letter", Connection.Mode.LETTER),
]


def _initial(request, residents):
    """Sensible answers to start from: now; a group activity for several
    people; the person from the worklist ("Log a connection" for an overdue call)."""
    now = timezone.localtime()
    initial = {"date": now.date(), "time": now.time().replace(second=0, microsecond=0)}
    initial["staff_member"] = request.user.pk
    if len(residents) > 1:
        initial["with_whom"] = Connection.WithWhom.GROUP
        initial["mode"] = Connection.Mode.GROUP_ACTIVITY
    person_id = parse_id(request.GET.get("person"))
    if len(residents) == 1 and person_id is not None:
        person = selectors.people_who_matter_to(request.home, residents).filter(pk=person_id).first()
        if person is not None:
            initial["with_whom"] = Connection.WithWhom.PERSON
            initial["person"] = person.pk
            for flag, mode in MODE_FOR_WAY:
                if getattr(person, flag):
                    initial["mode"] = mode
                    break
    return initial


def _people_word(count):
    return "1 person" if count == 1 else f"{count} people"


@home_permission("connections.log")
def connection_add(request, home_slug):
    home = request.home
    if request.method == "POST":
        residents = selectors.chosen_residents(home, request.POST.getlist("residents"))
        form = ConnectionForm(request.POST, home=home, residents=residents)
        if form.is_valid():
            try:
                connection = connection_log(home=home, actor=request.user, **form.service_kwargs())
            except AlreadySaved as saved:
                url = reverse("residents:worklist", kwargs={"home_slug": home.slug})
                if saved.record is not None:
                    url = reverse(
                        "residents:connection_detail", kwargs={"home_slug": home.slug, "pk": saved.record.pk}
                    )
                return already_saved(request, saved, url)
            except DomainError as error:
                error.add_to_form(form)
            else:
                count = len(residents)
                names = residents[0].short_name if count == 1 else _people_word(count)
                messages.success(request, f"Saved: a connection logged for {names}.")
                return redirect("residents:connection_detail", home_slug=home.slug, pk=connection.pk)
        return render(request, "residents/connections/add_details.html", {"form": form})

    ids = request.GET.getlist("residents") or request.GET.getlist("resident")
    changing = "change" in request.GET
    if (ids or request.GET.get("step") == "details") and not changing:
        choose = ChooseResidentsForm({"residents": ids}, home=home)
        if choose.is_valid():
            residents = sorted(choose.cleaned_data["residents"], key=lambda r: (r.full_name, r.pk))
            form = ConnectionForm(home=home, residents=residents, initial=_initial(request, residents))
            return render(request, "residents/connections/add_details.html", {"form": form})
    else:
        # Made only when the page is rendered, not when it is served from the cache.
        choose = SimpleLazyObject(lambda: ChooseResidentsForm(initial={"residents": ids}, home=home))
    ticked = {str(i) for i in ids}
    # Listed only when the page is rendered, not when it is served from the cache.
    residents = SimpleLazyObject(lambda: list(selectors.residents_to_choose(home)))
    return render(
        request,
        "residents/connections/add_choose.html",
        {"choose": choose, "residents": residents, "ticked": ticked},
    )


@home_permission("residents.view")
def connection_detail(request, home_slug, pk):
    connection, participants = selectors.connection_with_participants(request.home, pk)
    if connection is None:
        raise Http404
    return render(
        request,
        "residents/connections/detail.html",
        {"connection": connection, "participants": participants},
    )


@home_permission("residents.view")
def timeline(request, home_slug, pk):
    resident = resident_for_page(request, pk)

    def make():
        page = selectors.timeline_page(request.home, resident, request.GET.get("page"))
        entries = list(page.object_list)
        now = timezone.now()
        for entry in entries:
            # Who may correct or strike out each entry: worked out here, no query.
            entry.can_change = not connection_change_problem(
                membership=request.membership, connection=entry.connection, now=now
            )
        return {
            "page": page,
            "entries": entries,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        }

    # Made only when the timeline is rendered, not when it is served from the cache.
    context = deferred(make, "page", "entries", "page_range")
    return render(request, "residents/connections/timeline.html", {"resident": resident, **context})


@home_permission("connections.log")
def worklist(request, home_slug):
    # Worked out only when the list is rendered, not when it is served from the cache.
    work = SimpleLazyObject(lambda: worklist_for(request.home))
    return render(request, "residents/worklist.html", {"work": work})


def _participant_to_change(request, pk, connection_pk):
    """The resident's part in the entry, or 404; and why it cannot be changed."""
    participant = selectors.participant_for_change(request.home, pk, connection_pk)
    if participant is None:
        raise Http404
    problem = connection_change_problem(membership=request.membership, connection=participant.connection)
    return participant, problem


def _refused(request, participant, problem):
    return render(
        request,
        "residents/connections/change_refused.html",
        {"resident": participant.resident, "connection": participant.connection, "problem": problem},
        status=403,
    )


@home_permission("connections.log")
def entry_correct(request, home_slug, pk, connection_pk):
    """Correct an entry: its author for a few days, a manager at any time."""
    participant, problem = _participant_to_change(request, pk, connection_pk)
    if problem:
        return _refused(request, participant, problem)
    connection, resident = participant.connection, participant.resident
    when = timezone.localtime(connection.occurred_at)
    initial = {
        "date": when.date(),
        "time": when.time().replace(second=0, microsecond=0),
        "mode": connection.mode,
        "note": connection.note,
        "response": participant.response,
        "participant_note": participant.note,
    }
    form = CorrectConnectionForm(request.POST or None, resident=resident, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            connection_correct(
                home=request.home,
                actor=request.user,
                membership=request.membership,
                connection=connection,
                resident=resident,
                **form.service_kwargs(),
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, "The entry was corrected. Its history keeps what it said before.")
            return redirect("residents:timeline", home_slug=home_slug, pk=resident.pk)
    return render(
        request,
        "residents/connections/correct.html",
        {"form": form, "resident": resident, "connection": connection},
    )


@home_permission("connections.log")
def entry_strike_out(request, home_slug, pk, connection_pk):
    """Strike out a wrong entry with the reason; it stays, marked, and stops counting."""
    participant, problem = _participant_to_change(request, pk, connection_pk)
    if problem:
        return _refused(request, participant, problem)
    connection, resident = participant.connection, participant.resident
    form = StrikeOutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            connection_strike_out(
                home=request.home,
                actor=request.user,
                membership=request.membership,
                connection=connection,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request, "The entry was struck out. It stays in the log, marked, and no longer counts."
            )
            return redirect("residents:timeline", home_slug=home_slug, pk=resident.pk)
    return render(
        request,
        "residents/connections/strike_out.html",
        {"form": form, "resident": resident, "connection": connection, "participant": participant},
    )
