"""Template tags of the outings area: ``{% outing_panel occurrence %}`` shows,
on a date's page, the outing's risk assessment, driver and confirmation (with
what is missing, in ``community.rules``' words), and links to invite
residents and families and to record attendance. Staff who plan
(``community.plan``) see it; three queries."""

from django import template
from django.template.loader import render_to_string
from django.utils import timezone

from community import rules
from community.models import Attendee, Occurrence
from community.services.outings import assessment_of

register = template.Library()


@register.simple_tag(takes_context=True)
def outing_panel(context, occurrence):
    request = context.get("request")
    membership = getattr(request, "membership", None)
    if membership is None or not membership.has_perm("community.plan"):
        return ""
    loaded = rules.for_confirming(
        Occurrence.objects.for_home(occurrence.home_id).filter(pk=occurrence.pk)
    ).first()
    if loaded is None:
        return ""
    activity = loaded.activity
    answers = {a: 0 for a in Attendee.Answer.values}
    for answer in Attendee.objects.filter(occurrence=loaded).values_list("answer", flat=True):
        answers[answer] += 1
    now = timezone.now()
    started = loaded.starts_at <= now
    live = loaded.status != Occurrence.Status.CANCELLED
    return render_to_string(
        "community/outings/_panel.html",
        {
            "home": context.get("home"),
            "occurrence": loaded,
            "activity": activity,
            "assessment": assessment_of(activity) if activity.is_outing else None,
            "blockers": rules.confirm_blockers(loaded) if live and not started else [],
            "can_confirm": live and not started and loaded.status == Occurrence.Status.PLANNED,
            "can_approve": membership.has_perm("outings.approve"),
            "invited": sum(answers.values()),
            "coming": answers[Attendee.Answer.COMING],
            "not_coming": answers[Attendee.Answer.NOT_COMING],
            "started": started,
            "live": live,
            "families": loaded.family_events.count(),
        },
        request=request,
    )
