from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts import two_step
from carehome.dbrouter import read_from_replica
from carehome.errors import DomainError
from carehome.throttles import INVITATION_RESEND
from carehome.versions import EditConflict, show_conflict
from homes import selectors, services
from homes.dashboard import panels_for
from homes.decorators import home_permission
from homes.forms import InvitationForm, MembershipForm, SpaceForm
from homes.middleware import HOME_COOKIE
from homes.models import Invitation, Membership, Space
from homes.submissions import AlreadySaved, already_saved


def start(request):
    """``/``: send a person to the home they last used, or let them choose."""
    if not request.user.is_authenticated:
        return redirect("login")
    memberships = selectors.memberships_for_user(request.user)
    last = request.COOKIES.get(HOME_COOKIE)
    for m in memberships:
        if m.home.slug == last:
            return redirect(m.home)
    if len(memberships) == 1:
        return redirect(memberships[0].home)
    return render(request, "homes/choose.html", {"memberships": memberships})


@login_required
def choose(request):
    memberships = selectors.memberships_for_user(request.user)
    return render(request, "homes/choose.html", {"memberships": memberships})


@home_permission("home.dashboard")
@read_from_replica
def dashboard(request, home_slug):
    context = {"panels": panels_for(request)}
    if request.membership.has_perm("members.view"):
        # Counted only when the "at a glance" fragment is rendered, not when it is served.
        context["counts"] = SimpleLazyObject(lambda: selectors.home_counts(request.home))
        context["can_invite"] = request.membership.has_perm("members.invite")
    return render(request, "homes/dashboard.html", context)


@home_permission("members.view")
def members(request, home_slug):
    can_invite = request.membership.has_perm("members.invite")
    can_change = request.membership.has_perm("members.change")
    return render(
        request,
        "homes/members.html",
        {
            # Who has two-step verification on is for those who manage the people, not everyone.
            "members": selectors.members_for_home(request.home, with_two_step=can_change),
            "invitations": selectors.open_invitations_for_home(request.home) if can_invite else [],
            "can_invite": can_invite,
            "can_change": can_change,
        },
    )


@home_permission("members.invite")
def invite(request, home_slug):
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                home=request.home, actor=request.user, **form.cleaned_data
            )
        except AlreadySaved as saved:
            return already_saved(request, saved, reverse("homes:members", kwargs={"home_slug": home_slug}))
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request,
                f"Invitation sent to {invitation.email}. The link works for "
                f"{(invitation.expires_at - invitation.created_at).days} days.",
            )
            return redirect("homes:members", home_slug=home_slug)
    return render(request, "homes/invite.html", {"form": form})


def _invitation(request, pk):
    return get_object_or_404(Invitation.objects.for_home(request.home), pk=pk)


@require_POST
@home_permission("members.invite")
def invitation_resend(request, home_slug, pk):
    invitation = _invitation(request, pk)
    if INVITATION_RESEND.used_up(request, invitation.pk):
        at = INVITATION_RESEND.try_again_at(request, invitation.pk)
        messages.error(
            request,
            f"Several links have been sent to {invitation.email} recently. Ask them to look in their "
            f"junk or spam folder for the newest one, or send another at {at}.",
        )
        return redirect("homes:members", home_slug=home_slug)
    try:
        services.invitation_resend(home=request.home, invitation=invitation, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        INVITATION_RESEND.count(request, invitation.pk)
        messages.success(request, f"A new link is on its way to {invitation.email}.")
    return redirect("homes:members", home_slug=home_slug)


@require_POST
@home_permission("members.invite")
def invitation_revoke(request, home_slug, pk):
    invitation = _invitation(request, pk)
    try:
        services.invitation_revoke(home=request.home, invitation=invitation, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The invitation for {invitation.email} was withdrawn.")
    return redirect("homes:members", home_slug=home_slug)


@home_permission("members.change")
def membership_edit(request, home_slug, pk):
    membership = get_object_or_404(Membership.objects.for_home(request.home).select_related("user"), pk=pk)
    initial = {
        "role": membership.role,
        "job_title": membership.job_title,
        "is_active": membership.is_active,
    }
    form = MembershipForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(
                home=request.home, membership=membership, actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"{membership.user} was updated.")
            return redirect("homes:members", home_slug=home_slug)
    context = {
        "form": form,
        "member": membership,
        "two_step_on": two_step.is_on(membership.user),
        "two_step_reset_problem": two_step.reset_problem(
            home=request.home, actor=request.user, membership=membership
        ),
    }
    return render(request, "homes/membership_edit.html", context)


@require_POST
@home_permission("members.change")
def membership_two_step_reset(request, home_slug, pk):
    """A lost phone: the person's authenticator app and recovery codes stop
    working (accounts.two_step.reset, in the history with who did it)."""
    membership = get_object_or_404(Membership.objects.for_home(request.home).select_related("user"), pk=pk)
    try:
        two_step.reset(home=request.home, actor=request.user, membership=membership)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Two-step verification for {membership.user} was reset. "
            "They set it up again when they next sign in.",
        )
    return redirect("homes:membership_edit", home_slug=home_slug, pk=pk)


@home_permission("spaces.view")
def spaces(request, home_slug):
    return render(
        request,
        "homes/spaces.html",
        {
            "spaces": selectors.spaces_for_home(request.home),
            "can_manage": request.membership.has_perm("spaces.manage"),
        },
    )


@home_permission("spaces.manage")
def space_edit(request, home_slug, pk=None):
    space = None
    if pk is not None:
        space = get_object_or_404(Space.objects.for_home(request.home), pk=pk)
    form = SpaceForm(request.POST or None, instance=space)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.space_save(
                home=request.home, actor=request.user, space=space, **form.cleaned_data
            )
        except AlreadySaved as saved:
            return already_saved(request, saved, reverse("homes:spaces", kwargs={"home_slug": home_slug}))
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"“{saved.name}” was saved.")
            return redirect("homes:spaces", home_slug=home_slug)
    return render(request, "homes/space_form.html", {"form": form, "space": space})


@home_permission("audit.view")
def history(request, home_slug, content_type_id, object_id):
    """Who changed what and when, for one record of this home."""
    content_type = get_object_or_404(ContentType, pk=content_type_id)
    model = content_type.model_class()
    if model is None:
        raise Http404
    try:
        model._meta.get_field("home")
    except FieldDoesNotExist:
        raise Http404 from None
    record = get_object_or_404(model._default_manager.filter(home=request.home), pk=object_id)
    entries = selectors.history_for(content_type, record)
    # The way back: the page that linked here ({% history_url %} adds ?back=), if it is one of this home's.
    home_path = reverse("homes:dashboard", kwargs={"home_slug": request.home.slug})
    back = request.GET.get("back", "")
    if not (back.startswith(home_path) and url_has_allowed_host_and_scheme(back, allowed_hosts=None)):
        back = home_path
    return render(
        request,
        "homes/history.html",
        {"record": record, "entries": entries, "model_name": model._meta.verbose_name, "back": back},
    )
