"""Dashboard panel: the home's public visiting page, to share with visitors (no queries)."""

from django.urls import reverse

from homes.dashboard import Panel, register_panel


def _context(request):
    path = reverse("visiting:info", kwargs={"slug": request.home.slug})
    return {
        "public_url": request.build_absolute_uri(path),
        "can_edit": request.membership.has_perm("visiting_info.manage"),
    }


register_panel(Panel("visiting_info", "visits/info/panel.html", "home.dashboard", _context, order=60))
