from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def history_url(context, record):
    """The audit history page of a home's record (managers only)."""
    request = context["request"]
    content_type = ContentType.objects.get_for_model(record)  # cached by Django
    return reverse(
        "homes:history",
        kwargs={
            "home_slug": request.home.slug,
            "content_type_id": content_type.pk,
            "object_id": record.pk,
        },
    )


@register.simple_tag(takes_context=True)
def can(context, perm):
    membership = context.get("membership")
    return bool(membership and membership.has_perm(perm))
