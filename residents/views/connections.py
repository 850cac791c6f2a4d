"""The connection log: log a connection in two short steps, see one logged
connection, a resident's timeline, and the worklist "Who needs connection now"."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from carehome.errors import DomainError
from homes.decorators import home_permission
from residents.forms.connections import ChooseResidentsForm, ConnectionForm
from residents.models import Connection, Resident
from residents.selectors import connections as selectors
from residents.selectors.worklist import worklist_for
from residents.services.connections import connection_log

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
    person_id = request.GET.get("person", "")
    if len(residents) == 1 and person_id.isdigit():
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
        choose = ChooseResidentsForm(initial={"residents": ids}, home=home)
    ticked = {str(i) for i in ids}
    return render(
        request,
        "residents/connections/add_choose.html",
        {
            "choose": choose,
            "residents": list(selectors.residents_to_choose(home)),
            "ticked": ticked,
        },
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
    resident = get_object_or_404(Resident.objects.for_home(request.home).select_related("key_worker"), pk=pk)
    page = selectors.timeline_page(request.home, resident, request.GET.get("page"))
    return render(
        request,
        "residents/connections/timeline.html",
        {
            "resident": resident,
            "page": page,
            "entries": page.object_list,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        },
    )


@home_permission("connections.log")
def worklist(request, home_slug):
    return render(request, "residents/worklist.html", {"work": worklist_for(request.home)})
