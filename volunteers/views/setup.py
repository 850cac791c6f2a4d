"""Roles and settings: what volunteers do here and what each role needs of
them first, and how the home recruits and checks volunteers."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from carehome.errors import DomainError
from carehome.versions import EditConflict, show_conflict
from homes.decorators import home_permission
from homes.submissions import AlreadySaved, already_saved
from volunteers.forms.setup import RoleForm, SettingsForm
from volunteers.selectors import setup as selectors
from volunteers.services import setup as services


def _setup_url(request):
    return reverse("volunteers:setup", kwargs={"home_slug": request.home.slug})


@home_permission("volunteers.manage")
def setup(request, home_slug):
    home = request.home
    roles = list(selectors.roles_for_setup(home))
    for role in roles:
        role.needs_words = selectors.role_needs(role, home.nation)
    saved, charities = selectors.settings_for_page(home)
    return render(
        request,
        "volunteers/setup/setup.html",
        {
            "roles": roles,
            "settings": saved,
            "charities": charities,
            "public_url": selectors.public_page_url(home),
            "starter_roles": [name for name, *_ in services.STARTER_ROLES],
        },
    )


@require_POST
@home_permission("volunteers.manage")
def roles_starter(request, home_slug):
    try:
        roles = services.roles_starter_set(home=request.home, actor=request.user)
    except DomainError as error:
        messages.info(request, error.message)
    else:
        names = ", ".join(r.name for r in roles[:-1]) + f" and {roles[-1].name}"
        messages.success(request, f"{names} were added. Change them to suit the home.")
    return redirect(_setup_url(request))


def _render_role(request, form, role):
    return render(request, "volunteers/setup/role_form.html", {"form": form, "role": role})


@home_permission("volunteers.manage")
def role_add(request, home_slug):
    form = RoleForm(request.POST or None, in_scotland=request.home.in_scotland)
    if request.method == "POST" and form.is_valid():
        try:
            role = services.role_create(
                home=request.home,
                actor=request.user,
                form_token=form.cleaned_data.get("form_token"),
                **form.service_data(),
            )
        except AlreadySaved as saved:
            return already_saved(request, saved, _setup_url(request))
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"The role “{role.name}” was added.")
            return redirect(_setup_url(request))
    return _render_role(request, form, None)


@home_permission("volunteers.manage")
def role_edit(request, home_slug, pk):
    role = selectors.role_for_page(request.home, pk)
    if role is None:
        raise Http404("No such role at this home.")
    form = RoleForm(
        request.POST or None,
        editing=True,
        in_scotland=request.home.in_scotland,
        initial=RoleForm.initial_for(role),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.role_update(
                home=request.home,
                actor=request.user,
                role=role,
                version=form.cleaned_data.get("version"),
                **form.service_data(),
            )
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"The role “{saved.name}” was saved.")
            return redirect(_setup_url(request))
    return _render_role(request, form, role)


@home_permission("volunteers.manage")
def settings_edit(request, home_slug):
    home = request.home
    saved, charities = selectors.settings_for_page(home)
    can_set_nation = request.membership.has_perm("home.settings")
    initial = {
        "recruiting": saved.recruiting,
        "welcome": saved.welcome,
        "dbs_recheck_months": saved.dbs_recheck_months,
        "licence_check_months": saved.licence_check_months,
        "nation": home.nation,
        "recruit_through": charities,
        "version": saved.version if saved.pk else 0,
    }
    form = SettingsForm(request.POST or None, can_set_nation=can_set_nation, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.volunteer_settings_update(
                home=home, actor=request.user, version=form.cleaned_data.get("version"), **form.service_data()
            )
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, "The volunteering settings were saved.")
            return redirect(_setup_url(request))
    return render(
        request,
        "volunteers/setup/settings_form.html",
        {"form": form, "can_set_nation": can_set_nation},
    )
