from django.shortcuts import render

from homes.decorators import home_permission
from residents.selectors.family import links_for_family


@home_permission("family.portal")
def family(request, home_slug):
    return render(request, "residents/family.html", {"links": links_for_family(request.membership)})
