"""A resident's family page: linked accounts, invitations waiting, people who
matter to invite, and news shared with the family; inviting someone; pausing,
ending or restoring a link; sharing an update."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control

from carehome.errors import DomainError
from homes.decorators import home_permission
from homes.submissions import AlreadySaved, already_saved
from residents.models import RelativeLink, Resident
from residents.selectors.consent import news_links, news_residents_for
from visits.forms.family import FamilyInviteForm, LinkStatusForm, SharedUpdateForm
from visits.models import SharedUpdate
from visits.selectors import family as selectors
from visits.services.family import family_invite, relative_link_set_status, shared_update_add


def _resident(request, pk):
    return get_object_or_404(Resident.objects.for_home(request.home).select_related("key_worker"), pk=pk)


def _links_url(request, resident):
    return reverse("visits:family_links", kwargs={"home_slug": request.home.slug, "pk": resident.pk})


def _back(request, resident):
    return redirect(_links_url(request, resident))


def _names(residents):
    names = [r.short_name for r in residents]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@home_permission("residents.view")
def family_links(request, home_slug, pk):
    resident = _resident(request, pk)
    membership = request.membership
    return render(
        request,
        "visits/family/links.html",
        {
            "resident": resident,
            "page": selectors.family_links_page(request.home, resident),
            "can_invite": membership.has_perm("family.invite"),
            "can_manage": membership.has_perm("family.manage_links"),
            "can_share": membership.has_perm("updates.share"),
        },
    )


def _invite_message(outcome, full_name):
    if outcome.member is not None:
        text = f"{full_name} already has a family account, so no email was sent."
        if outcome.linked:
            text += f" They are now linked to {_names(outcome.linked)}."
        if outcome.kept:
            text += (
                f" Their link to {_names(outcome.kept)} was paused or ended and stays that way"
                " until a manager restores it."
            )
        return text
    if outcome.added_to_waiting:
        return (
            f"An invitation was already waiting for {outcome.invitation.email}: it now also links them to"
            f" {_names(outcome.linked)}. Re-send it from the People page if they cannot find the email."
        )
    return f"Invitation sent to {outcome.invitation.email}. They will be linked to {_names(outcome.linked)}."


@home_permission("family.invite")
def family_invite_view(request, home_slug, pk):
    home = request.home
    resident = _resident(request, pk)
    residents = list(selectors.other_residents(home, resident))
    if request.method == "POST":
        form = FamilyInviteForm(request.POST, home=home, resident=resident, residents=residents)
        if form.is_valid():
            try:
                outcome = family_invite(home=home, actor=request.user, **form.service_kwargs())
            except AlreadySaved as saved:
                return already_saved(request, saved, _links_url(request, resident))
            except DomainError as error:
                error.add_to_form(form)
            else:
                messages.success(request, _invite_message(outcome, form.cleaned_data["full_name"]))
                return _back(request, resident)
        person = form.cleaned_data.get("person") if hasattr(form, "cleaned_data") else None
    else:
        person = selectors.person_for(home, resident, request.GET.get("person"))
        initial = {}
        if person is not None:
            initial = {
                "person": person.pk,
                "full_name": person.name,
                "relationship": person.relationship,
                "email": person.email,
            }
        form = FamilyInviteForm(initial=initial, home=home, resident=resident, residents=residents)
    return render(
        request, "visits/family/invite.html", {"resident": resident, "form": form, "person": person}
    )


@home_permission("family.manage_links")
def family_link_status(request, home_slug, pk):
    link = selectors.link_for_status(request.home, pk)
    if link is None:
        raise Http404
    initial = {"action": request.GET.get("action")} if request.method == "GET" else None
    form = LinkStatusForm(request.POST or None, initial=initial, link=link)
    if request.method == "POST" and form.is_valid():
        try:
            changed = relative_link_set_status(
                home=request.home,
                actor=request.user,
                link=link,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            done = {"pause": "paused", "end": "ended", "restore": "restored"}[form.cleaned_data["action"]]
            who = link.membership.user.full_name
            text = f"{who}'s link to {link.resident.short_name} has been {done}."
            if done != "restored":
                text += f" They can no longer see {link.resident.short_name}."
            if done == "ended":
                text += (
                    " Their regular visitor (door code) approval is withdrawn and, unless they have another "
                    "active link, their calendar feed no longer works."
                )
            elif changed.regular_visitor_approved_at is None:
                text += (
                    " It is restored without regular visitor approval: they cannot see the door code "
                    "until a manager approves them again on the Regular visitors page."
                )
            messages.success(request, text)
            return _back(request, link.resident)
    return render(
        request,
        "visits/family/link_status.html",
        {"resident": link.resident, "link": link, "form": form},
    )


@home_permission("updates.share")
def update_add(request, home_slug, pk):
    resident = _resident(request, pk)
    photo_allowed = selectors.news_photo_allowed(request.home, resident)
    form = SharedUpdateForm(request.POST or None, request.FILES or None, photo_allowed=photo_allowed)
    if request.method == "POST" and form.is_valid():
        try:
            shared_update_add(
                home=request.home,
                actor=request.user,
                resident=resident,
                text=form.cleaned_data["text"],
                photo=form.cleaned_data.get("photo"),
                tell_families=form.cleaned_data["tell_families"],
                form_token=form.cleaned_data.get("form_token"),
            )
        except AlreadySaved as saved:
            return already_saved(request, saved, _links_url(request, resident))
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request, f"Shared with the relatives {resident.short_name}'s consent to news names."
            )
            return _back(request, resident)
    news_to = list(
        news_links(request.home)
        .filter(resident=resident, status=RelativeLink.Status.ACTIVE)
        .select_related("membership__user")
        .order_by("membership__user__full_name", "pk")
    )
    return render(
        request, "visits/family/update_form.html", {"resident": resident, "form": form, "news_to": news_to}
    )


@home_permission("home.dashboard")
def update_photo(request, home_slug, pk):
    """A shared update's photo: to this home's staff, and to relatives actively
    linked to the resident it is about while the register lets them see it;
    404 to other relatives and other homes (403 to volunteers, as for any page
    not theirs). Never a public address."""
    membership = request.membership
    updates = SharedUpdate.objects.for_home(request.home).exclude(photo="")
    if not membership.has_perm("residents.view"):
        if not membership.has_perm("family.portal"):
            raise PermissionDenied
        # Actively linked, named in the resident's live consent to news, and
        # the resident's consent to photos being shared with families is live
        # now (read on every request: a withdrawal stops the photo at once).
        updates = updates.filter(resident_id__in=news_residents_for(membership)).filter(
            resident_id__in=selectors.news_photo_residents(request.home)
        )
    update = get_object_or_404(updates, pk=pk)
    try:
        handle = update.photo.open("rb")
    except FileNotFoundError:
        raise Http404("No photo.") from None
    response = FileResponse(handle, content_type="image/jpeg")
    patch_cache_control(response, private=True, no_store=True)
    return response
