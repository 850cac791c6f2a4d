"""Temporary pages for routes whose area is being built; each area deletes its
own stubs as its real views land."""

from django.shortcuts import render

from homes.decorators import home_permission


def _stub(title, perm):
    @home_permission(perm)
    def view(request, home_slug):
        return render(request, "visits/stub.html", {"title": title})

    return view


day = _stub("Visits today", "visits.view")
book = _stub("Book a visit", "visits.book_own")
my_visits = _stub("My visits", "visits.book_own")
