"""Every URL under /h/<home_slug>/, found from the URLconf, so pages added by
later apps are swept by the scoping tests with no extra work.

A page whose URL carries an object id must say here how to fill it, both with
a record of the home under test and with one of another home: a meta-test
fails until it does.
"""

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            name = f"{namespace}:{p.name}" if namespace else p.name
            yield name, prefix + str(p.pattern)


def home_urls():
    """(url name, route, the other kwargs it takes) for every home page."""
    found = {}
    for name, route in _walk(get_resolver().url_patterns):
        pattern = RoutePattern(route)
        kwargs = set(pattern.converters)
        if "home_slug" in kwargs:
            found[name] = (route, sorted(kwargs - {"home_slug"}))
    return found


# url name -> function(world, home_is_own) -> kwargs for the ids in the URL.
def _ct(model):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk


OBJECT_KWARGS = {
    "homes:membership_edit": lambda w, own: {"pk": (w.staff if own else w.outsider).pk},
    "homes:invitation_resend": lambda w, own: {"pk": w.invitation(own).pk},
    "homes:invitation_revoke": lambda w, own: {"pk": w.invitation(own).pk},
    "homes:space_edit": lambda w, own: {"pk": (w.space if own else w.foreign_space).pk},
    "homes:history": lambda w, own: {
        "content_type_id": _ct(w.space),
        "object_id": (w.space if own else w.foreign_space).pk,
    },
}
