from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from carehome.timeutils import day_text

register = template.Library()


@register.simple_tag(takes_context=True)
def history_url(context, record):
    """The audit history page of a home's record (managers only), with the
    page it is linked from as its way back."""
    request = context["request"]
    content_type = ContentType.objects.get_for_model(record)  # cached by Django
    url = reverse(
        "homes:history",
        kwargs={
            "home_slug": request.home.slug,
            "content_type_id": content_type.pk,
            "object_id": record.pk,
        },
    )
    return f"{url}?{urlencode({'back': request.get_full_path()})}"


@register.simple_tag(takes_context=True)
def can(context, perm):
    membership = context.get("membership")
    return bool(membership and membership.has_perm(perm))


@register.filter
def minutes(value):
    """A timedelta as plain words: "15 minutes", "1 hour", "1 hour 30 minutes"."""
    total = int(value.total_seconds() // 60) if value else 0
    hours, mins = divmod(total, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if mins or not hours:
        parts.append(f"{mins} minute{'s' if mins != 1 else ''}")
    return " ".join(parts)


@register.filter
def audit_value(value):
    """A value from the change history, in plain words."""
    if value in (None, "", "None"):
        return "—"
    return {"True": "Yes", "False": "No"}.get(str(value), value)


@register.filter
def day(value, fmt="l j F"):
    """A date (or datetime) with the year when it is not this year:
    ``{{ starts|day:"D j M" }}``. See ``carehome.timeutils.day_text``."""
    return day_text(value, fmt)


@register.filter
def error_summary(form):
    """The messages for the summary at the top of a form: its non-field
    errors and the errors of its hidden fields (which have no place of their
    own on the page). Used by ``includes/form_errors.html``."""
    if not form:
        return []
    messages = list(form.non_field_errors())
    for field in form.hidden_fields():
        messages.extend(field.errors)
    return messages


@register.filter(is_safe=True)
def page_title(title, home_name=""):
    """The window title: the page's own title, then the home (unless the title
    already names it), then Kith: "People · Rowan House · Kith", "Rowan House ·
    Kith". Used once, in base.html, on the rendered (escaped) title block."""
    parts = [" ".join(str(title).split()) or "Kith"]
    home_name = conditional_escape(home_name) if home_name else ""
    if home_name and home_name not in parts[0]:
        parts.insert(0 if parts[0] == "Kith" else 1, home_name)
    if parts[-1] != "Kith":
        parts.append("Kith")
    return mark_safe(" · ".join(parts))  # noqa: S308 - the parts are escaped above or by the template
