"""The public "Volunteer with us" pages (no sign-in): a home's own page and
an organisation's page for several homes, each with its thank-you page.

Each page finds its home (or homes) by slug and opens their scope, as the
public visiting page does. Spam is kept out without a puzzle: a hidden box
only robots fill in (they get the usual thank-you; nothing is saved), and a
limit on applications from one address (``VOLUNTEER_APPLY_RATE``, counted in
the cache by django-ratelimit), over which the person is given the home's
phone number instead.
"""

from django.shortcuts import redirect, render

from carehome.errors import DomainError
from carehome.throttles import VOLUNTEER_APPLY, client_address
from homes.scoping import home_scope
from homes.submissions import AlreadySaved
from volunteers.forms.public import ApplicationForm, OrganisationApplicationForm
from volunteers.rules import settings_for
from volunteers.selectors import public as selectors
from volunteers.services import public as services


def _over_the_limit(request):
    """Count this post; True once the address has sent more than the limit.
    If the cache cannot be reached, the application is taken rather than lost."""
    return VOLUNTEER_APPLY.over(request, client_address(request))


def _too_many(request, homes, **context):
    return render(
        request,
        "volunteers/public/too_many.html",
        {"homes": homes, "home": homes[0] if len(homes) == 1 else None, **context},
        status=429,
    )


# --- A home's own page ---------------------------------------------------------------------


def apply(request, slug):
    home = selectors.public_home(slug)
    with home_scope(home):
        return _apply(request, home)


def _apply(request, home):
    volunteering = settings_for(home)
    context = {"home": home, "volunteering": volunteering, "form": None}
    if not volunteering.recruiting:
        return render(request, "volunteers/public/apply.html", context)
    posted = request.method == "POST"
    if posted and _over_the_limit(request):
        return _too_many(request, [home])
    form = ApplicationForm(
        request.POST if posted else None, roles=selectors.roles_offered(home), nations=[home.nation]
    )
    if posted:
        if form.honeypot_filled():
            return redirect("volunteer_with_us:thanks", slug=home.slug)
        if form.is_valid():
            try:
                services.volunteer_apply(
                    home=home, form_token=form.cleaned_data.get("form_token"), **form.volunteer_data()
                )
            except AlreadySaved:
                return redirect("volunteer_with_us:thanks", slug=home.slug)
            except DomainError as error:
                error.add_to_form(form)
            else:
                return redirect("volunteer_with_us:thanks", slug=home.slug)
    return render(request, "volunteers/public/apply.html", {**context, "form": form})


def thanks(request, slug):
    home = selectors.public_home(slug)
    return render(request, "volunteers/public/thanks.html", {"home": home, "homes": [home]})


# --- An organisation's page ------------------------------------------------------------------


def organisation(request, slug):
    organisation = selectors.public_organisation(slug)
    homes = selectors.recruiting_homes(organisation)
    context = {"organisation": organisation, "homes": homes, "form": None}
    if not homes:
        return render(request, "volunteers/public/organisation.html", context)
    with home_scope(*homes):
        return _organisation(request, organisation, homes, context)


def _organisation(request, organisation, homes, context):
    posted = request.method == "POST"
    if posted and _over_the_limit(request):
        return _too_many(request, homes, organisation=organisation)
    form = OrganisationApplicationForm(request.POST if posted else None, homes=homes)
    if posted:
        if form.honeypot_filled():
            return redirect("volunteer_with_us:organisation_thanks", slug=organisation.slug)
        if form.is_valid():
            data = form.volunteer_data()
            try:
                services.volunteer_apply_through(
                    organisation=organisation,
                    homes=form.cleaned_data["homes"],
                    form_token=form.cleaned_data.get("form_token"),
                    **data,
                )
            except AlreadySaved:
                return redirect("volunteer_with_us:organisation_thanks", slug=organisation.slug)
            except DomainError as error:
                error.add_to_form(form)
            else:
                return redirect("volunteer_with_us:organisation_thanks", slug=organisation.slug)
    return render(request, "volunteers/public/organisation.html", {**context, "form": form})


def organisation_thanks(request, slug):
    organisation = selectors.public_organisation(slug)
    return render(
        request,
        "volunteers/public/thanks.html",
        {"organisation": organisation, "homes": selectors.recruiting_homes(organisation)},
    )
