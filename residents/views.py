from django.shortcuts import render

from homes.decorators import home_permission
from residents import selectors


@home_permission("residents.view")
def resident_list(request, home_slug):
    search = request.GET.get("q", "").strip()[:100]
    residents = selectors.residents_for_member(request.membership, search=search)
    return render(request, "residents/list.html", {"residents": residents, "search": search})


@home_permission("family.portal")
def family(request, home_slug):
    return render(request, "residents/family.html", {"links": selectors.links_for_family(request.membership)})
