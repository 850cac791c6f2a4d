"""The outcomes dashboard, the home's self-evaluations (each beside the last)
and its improvement plan. Staff who lead on connection see them; the manager
signs an evaluation off; relatives and volunteers never reach them."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from carehome.dbrouter import read_from_replica
from carehome.errors import DomainError
from carehome.timeutils import add_months, long_day
from carehome.versions import EditConflict, show_conflict
from evaluation import dashboard, evidence, organisation, pack, rollups, selectors, services
from evaluation.figures import BANDS
from evaluation.forms import ActionForm, CompleteForm, EvidenceForm, RatingForm, SharingForm, StartForm
from evaluation.models import EvidenceCategory, ImprovementAction, Theme
from homes import fragments
from homes.audit import record_export
from homes.decorators import home_permission
from homes.models import Organisation
from homes.submissions import AlreadySaved, already_saved


def _url(name, home, **kwargs):
    return reverse(f"evaluation:{name}", kwargs={"home_slug": home.slug, **kwargs})


@home_permission("evaluation.figures")
def outcomes(request, home_slug):
    today = timezone.localdate()
    home = request.home
    week = dashboard.chosen_week(request.GET.get("week", ""), today)

    def make():
        return {**dashboard.home_dashboard(home, week), "now": dashboard.right_now(home)}

    context = {
        # Worked out only when the page's fragment is rendered, not when it is served from the cache.
        "dash": SimpleLazyObject(make),
        # The fragment's key: when the weeks' figures were last worked out (a refresh shows at once).
        "kept_at": rollups.kept_at([home.pk], dashboard.weeks_ending(week, dashboard.TREND_WEEKS)),
        "week": week,
        "choices": SimpleLazyObject(lambda: dashboard.week_options(today)),
        "this_week": week == dashboard.monday_of(today),
        # For connector charity staff: the charities' tables that can include this home.
        "charities": SimpleLazyObject(lambda: selectors.charities_of(home)),
    }
    return render(request, "evaluation/dashboard.html", context)


@home_permission("home.settings")
def sharing(request, home_slug):
    """The manager's choice: whether connector charity staff who are members
    of the home see its outcome figures."""
    home = request.home
    shown = {
        "shares": "yes" if home.shares_outcomes else "no",
        "was": "yes" if home.shares_outcomes else "no",
    }
    form = SharingForm(request.POST if request.method == "POST" else None, initial=shown)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.sharing_set(home=home, actor=request.user, **form.cleaned_data)
        except services.SharingChanged as error:
            error.add_to_form(form)
            # The form now carries what is saved, so saving again is a knowing choice.
            form.data = form.data.copy()
            form.data["was"] = "yes" if error.shares_now else "no"
        else:
            if changed:
                messages.success(
                    request,
                    "Saved. Connector charity staff now see the outcome figures."
                    if home.shares_outcomes
                    else "Saved. Connector charity staff no longer see the outcome figures.",
                )
            return redirect("evaluation:dashboard", home_slug=home_slug)
    context = {
        "form": form,
        "connectors": selectors.connector_members(home),
        "charities": selectors.charities_of(home),
    }
    return render(request, "evaluation/sharing.html", context)


@home_permission("evaluation.view")
def evaluations(request, home_slug):
    open_, _closed = selectors.actions_for(request.home)
    return render(
        request,
        "evaluation/list.html",
        {
            "evaluations": selectors.evaluations_for(request.home),
            "framework": selectors.framework_for(request.home),
            "open_actions": len(open_),
            "overdue_actions": sum(1 for a in open_ if a.due_on < timezone.localdate()),
        },
    )


def _default_period(today):
    """The quarter just gone (or, in its first fortnight, the one before)."""
    first_of_quarter = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    start = add_months(first_of_quarter, -3)
    end = first_of_quarter - timedelta(days=1)
    return start, end


@home_permission("evaluation.manage")
def evaluation_start(request, home_slug):
    home = request.home
    start, end = _default_period(timezone.localdate())
    form = StartForm(
        request.POST or None,
        frameworks=selectors.frameworks(),
        initial={"framework": selectors.framework_for(home), "period_start": start, "period_end": end},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.evaluation_start(
                home=home,
                actor=request.user,
                framework=data["framework"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                title=data["title"],
                form_token=data.get("form_token"),
            )
        except AlreadySaved as saved:
            record = saved.record
            url = _url("detail", home, pk=record.pk) if record else _url("evaluations", home)
            return already_saved(request, saved, url)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"{created} is started. Rate each theme with your reasons.")
            return redirect(_url("detail", home, pk=created.pk))
    return render(request, "evaluation/start.html", {"form": form})


def _evaluation_or_404(request, pk):
    def make():
        found = selectors.evaluation_for_page(request.home, pk)
        if found is None:
            raise Http404("No such self-evaluation at this home.")
        return found

    # Kept like a fragment: until anything of the home changes (a GET only).
    return fragments.remembered(request, "evaluation", make, pk)


@home_permission("evaluation.view")
def evaluation_detail(request, home_slug, pk):
    home = request.home
    item = _evaluation_or_404(request, pk)
    weeks = evidence.period_weeks(item.period_start, item.period_end)
    return render(
        request,
        "evaluation/detail.html",
        {
            "evaluation": item,
            "is_open": item.status != item.Status.COMPLETED,
            # Worked out only when the page's fragment is rendered (homes.fragments).
            "d": SimpleLazyObject(lambda: selectors.themes_of(home, item)),
            "kept_at": rollups.kept_at([home.pk], weeks),
        },
    )


@home_permission("evaluation.manage")
def rating_edit(request, home_slug, pk):
    home = request.home
    rating = selectors.rating_for_page(home, pk)
    if rating is None:
        raise Http404("No such rating at this home.")
    item = rating.evaluation
    back = _url("detail", home, pk=item.pk) + f"#theme-{rating.theme_id}"
    if item.status == item.Status.COMPLETED:
        messages.info(request, "This self-evaluation is completed and kept as it was.")
        return redirect(back)
    levels = list(selectors.levels_of(item.framework).values())
    form = RatingForm(
        request.POST or None,
        levels=levels,
        initial={"level": rating.level, "rationale": rating.rationale, "version": rating.version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.rating_save(
                home=home,
                actor=request.user,
                rating=rating,
                level=data["level"],
                rationale=data["rationale"],
                version=data.get("version"),
            )
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"{rating.theme.name} is saved.")
            return redirect(back)
    lines = evidence.evidence_for(home, item.period_start, item.period_end)
    said, not_yet = evidence.for_theme(rating.theme, lines)
    return render(
        request,
        "evaluation/rating_form.html",
        {
            "form": form,
            "rating": rating,
            "evaluation": item,
            "theme": rating.theme,
            "lines": said,
            "not_yet": not_yet,
            "levels": levels,
            "back": back,
        },
    )


@home_permission("evaluation.manage")
def evidence_add(request, home_slug, pk):
    home = request.home
    item = _evaluation_or_404(request, pk)
    if item.status == item.Status.COMPLETED:
        messages.info(request, "This self-evaluation is completed and kept as it was.")
        return redirect(_url("detail", home, pk=item.pk))
    themes = Theme.objects.filter(framework=item.framework, is_active=True).order_by("order", "id")
    categories = EvidenceCategory.objects.filter(framework=item.framework).order_by("order", "id")
    chosen = request.GET.get("theme", "")
    initial = {"theme": int(chosen)} if chosen.isdigit() and chosen.isascii() and len(chosen) < 10 else {}
    form = EvidenceForm(request.POST or None, themes=themes, categories=categories, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            note = services.evidence_add(
                home=home,
                actor=request.user,
                evaluation=item,
                theme=data["theme"],
                category=data.get("category"),
                text=data["text"],
                form_token=data.get("form_token"),
            )
        except AlreadySaved as saved:
            return already_saved(request, saved, _url("detail", home, pk=item.pk))
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"The evidence for {note.theme.name} is added.")
            return redirect(_url("detail", home, pk=item.pk) + f"#theme-{note.theme_id}")
    return render(request, "evaluation/evidence_form.html", {"form": form, "evaluation": item})


@home_permission("evaluation.complete")
def evaluation_complete(request, home_slug, pk):
    home = request.home
    item = _evaluation_or_404(request, pk)
    if item.status == item.Status.COMPLETED:
        messages.info(request, "This self-evaluation is already completed.")
        return redirect(_url("detail", home, pk=item.pk))
    form = CompleteForm(request.POST or None, initial={"summary": item.summary, "version": item.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.evaluation_complete(
                home=home,
                actor=request.user,
                evaluation=item,
                summary=data["summary"],
                version=data.get("version"),
            )
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request, f"{item} is completed and kept. Next time it is shown beside the new one."
            )
            return redirect(_url("detail", home, pk=item.pk))
    ratings = selectors.ratings_of(item)
    return render(
        request,
        "evaluation/complete.html",
        {
            "form": form,
            "evaluation": item,
            "unrated": [r for r in ratings if r.level is None],
            "rated": sum(1 for r in ratings if r.level is not None),
        },
    )


@home_permission("evaluation.view")
def plan(request, home_slug):
    open_, closed = selectors.actions_for(request.home)
    today = timezone.localdate()
    for action in open_:
        action.overdue = action.due_on < today
    return render(
        request, "evaluation/plan.html", {"open_actions": open_, "closed_actions": closed, "today": today}
    )


def _themes_for(home, item):
    if item is None:
        framework = selectors.framework_for(home)
    else:
        framework = item.framework
    if framework is None:
        return None
    return Theme.objects.filter(framework=framework, is_active=True).order_by("order", "id")


@home_permission("evaluation.manage")
def action_add(request, home_slug):
    home = request.home
    raw = request.GET.get("evaluation", "") or request.POST.get("evaluation", "")
    item = None
    if raw.isdigit() and raw.isascii() and len(raw) < 10:
        item = selectors.evaluation_for_page(home, int(raw))
        if item is None:
            raise Http404("No such self-evaluation at this home.")
    chosen = request.GET.get("theme", "")
    initial = {"due_on": add_months(timezone.localdate(), 3)}
    if chosen.isdigit() and chosen.isascii() and len(chosen) < 10:
        initial["theme"] = int(chosen)
    form = ActionForm(
        request.POST or None,
        owners=selectors.owners_for(home),
        themes=_themes_for(home, item),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.action_add(
                home=home,
                actor=request.user,
                action=data["action"],
                due_on=data["due_on"],
                owner=data.get("owner"),
                evaluation=item,
                theme=data.get("theme"),
                form_token=data.get("form_token"),
            )
        except AlreadySaved as saved:
            return already_saved(request, saved, _url("plan", home))
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"The action is added to the plan, due by {long_day(created.due_on)}.")
            if item is not None:
                return redirect(_url("detail", home, pk=item.pk) + "#plan")
            return redirect(_url("plan", home))
    return render(request, "evaluation/action_form.html", {"form": form, "item": None, "evaluation": item})


@home_permission("evaluation.manage")
def action_edit(request, home_slug, pk):
    home = request.home
    item = selectors.action_for_page(home, pk)
    if item is None:
        raise Http404("No such action at this home.")
    form = ActionForm(
        request.POST or None,
        owners=selectors.owners_for(home),
        editing=True,
        initial={
            "action": item.action,
            "owner": item.owner_id,
            "due_on": item.due_on,
            "status": item.status,
            "progress": item.progress,
            "version": item.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.action_update(
                home=home,
                actor=request.user,
                item=item,
                action=data["action"],
                due_on=data["due_on"],
                owner=data.get("owner"),
                status=data["status"],
                progress=data["progress"],
                version=data.get("version"),
            )
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"The action is saved: {saved.get_status_display().lower()}.")
            return redirect(_url("plan", home) + f"#action-{saved.pk}")
    return render(
        request,
        "evaluation/action_form.html",
        {"form": form, "item": item, "evaluation": item.evaluation, "statuses": ImprovementAction.Status},
    )


@home_permission("evaluation.export")
def evaluation_pack(request, home_slug, pk):
    """The evidence pack as a PDF (``?format=pdf``, with ``names=1`` when the
    manager chooses to name residents) or the figures as CSV; each download is
    recorded in the self-evaluation's history."""
    home = request.home
    item = _evaluation_or_404(request, pk)
    kind = request.GET.get("format", "pdf")
    if kind not in ("pdf", "csv"):
        kind = "pdf"
    names = kind == "pdf" and request.GET.get("names") == "1"
    stem = slugify(f"{home.name} {item} evidence pack")[:100]
    body = pack.kept(home, item, kind=kind, names=names, base_url=request.build_absolute_uri("/"))
    content_type = "text/csv; charset=utf-8" if kind == "csv" else "application/pdf"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{kind}"'
    response["Cache-Control"] = "private, no-store"
    record_export(item, actor=request.user, what=kind.upper(), details={"names": names})
    return response


