from django.shortcuts import render

from homes.decorators import home_permission
from homes.fragments import deferred
from residents.family_home import sections_for
from residents.selectors.family import links_for_family


@home_permission("family.portal")
def family(request, home_slug):
    """A relative's home for each person they are linked to: what the feature
    apps show about them (residents.family_home), in a fixed number of queries."""

    def make():
        links = list(links_for_family(request.membership))
        per_person, shared = sections_for(request, [link.resident for link in links])
        for link in links:
            link.sections = per_person.get(link.resident_id, [])
        return {"links": links, "shared_sections": shared}

    # Made only when the page is rendered, not when it is served from the cache
    # (what is on today and what is late: a fragment lasts five minutes at most).
    return render(request, "residents/family.html", deferred(make, "links", "shared_sections"))
