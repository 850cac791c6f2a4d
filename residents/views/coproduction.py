"""Co-production: finding out with residents what they would like to do."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from carehome.errors import DomainError
from homes.decorators import home_permission
from homes.submissions import AlreadySaved, already_saved
from residents.forms.coproduction import IdeaForm, IdeaStatusForm, SessionForm, status_choices
from residents.models import Idea
from residents.selectors import coproduction as selectors
from residents.services import coproduction as services

SESSIONS_PER_PAGE = 20


def _with_next_statuses(ideas):
    for idea in ideas:
        idea.next_statuses = status_choices(idea)
    return ideas


def _session_or_404(request, pk):
    session = selectors.session_for_page(request.home, pk)
    if session is None:
        raise Http404("No such session at this home.")
    return session


@home_permission("coproduction.manage")
def coproduction_list(request, home_slug):
    home = request.home
    status = request.GET.get("status", "")
    if status not in Idea.Status.values:
        status = ""
    interests = list(selectors.interests_used_by_ideas(home))
    chosen = request.GET.get("interest", "")
    interest = next((i for i in interests if str(i.pk) == chosen), None)
    sessions = Paginator(selectors.sessions_for_home(home), SESSIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    board = selectors.ideas_board(home, status=status, interest=interest)
    for group in board:
        _with_next_statuses(group["ideas"])
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "residents/coproduction/list.html",
        {
            "sessions": sessions,
            "board": board,
            "interests": interests,
            "status": status,
            "interest": interest,
            "statuses": Idea.Status.choices,
            "filters": filters.urlencode(),
            "filtered": bool(status or interest),
            "back_url": request.get_full_path(),
        },
    )


def _session_data(form):
    return {
        key: form.cleaned_data[key]
        for key in ("held_on", "method", "title", "participants", "others_present", "notes")
    }


@home_permission("coproduction.manage")
def coproduction_add(request, home_slug):
    form = SessionForm(request.POST or None, home=request.home)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.coproduction_session_record(
                home=request.home,
                actor=request.user,
                form_token=form.cleaned_data.get("form_token"),
                **_session_data(form),
            )
        except AlreadySaved as saved:
            url = reverse("residents:coproduction_list", kwargs={"home_slug": home_slug})
            if saved.record is not None:
                url = reverse(
                    "residents:coproduction_detail", kwargs={"home_slug": home_slug, "pk": saved.record.pk}
                )
            return already_saved(request, saved, url)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"“{session.title}” was recorded. Now add the ideas that came up.")
            return redirect("residents:coproduction_detail", home_slug=home_slug, pk=session.pk)
    return render(request, "residents/coproduction/session_form.html", {"form": form, "session": None})


@home_permission("coproduction.manage")
def coproduction_edit(request, home_slug, pk):
    session = _session_or_404(request, pk)
    initial = {
        "held_on": session.held_on,
        "method": session.method,
        "title": session.title,
        "participants": list(session.participants.all()),
        "others_present": session.others_present,
        "notes": session.notes,
    }
    form = SessionForm(request.POST or None, home=request.home, session=session, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.coproduction_session_update(session=session, actor=request.user, **_session_data(form))
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"“{session.title}” was saved.")
            return redirect("residents:coproduction_detail", home_slug=home_slug, pk=session.pk)
    return render(request, "residents/coproduction/session_form.html", {"form": form, "session": session})


def _render_detail(request, session, idea_form, status=200):
    ideas = _with_next_statuses(list(session.ideas.all()))
    return render(
        request,
        "residents/coproduction/detail.html",
        {
            "session": session,
            "ideas": ideas,
            "idea_form": idea_form,
            "back_url": reverse(
                "residents:coproduction_detail", kwargs={"home_slug": request.home.slug, "pk": session.pk}
            ),
        },
        status=status,
    )


@home_permission("coproduction.manage")
def coproduction_detail(request, home_slug, pk):
    session = _session_or_404(request, pk)
    return _render_detail(request, session, IdeaForm(session=session))


@require_POST
@home_permission("coproduction.manage")
def idea_add(request, home_slug, pk):
    session = _session_or_404(request, pk)
    form = IdeaForm(request.POST, session=session)
    if form.is_valid():
        try:
            idea = services.idea_record(
                home=request.home, session=session, actor=request.user, **form.cleaned_data
            )
        except AlreadySaved as saved:
            url = reverse("residents:coproduction_detail", kwargs={"home_slug": home_slug, "pk": session.pk})
            if saved.record is not None:
                url += f"#idea-{saved.record.pk}"
            return already_saved(request, saved, url)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"The idea “{idea.text}” was added.")
            url = reverse("residents:coproduction_detail", kwargs={"home_slug": home_slug, "pk": session.pk})
            return redirect(f"{url}#idea-{idea.pk}")
    return _render_detail(request, session, form)


def _back_url(request, idea):
    """Where to go after changing an idea: the page its form was on, if that
    is a page of this home; otherwise the idea's session."""
    default = reverse(
        "residents:coproduction_detail", kwargs={"home_slug": request.home.slug, "pk": idea.session_id}
    )
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    home_root = reverse("homes:dashboard", kwargs={"home_slug": request.home.slug})
    if (
        wanted.startswith(home_root)
        and "#" not in wanted
        and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()})
    ):
        return wanted
    return default


@home_permission("coproduction.manage")
def idea_status(request, home_slug, pk):
    """Move an idea on. The small form on the board and the session page posts
    here; if something needs fixing, this page shows it next to the field."""
    idea = get_object_or_404(
        Idea.objects.for_home(request.home).select_related("session", "raised_by"), pk=pk
    )
    back = _back_url(request, idea)
    form = IdeaStatusForm(request.POST or None, idea=idea)
    if request.method == "POST" and form.is_valid():
        try:
            services.idea_status_set(home=request.home, idea=idea, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"“{idea.text}” is now {idea.get_status_display().lower()}.")
            return redirect(f"{back}#idea-{idea.pk}")
    return render(
        request, "residents/coproduction/idea_status.html", {"idea": idea, "form": form, "back": back}
    )
