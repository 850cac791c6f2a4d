"""Template tags of the stories area: ``{% occurrence_stories occurrence %}``
(the stories of one date) and ``{% went_well_stories home %}`` (stories of
outings that went well, shown when planning the next one). To be written by
the stories area."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def occurrence_stories(context, occurrence):
    return ""


@register.simple_tag(takes_context=True)
def went_well_stories(context, activity=None):
    return ""
