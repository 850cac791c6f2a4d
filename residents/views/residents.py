from django.shortcuts import render

from homes.decorators import home_permission
from residents.selectors.residents import residents_for_member


@home_permission("residents.view")
def resident_list(request, home_slug):
    search = request.GET.get("q", "").strip()[:100]
    residents = residents_for_member(request.membership, search=search)
    return render(request, "residents/list.html", {"residents": residents, "search": search})
