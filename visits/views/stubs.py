"""Temporary pages for routes whose area is being built; each area deletes its
own stubs as its real views land."""

from django.shortcuts import render

from homes.decorators import home_permission


def _stub(title, perm):
    @home_permission(perm)
    def view(request, home_slug):
        return render(request, "visits/stub.html", {"title": title})

    return view
