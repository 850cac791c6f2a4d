"""Template tags of the stories area, for other areas' pages:

- ``{% occurrence_stories occurrence %}`` on a date's page: its stories with
  the photos allowed inside the home, and "Write the story of this day" once
  the date has started;
- ``{% went_well_stories activity %}`` when planning an activity (or with no
  activity, on the add page): up to three recent stories marked "went well",
  of the same activity or partner first, then of outings, with one allowed
  photo each, to reassure people who are anxious about going out.

Each costs a fixed number of queries (at most 4) and shows nothing to anyone
who does not plan activities (a connector charity's staff see no photos of
residents)."""

from django import template
from django.template.loader import render_to_string
from django.utils import timezone

from community.models import Occurrence
from community.selectors import stories as selectors

register = template.Library()


def _planner(context):
    request = context.get("request")
    membership = getattr(request, "membership", None)
    if membership is None or not membership.has_perm("community.plan"):
        return None
    return request


@register.simple_tag(takes_context=True)
def occurrence_stories(context, occurrence):
    request = _planner(context)
    if request is None or occurrence is None or not occurrence.pk:
        return ""
    can_write = occurrence.starts_at <= timezone.now() and occurrence.status != Occurrence.Status.CANCELLED
    return render_to_string(
        "community/stories/_occurrence_stories.html",
        {
            "home": request.home,
            "occurrence": occurrence,
            "stories": selectors.stories_of_occurrence(request.home, occurrence),
            "can_write": can_write,
        },
        request=request,
    )


@register.simple_tag(takes_context=True)
def went_well_stories(context, activity=None):
    request = _planner(context)
    if request is None:
        return ""
    stories = selectors.went_well(request.home, activity)
    if not stories:
        return ""
    outings = activity is None or not getattr(activity, "pk", None) or activity.is_outing
    return render_to_string(
        "community/stories/_went_well.html",
        {"home": request.home, "stories": stories, "outings": outings},
        request=request,
    )
