"""Invitations to meals and activities: staff invite a resident's family and
see the replies; a relative answers their own invitation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from carehome.errors import DomainError
from carehome.query import parse_ids
from homes.decorators import home_permission
from homes.submissions import AlreadySaved, already_saved
from visits.forms.events import EventForm, ReplyForm
from visits.models import EventInvitation, EventReply
from visits.selectors import events as selectors
from visits.services.events import event_cancel, event_invite, event_reply


@home_permission("events.manage")
def events(request, home_slug):
    return render(
        request,
        "visits/events/list.html",
        {
            "upcoming": selectors.events_for_home(request.home),
            "past": selectors.events_for_home(request.home, past=True, limit=20),
        },
    )


@home_permission("events.manage")
def event_add(request, home_slug):
    home = request.home
    residents = selectors.residents_to_invite(home)
    if request.method == "POST":
        form = EventForm(request.POST, residents=residents)
        if form.is_valid():
            try:
                created, skipped = event_invite(home=home, actor=request.user, **form.service_kwargs())
            except AlreadySaved as saved:
                url = reverse("visits:events", kwargs={"home_slug": home.slug})
                if saved.record is not None:
                    url = reverse(
                        "visits:event_detail", kwargs={"home_slug": home.slug, "pk": saved.record.pk}
                    )
                return already_saved(request, saved, url)
            except DomainError as error:
                error.add_to_form(form)
            else:
                invited = sum(len(r.family_links) for r in form.cleaned_data["residents"])
                text = f"Invitation sent to {invited} {'person' if invited == 1 else 'people'}."
                if skipped:
                    names = ", ".join(r.display_name for r in skipped)
                    text += f" Nobody was invited for {names}: no family with an account yet."
                messages.success(request, text)
                if len(created) == 1:
                    return redirect("visits:event_detail", home_slug=home.slug, pk=created[0].pk)
                return redirect("visits:events", home_slug=home.slug)
    else:
        chosen = [str(pk) for pk in parse_ids(request.GET.getlist("resident"))]
        form = EventForm(
            residents=residents,
            initial={"kind": EventInvitation.Kind.MEAL, "residents": chosen, "date": timezone.localdate()},
        )
    return render(request, "visits/events/add.html", {"form": form})


@home_permission("events.manage")
def event_detail(request, home_slug, pk):
    event, replies, totals = selectors.event_with_replies(request.home, pk)
    if event is None:
        raise Http404
    return render(
        request,
        "visits/events/detail.html",
        {
            "event": event,
            "replies": replies,
            "totals": totals,
            "can_cancel": event.cancelled_at is None and event.ends_at > timezone.now(),
        },
    )


@require_POST
@home_permission("events.manage")
def event_cancel_view(request, home_slug, pk):
    event = get_object_or_404(EventInvitation.objects.for_home(request.home), pk=pk)
    try:
        event_cancel(home=request.home, actor=request.user, event=event)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{event.title} is cancelled. Everyone invited is being told by email.")
    return redirect("visits:event_detail", home_slug=request.home.slug, pk=event.pk)


# Declared with a permission every member has, then checked here in the order
# "another home's record → 404, not a relative → 403, not your own → 404", so a
# manager opening another home's reply learns nothing (404), not "forbidden".
@home_permission("home.dashboard")
def event_reply_view(request, home_slug, pk):
    get_object_or_404(EventReply.objects.for_home(request.home).only("pk"), pk=pk)
    if not request.membership.has_perm("family.portal"):
        raise PermissionDenied
    reply = selectors.reply_of_member(request.home, request.membership, pk)
    if reply is None:
        raise Http404
    event = reply.event
    open_for_replies = event.cancelled_at is None and event.starts_at > timezone.now()
    if request.method == "POST" and open_for_replies:
        form = ReplyForm(request.POST)
        if form.is_valid():
            try:
                event_reply(
                    home=request.home,
                    actor=request.user,
                    membership=request.membership,
                    reply=reply,
                    **form.cleaned_data,
                )
            except DomainError as error:
                error.add_to_form(form)
            else:
                messages.success(request, _thanks(form.cleaned_data))
                return redirect("homes:dashboard", home_slug=request.home.slug)
    else:
        initial = {"note": reply.note}
        if reply.answer != EventReply.Answer.WAITING:
            initial.update(answer=reply.answer, adults=reply.adults, children=reply.children)
        else:
            initial.update(adults=1, children=0)
        form = ReplyForm(initial=initial)
    return render(
        request,
        "visits/events/reply.html",
        {"reply": reply, "event": event, "form": form, "open_for_replies": open_for_replies},
    )


def _thanks(data):
    answer = data["answer"]
    if answer == EventReply.Answer.NO:
        return "Thank you. We have told the home you can't come."
    people = f"{data['adults']} adult{'s' if data['adults'] != 1 else ''}"
    if data["children"]:
        people += f" and {data['children']} child{'ren' if data['children'] != 1 else ''}"
    if answer == EventReply.Answer.YES:
        return f"Thank you. The home knows to expect {people}."
    return f"Thank you. The home knows you might come ({people})."
