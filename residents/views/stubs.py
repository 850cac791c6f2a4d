"""Temporary pages for routes whose area is being built. Delete each stub as
its real view lands."""

from django.shortcuts import render

from homes.decorators import home_permission


def _stub(title, perm):
    @home_permission(perm)
    def view(request, home_slug):
        return render(request, "residents/stub.html", {"title": title})

    return view


worklist = _stub("Who needs connection", "connections.log")
connection_add = _stub("Log a connection", "connections.log")
coproduction_list = _stub("Co-production", "coproduction.manage")
