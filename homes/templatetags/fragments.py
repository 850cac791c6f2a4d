"""``{% homecache %}``: a part of a home's page, cached until the home's data
changes (``homes.fragments`` says how, and when nothing is cached).

    {% load fragments %}
    {% homecache "resident-list" request.GET.urlencode vary="role" %}
      … the part; its queries run only when it is rendered …
    {% endhomecache %}

The first argument names the part; the others (any values) are part of its
key, with ``vary`` ("membership", the default; "role"; or "home") for who it
may be served to and ``bucket`` (seconds) for parts that say what is on now.
Pass querysets and lazy objects to the template, so that a served part costs
no query at all.
"""

from django import template
from django.template.base import token_kwargs
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.utils.safestring import mark_safe

from homes import fragments

register = template.Library()


class HomeCacheNode(template.Node):
    def __init__(self, nodelist, name, parts, options):
        self.nodelist = nodelist
        self.name = name
        self.parts = parts
        self.options = options

    def render(self, context):
        request = context.get("request")
        if not fragments.enabled(request):
            return self.nodelist.render(context)
        key = self.key(context, request)
        if not getattr(request, "_kith_page_fetched", False):
            # The page's first part (the header, in base.html): fetch it with
            # the page's other parts in one round trip.
            request._kith_page_fetched = True
            fragments.prefetch(request, [key, *self._page_keys(context, request)])
        html = fragments.get_many([key], request).get(key)
        if html is None:
            with context.push(csrf_token=fragments.CSRF_PLACEHOLDER):
                html = fragments.for_cache(self.nodelist.render(context))
            fragments.set_many({key: html})
        # Rendered by our templates, which escaped it; only our own tokens are put in.
        return mark_safe(fragments.served(html, context.get("csrf_token", "")))  # noqa: S308

    def key(self, context, request):
        options = {k: v.resolve(context) for k, v in self.options.items()}
        return fragments.key(
            request,
            self.name.resolve(context),
            *[p.resolve(context) for p in self.parts],
            vary=options.get("vary", "membership"),
            bucket=options.get("bucket"),
        )

    def _page_keys(self, context, request):
        """The keys of the parts that open the page's blocks (a part directly
        in a block, not inside an ``{% if %}`` or a loop, is always rendered),
        worked out from the context as it is now. A part whose key turns out
        different when it is rendered (it uses a variable set on the way) is
        just fetched then: a guess costs a key, never a wrong part."""
        block_context = context.render_context.get(BLOCK_CONTEXT_KEY)
        if block_context is None:
            return []
        keys = []
        for blocks in list(block_context.blocks.values()):
            for node in blocks[-1].nodelist if blocks else ():
                if isinstance(node, HomeCacheNode) and node is not self:
                    try:
                        keys.append(node.key(context, request))
                    except Exception:  # noqa: BLE001, S112 - rendered (and raised) in its turn
                        continue
        return keys


@register.simple_tag
def panel_shown(panel):
    """``{% panel_shown panel as shown %}``, inside a dashboard panel's
    ``{% homecache %}``: makes the panel's context (so only when it is
    rendered) and lets an error in the panel's code propagate
    (``homes.dashboard.LazyPanel.shown``)."""
    return panel.shown()


@register.tag
def homecache(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% homecache %} needs a name for the part")
    name = parser.compile_filter(bits[1])
    parts, options = [], {}
    rest = bits[2:]
    while rest:
        if "=" in rest[0]:
            options.update(token_kwargs(rest[:1], parser))
            rest = rest[1:]
        else:
            parts.append(parser.compile_filter(rest.pop(0)))
    unknown = set(options) - {"vary", "bucket"}
    if unknown:
        raise template.TemplateSyntaxError(f"{{% homecache %}} does not know {', '.join(sorted(unknown))}")
    nodelist = parser.parse(("endhomecache",))
    parser.delete_first_token()
    return HomeCacheNode(nodelist, name, parts, options)
