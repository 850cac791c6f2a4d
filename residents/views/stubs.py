"""Temporary pages for routes whose area is being built. Each area deletes its
stubs as its real views land (and this file goes when the last one does)."""

from django.shortcuts import get_object_or_404, render

from homes.decorators import home_permission
from residents.models import Resident


def _stub(title, perm):
    @home_permission(perm)
    def view(request, home_slug):
        return render(request, "residents/stub.html", {"title": title})

    return view


def _resident_stub(title, perm):
    @home_permission(perm)
    def view(request, home_slug, pk):
        resident = get_object_or_404(Resident.objects.for_home(request.home), pk=pk)
        return render(request, "residents/stub.html", {"title": title, "resident": resident})

    return view


worklist = _stub("Who needs connection", "connections.log")
connection_add = _stub("Log a connection", "connections.log")
coproduction_list = _stub("Co-production", "coproduction.manage")
detail = _resident_stub("Resident", "residents.view")
plan = _resident_stub("Personal plan", "residents.view")
timeline = _resident_stub("Connections", "residents.view")
wellbeing = _resident_stub("Wellbeing", "residents.view")
friends = _resident_stub("Friends", "residents.view")
