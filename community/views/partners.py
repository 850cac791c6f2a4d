"""Partners and places: the home's partnerships (who, how often, going cold),
the partners who match residents' interests, adding a partner or starting to
work with one from the directory, a partner's page with its contact history
and activities together, and places nearby. The local area list and map are
in ``community.views.places``."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from carehome.errors import DomainError
from carehome.versions import EditConflict, show_conflict
from community.forms.partners import ContactForm, PartnerForm, PartnersFilterForm, StartForm
from community.models import Partner, PartnerKind
from community.selectors import partners as selectors
from community.services import partners as services
from homes.decorators import home_permission
from homes.submissions import AlreadySaved, already_saved


def _list_url(home_slug):
    return reverse("community:partners", kwargs={"home_slug": home_slug})


def _partner_url(home_slug, pk):
    return reverse("community:partner", kwargs={"home_slug": home_slug, "pk": pk})


def _partnership_or_404(request, pk):
    found = selectors.partnership_for_page(request.home, pk)
    if found is None:
        raise Http404("No such partner at this home.")
    return found


@home_permission("community.view")
def partners(request, home_slug):
    kind, interest = selectors.parse_filters(request.GET, kinds=set(PartnerKind.values))
    filters = PartnersFilterForm(initial={"kind": kind, "interest": interest})
    page = selectors.partners_page(request.home, kind=kind, interest=interest)
    return render(
        request,
        "community/partners/list.html",
        {**page, "filters": filters, "filtered": bool(kind or interest)},
    )


@home_permission("community.partners")
def partner_add(request, home_slug):
    form = PartnerForm(request.POST or None, home=request.home, membership=request.membership)
    if request.method == "POST" and form.is_valid():
        try:
            partnership = services.partner_add(
                home=request.home,
                actor=request.user,
                form_token=form.cleaned_data.get("form_token"),
                **form.service_data(),
            )
        except AlreadySaved as saved:
            return already_saved(request, saved, _list_url(home_slug))
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"{partnership.partner.name} was added.")
            return redirect(_partner_url(home_slug, partnership.pk))
    return render(request, "community/partners/form.html", {"form": form, "partnership": None})


@home_permission("community.partners")
def partnership_add(request, home_slug, partner_pk):
    partner = selectors.directory_partner(request.home, partner_pk)
    if partner is None:
        raise Http404("No such partner in the directories this home uses.")
    form = StartForm(request.POST or None, home=request.home, initial={"partner": partner.pk})
    if request.method == "POST" and form.is_valid():
        try:
            partnership = services.partnership_start(
                home=request.home,
                actor=request.user,
                form_token=form.cleaned_data.get("form_token"),
                **form.service_data(),
            )
        except AlreadySaved as saved:
            return already_saved(request, saved, _list_url(home_slug))
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"You are now working with {partnership.partner.name}.")
            return redirect(_partner_url(home_slug, partnership.pk))
    return render(request, "community/partners/start.html", {"form": form, "partner": partner})


@home_permission("community.view")
def partner(request, home_slug, pk):
    partnership = _partnership_or_404(request, pk)
    return _partner_page(request, partnership, ContactForm())


def _partner_page(request, partnership, contact_form):
    history = selectors.partner_history(request.home, partnership)
    return render(
        request,
        "community/partners/detail.html",
        {
            "partnership": partnership,
            "partner": partnership.partner,
            "contact_form": contact_form,
            "editable_directory": services.directory_editable(request.home, partnership.partner),
            **history,
        },
    )


@home_permission("community.partners")
def partner_contact_add(request, home_slug, pk):
    partnership = _partnership_or_404(request, pk)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_contact_add(
                home=request.home,
                actor=request.user,
                partnership=partnership,
                form_token=form.cleaned_data.get("form_token"),
                **form.service_data(),
            )
        except AlreadySaved as saved:
            return already_saved(request, saved, _partner_url(home_slug, pk))
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"The contact with {partnership.partner.name} was recorded.")
            return redirect(_partner_url(home_slug, pk))
    return render(request, "community/partners/contact_form.html", {"form": form, "partnership": partnership})


@home_permission("community.partners")
def partner_edit(request, home_slug, pk):
    partnership = _partnership_or_404(request, pk)
    editable = services.directory_editable(request.home, partnership.partner)
    form = PartnerForm(
        request.POST or None,
        home=request.home,
        editing=True,
        directory=editable,
        initial=PartnerForm.initial_for(partnership),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_update(
                home=request.home,
                actor=request.user,
                partnership=partnership,
                version=form.cleaned_data.get("version"),
                partner_version=form.cleaned_data.get("partner_version"),
                **form.service_data(),
            )
        except EditConflict as conflict:
            sent = form.data.get("version")
            show_conflict(form, conflict)
            if isinstance(conflict.record, Partner):
                # The directory entry was changed: its new version goes in its own field.
                data = form.data.copy()
                data["partner_version"], data["version"] = str(conflict.version), sent
                form.data = data
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"The changes to {partnership.partner.name} were saved.")
            return redirect(_partner_url(home_slug, pk))
    return render(
        request,
        "community/partners/form.html",
        {"form": form, "partnership": partnership, "editable_directory": editable},
    )
