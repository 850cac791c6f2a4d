"""A resident's friends page: friendships, a buddy for someone new, residents
they might enjoy spending time with, and friends who may need support."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from carehome.errors import DomainError
from homes.decorators import home_permission
from homes.submissions import AlreadySaved, already_saved
from residents.forms.peers import BuddyForm, FriendshipForm, SupportFlagResolveForm
from residents.models import Friendship, Resident, SupportFlag
from residents.selectors import peers as selectors
from residents.services.peers import (
    friendship_end,
    friendship_record,
    peers_buddy_assign,
    support_flag_resolve,
)


def _resident(request, pk):
    return get_object_or_404(Resident.objects.for_home(request.home).select_related("key_worker"), pk=pk)


def _friends_url(request, resident):
    return reverse("residents:friends", kwargs={"home_slug": request.home.slug, "pk": resident.pk})


def _back_to_friends(request, resident):
    return redirect(_friends_url(request, resident))


@home_permission("residents.view")
def friends(request, home_slug, pk):
    resident = _resident(request, pk)
    page = selectors.friends_page(request.home, resident, today=timezone.localdate())
    can_manage = request.membership.has_perm("peers.manage")
    context = {"resident": resident, "page": page, "can_manage": can_manage}
    if can_manage:
        # Each flag's note gets its own ids, so several forms can sit on the page.
        context["flag_forms"] = [
            (flag, SupportFlagResolveForm(auto_id=f"id_flag{flag.pk}_%s")) for flag in page.flags
        ]
        if page.needs_buddy:
            context["buddy_form"] = BuddyForm(
                home=request.home, resident=resident, choices=page.buddy_choices, auto_id="id_buddy_%s"
            )
    return render(request, "residents/peers/friends.html", context)


@home_permission("peers.manage")
def friendship_add(request, home_slug, pk):
    resident = _resident(request, pk)
    _, others = selectors.others_for(request.home, resident)
    form = FriendshipForm(request.POST or None, home=request.home, resident=resident, choices=others)
    if request.method == "POST" and form.is_valid():
        other = form.cleaned_data["other"]
        try:
            friendship_record(
                home=request.home,
                actor=request.user,
                resident=resident,
                other=other,
                kind=Friendship.Kind.FRIEND,
                notes=form.cleaned_data["notes"],
                form_token=form.cleaned_data.get("form_token"),
            )
        except AlreadySaved as saved:
            return already_saved(request, saved, _friends_url(request, resident))
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request, f"{resident.short_name} and {other.short_name} are now recorded as friends."
            )
            return _back_to_friends(request, resident)
    return render(request, "residents/peers/friendship_form.html", {"resident": resident, "form": form})


@home_permission("peers.manage")
def buddy_assign(request, home_slug, pk):
    resident = _resident(request, pk)
    me, others = selectors.others_for(request.home, resident)
    form = BuddyForm(
        request.POST or None,
        home=request.home,
        resident=resident,
        choices=selectors.buddy_choices_for(me, others),
    )
    if request.method == "POST" and form.is_valid():
        buddy = form.cleaned_data["other"]
        try:
            peers_buddy_assign(
                home=request.home,
                actor=request.user,
                resident=resident,
                buddy=buddy,
                notes=form.cleaned_data["notes"],
                form_token=form.cleaned_data.get("form_token"),
            )
        except AlreadySaved as saved:
            return already_saved(request, saved, _friends_url(request, resident))
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request, f"{buddy.short_name} is now {resident.short_name}'s buddy, to help them settle in."
            )
            return _back_to_friends(request, resident)
    return render(request, "residents/peers/buddy_form.html", {"resident": resident, "form": form})


@require_POST
@home_permission("peers.manage")
def friendship_end_view(request, home_slug, pk, friendship_pk):
    resident = _resident(request, pk)
    friendship = get_object_or_404(
        Friendship.objects.for_home(request.home)
        .filter(Q(resident_a=resident) | Q(resident_b=resident))
        .select_related("resident_a", "resident_b"),
        pk=friendship_pk,
    )
    other = friendship.resident_b if friendship.resident_a_id == resident.pk else friendship.resident_a
    try:
        friendship_end(home=request.home, actor=request.user, friendship=friendship)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        what = "buddy pairing" if friendship.kind == Friendship.Kind.BUDDY else "friendship"
        messages.success(
            request,
            f"The {what} of {resident.short_name} and {other.short_name} is recorded as ended. "
            "It stays in the record below.",
        )
    return _back_to_friends(request, resident)


@home_permission("peers.manage")
def support_flag_resolve_view(request, home_slug, pk, flag_pk):
    resident = _resident(request, pk)
    flag = get_object_or_404(
        SupportFlag.objects.for_home(request.home).select_related("about", "resolved_by"),
        pk=flag_pk,
        resident=resident,
    )
    if request.method == "POST" and flag.resolved_on:
        # The page shows what was recorded instead of the form: say so and show it.
        messages.info(request, "This was already marked as supported; nothing was changed.")
        return redirect(request.path)
    form = SupportFlagResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            support_flag_resolve(
                home=request.home, actor=request.user, flag=flag, note=form.cleaned_data["note"]
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"Thank you. {resident.short_name} is marked as supported.")
            return _back_to_friends(request, resident)
    return render(
        request,
        "residents/peers/support_flag_form.html",
        {"resident": resident, "flag": flag, "form": form},
    )
