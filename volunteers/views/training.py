"""The training register, for volunteers and staff: who has done which
course, what has run out or is due, and recording a course."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from carehome.errors import DomainError
from carehome.timeutils import day_text
from carehome.versions import EditConflict, show_conflict
from homes.decorators import home_permission
from homes.submissions import AlreadySaved, already_saved
from volunteers.forms.training import TrainingForm, period_words
from volunteers.models import Volunteer
from volunteers.selectors import training as selectors
from volunteers.services import training as services

PEOPLE_CHOICES = [("", "Volunteers and staff"), ("volunteers", "Volunteers only"), ("staff", "Staff only")]


@home_permission("training.manage")
def register(request, home_slug):
    home = request.home
    modules = selectors.modules()
    people = request.GET.get("people", "")
    if people not in dict(PEOPLE_CHOICES):
        people = ""
    chosen = request.GET.get("module", "")
    module = next((m for m in modules if str(m.pk) == chosen), None)
    attention = request.GET.get("attention") == "1"
    found = selectors.register(home, people=people, module=module, attention=attention)
    return render(
        request,
        "volunteers/training/register.html",
        {
            "found": found,
            "counts": selectors.register_counts(found),
            "holders": selectors.volunteer_management_holders(home),
            "modules": modules,
            "people": people,
            "people_choices": PEOPLE_CHOICES,
            "module": module,
            "attention": attention,
            "filtered": bool(people or module or attention),
            "due_days": selectors.DUE_DAYS,
        },
    )


def _name(record):
    if record.volunteer_id:
        return record.volunteer.full_name
    return record.member.user.full_name


def _saved_words(record):
    what = f"{record.module.name} for {_name(record)} was saved."
    if record.expires_on is None:
        return f"{what} It does not need renewing."
    return f"{what} Renew by {day_text(record.expires_on)}."


def _after(request, record):
    """Back to the register, at the person; a volunteer who is not active yet
    (so not on the register) back to their own page."""
    home_slug = request.home.slug
    if record.volunteer_id and record.volunteer.status != Volunteer.Status.ACTIVE:
        return reverse(
            "volunteers:volunteer_detail", kwargs={"home_slug": home_slug, "pk": record.volunteer_id}
        )
    anchor = f"volunteer-{record.volunteer_id}" if record.volunteer_id else f"staff-{record.member_id}"
    return reverse("volunteers:training", kwargs={"home_slug": home_slug}) + f"#{anchor}"


def _preselected(request):
    if (pk := request.GET.get("volunteer", "")).isdigit() and pk.isascii():
        return f"v{pk}"
    if (pk := request.GET.get("member", "")).isdigit() and pk.isascii():
        return f"m{pk}"
    return ""


@home_permission("training.manage")
def training_add(request, home_slug):
    volunteers, staff = selectors.people_to_choose(request.home)
    form = TrainingForm(
        request.POST or None, volunteers=volunteers, staff=staff, initial={"person": _preselected(request)}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.training_record_create(
                home=request.home,
                actor=request.user,
                module=data["module"],
                completed_on=data["completed_on"],
                expires_on=data["expires_on"],
                provider=data["provider"],
                form_token=data.get("form_token"),
                **form.person_data(),
            )
        except AlreadySaved as saved:
            url = reverse("volunteers:training", kwargs={"home_slug": home_slug})
            return already_saved(request, saved, _after(request, saved.record) if saved.record else url)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _saved_words(record))
            return redirect(_after(request, record))
    return render(request, "volunteers/training/form.html", {"form": form, "record": None})


@home_permission("training.manage")
def training_edit(request, home_slug, pk):
    record = selectors.record_for_page(request.home, pk)
    if record is None:
        raise Http404("No such training record at this home.")
    initial = {
        "module": record.module,
        "completed_on": record.completed_on,
        "expires_on": record.expires_on,
        "provider": record.provider,
        "version": record.version,
    }
    form = TrainingForm(request.POST or None, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.training_record_update(
                home=request.home,
                actor=request.user,
                record=record,
                module=data["module"],
                completed_on=data["completed_on"],
                expires_on=data["expires_on"],
                provider=data["provider"],
                version=data.get("version"),
            )
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _saved_words(saved))
            return redirect(_after(request, saved))
    return render(
        request,
        "volunteers/training/form.html",
        {"form": form, "record": record, "person": _name(record), "period": period_words(record.module)},
    )
