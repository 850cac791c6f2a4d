"""Requests for personal data: the list, recording one, one request with its
exports, and the exports themselves (PDF and JSON, each logged)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from carehome.errors import DomainError
from carehome.versions import EditConflict, show_conflict
from homes.decorators import home_permission
from homes.submissions import AlreadySaved, already_saved
from privacy import selectors
from privacy.forms import CloseForm, RequestForm
from privacy.models import SubjectAccessRequest
from privacy.services import export_make, request_close, request_record


def _record(request, pk):
    return get_object_or_404(selectors.requests_of(request.home), pk=pk)


def _detail_url(home_slug, record):
    return reverse("privacy:request", kwargs={"home_slug": home_slug, "pk": record.pk})


@home_permission("privacy.requests")
def requests_list(request, home_slug):
    return render(request, "privacy/requests.html", selectors.requests_page(request.home))


@home_permission("privacy.requests")
def request_new(request, home_slug):
    people = selectors.people_for_requests(request.home)
    form = RequestForm(request.POST or None, **people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kind, pk = data["subject"]
        try:
            record = request_record(
                home=request.home,
                actor=request.user,
                kind=kind,
                resident=selectors.pick(people["residents"], pk, kind == "resident"),
                membership=selectors.pick(people["relatives"], pk, kind == "relative"),
                volunteer=selectors.pick(people["volunteers"], pk, kind == "volunteer"),
                received_on=data["received_on"],
                requested_by=data["requested_by"],
                identity_checked=data["identity_checked"],
                form_token=data.get("form_token"),
            )
        except AlreadySaved as saved:
            url = (
                _detail_url(home_slug, saved.record)
                if saved.record
                else reverse("privacy:requests", kwargs={"home_slug": home_slug})
            )
            return already_saved(request, saved, url)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request,
                f"The request was recorded as {record.reference}. The reply is due by "
                f"{record.due_on:%-d %B %Y}.",
            )
            return redirect(_detail_url(home_slug, record))
    return render(request, "privacy/request_new.html", {"form": form})


@home_permission("privacy.requests")
def request_detail(request, home_slug, pk):
    record = _record(request, pk)
    form = None
    if record.status == SubjectAccessRequest.Status.OPEN:
        form = CloseForm(request.POST or None, version=record.version)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                request_close(
                    home=request.home,
                    actor=request.user,
                    record=record,
                    status=data["status"],
                    closed_on=data["closed_on"],
                    note=data["note"],
                    version=data.get("version"),
                )
            except EditConflict as conflict:
                show_conflict(form, conflict)
            except DomainError as error:
                error.add_to_form(form)
            else:
                messages.success(request, f"{record.reference} is closed.")
                return redirect(_detail_url(home_slug, record))
    elif request.method == "POST":
        messages.info(request, "This request is already closed.")
        return redirect(_detail_url(home_slug, record))
    return render(
        request,
        "privacy/request.html",
        {**selectors.request_page(request.home, record), "record": record, "form": form},
    )


@home_permission("privacy.requests")
def request_export(request, home_slug, pk, fmt):
    record = _record(request, pk)
    content, filename, kind = export_make(home=request.home, actor=request.user, record=record, fmt=fmt)
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