# --- The organisation dashboard ---------------------------------------------------------


ORG_TABLE_SECONDS = 600


@login_required
@read_from_replica
def organisation_dashboard(request, org_slug):
    """Every home of the organisation the person may see, side by side."""
    found = get_object_or_404(Organisation, slug=org_slug)
    homes, belongs = organisation.visible_homes(request.user, found)
    if not belongs:
        raise Http404("No such organisation.")
    charity = found.kind == Organisation.Kind.CONNECTOR
    if not homes:
        raise PermissionDenied(
            "None of the homes you work with shares its outcome figures yet: a home's manager can share them."
            if charity
            else "Your role does not include the organisation's outcomes."
        )
    today = timezone.localdate()
    week = dashboard.chosen_week(request.GET.get("week", ""), today)
    sort = request.GET.get("sort", "behind")
    sort = sort if sort in organisation.SORTS else "behind"
    nation = request.GET.get("nation", "")
    nation = nation if nation in dict(organisation.NATION_CHOICES) else ""
    words = request.GET.get("q", "")[:100]
    shown = organisation.filtered(homes, nation=nation, words=words)
    weeks = [week - timedelta(weeks=1), week]
    ids = [h.pk for h in shown]
    key = (
        "org-table:"
        + hashlib.blake2b(
            repr(
                (request.user.pk, found.pk, ids, week, sort, organisation.stamp(ids, weeks), today)
            ).encode(),
            digest_size=16,
        ).hexdigest()
    )
    table = cache.get(key) if settings.KITH_FRAGMENT_CACHE else None
    if table is None:
        rows = organisation.sorted_rows(organisation.rows_for(shown, week), sort)
        table = render_to_string(
            "evaluation/includes/organisation_table.html",
            {"rows": rows, "week": week, "band_names": [name for name, _l, _h in BANDS], "sort": sort},
        )
        if settings.KITH_FRAGMENT_CACHE:
            cache.set(key, table, ORG_TABLE_SECONDS)
    return render(
        request,
        "evaluation/organisation.html",
        {
            "organisation": found,
            "charity": charity,
            "table": mark_safe(table),  # noqa: S308 - rendered (and escaped) by our own template above
            "homes_count": len(homes),
            "shown_count": len(shown),
            "week": week,
            "choices": SimpleLazyObject(lambda: dashboard.week_options(today)),
            "sort": sort,
            "sorts": organisation.SORTS.items(),
            "nation": nation,
            "nations": organisation.NATION_CHOICES,
            "words": words,
        },
    )
