"""Where "Community" in the navigation lands: the programme for staff, the
partners for a connector charity's staff (who do not plan activities)."""

from django.shortcuts import redirect

from homes.decorators import home_permission


@home_permission("community.view")
def community_home(request, home_slug):
    if request.membership.has_perm("community.plan"):
        return redirect("community:programme", home_slug=home_slug)
    return redirect("community:partners", home_slug=home_slug)
