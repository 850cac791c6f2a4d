"""Every page fits every screen, for every role: no sideways scrolling at
390 px (a phone), 810 px (a tablet), 1280 and 1440 px (laptops), the top bar
whole (Sign out on the screen or behind the menu button), and no axe-core
violation at 390 and 1280 px.

One browser page per role walks every GET page that role may see (the URL
sweep, tests/urls_sweep.py, plus the pages outside a home) and resizes the
window in place, so the whole sweep stays fast. Every failure is collected
and reported together at the end.

The roles are swept by three test files (test_widths_*.py), ROLE_GROUPS here,
so that the test processes (make test: each file in one) share the sweeps,
a few minutes each.
"""

import os

import pytest
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from accounts.tests.factories import PASSWORD, UserFactory
from community.tests.factories import CommunitySettingsFactory
from homes.models import Home, Organisation, Role
from homes.tests.factories import HomeFactory, InvitationFactory, MembershipFactory, OrganisationFactory
from tests.e2e.conftest import SCREENSHOTS, format_violations, run_axe
from tests.urls_sweep import home_urls, may_see, object_kwargs
from volunteers.tests.factories import AssignmentFactory, cleared_volunteer

WIDTHS = [390, 810, 1280, 1440]
AXE_WIDTHS = {390, 1280}
HEIGHT = 900
ROLES = ["manager", "champion", "staff", "family", "volunteer", "connector", "several_homes"]
# One test file each, of about the same length (the manager's and several homes' are the longest).
ROLE_GROUPS = {
    "managers": ["manager", "staff"],
    "several_homes": ["several_homes", "family"],
    "others": ["champion", "volunteer", "connector"],
}
OUTSIDE_A_HOME = ["account", "choose_home", "password_change", "two_step", "signed_in_sessions"]
# Pages looked at by a person after the run (test-artifacts/screenshots/widths-*.png).
SCREENSHOT_PAGES = {
    "homes:dashboard",
    "volunteers:board",
    "volunteers:volunteer_detail",
    "volunteers:match_resident",
    "volunteers:rota",
    "volunteers:training",
    "volunteers:drivers",
    "volunteers:portal",
    "volunteer_with_us:apply",
    "residents:family",
    "visits:book",
    "homes:members",
    "notifications:outbox",
    "evaluation:dashboard",
    "evaluation:detail",
    "organisation:dashboard",
}

MEASURE = """() => {
  const doc = document.documentElement;
  const wide = [];
  if (doc.scrollWidth > window.innerWidth) {
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.right > window.innerWidth + 1 && box.width > 0) {
        const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
          + (el.classList.length ? '.' + [...el.classList].join('.') : '');
        wide.push(name + ' (' + Math.round(box.right) + 'px)');
        if (wide.length >= 4) break;
      }
    }
  }
  let bar = 'ok';
  const toggler = document.querySelector('.navbar-toggler');
  const signOut = [...document.querySelectorAll(".site-header button")]
    .find(b => b.textContent.trim() === "Sign out");
  if (signOut && !(toggler && toggler.offsetParent !== null)) {
    const box = signOut.getBoundingClientRect();
    if (box.width === 0 || box.right > window.innerWidth || box.bottom > 160) {
      bar = 'Sign out is not on the screen (right ' + Math.round(box.right) + 'px, bottom '
        + Math.round(box.bottom) + 'px) and there is no menu button';
    }
  }
  return {scroll: doc.scrollWidth, inner: window.innerWidth, wide, bar};
}"""


@pytest.fixture
def width_world(world):
    invitations = {True: InvitationFactory(home=world.home), False: InvitationFactory(home=world.other_home)}
    world.invitation = lambda own: invitations[own]
    # Someone with several homes, an organisation admin and a site admin: the widest top bar.
    user = UserFactory(full_name="Bartholomew Fitzgerald-Okonkwo", is_staff=True, is_superuser=True)
    MembershipFactory(user=user, home=world.home, role=Role.ORG_ADMIN)
    MembershipFactory(user=user, home=world.other_home, role=Role.MANAGER)
    for name in ["Willowbrook Gardens Care Centre", "St Catherine's Nursing Home"]:
        MembershipFactory(user=user, home=HomeFactory(name=name), role=Role.STAFF)
    world.several_homes = user
    # The home shares its outcome figures with the connector charity it works with, so its
    # connector sees the figures and the charity's table of homes.
    Home.objects.filter(pk=world.home.pk).update(shares_outcomes=True)
    world.charity = OrganisationFactory(name="Linking Lives", kind=Organisation.Kind.CONNECTOR)
    CommunitySettingsFactory(home=world.home).directories.add(world.charity)
    # The world's volunteer has their volunteer record, cleared and visiting a resident, so the
    # portal's pages show what a volunteer really sees.
    volunteer = cleared_volunteer(world.home, user=world.volunteer.user, full_name="Beryl Hutchins")
    AssignmentFactory(volunteer=volunteer, resident=world.resident, role=volunteer.roles.get())
    return world


def pages_for(role, w):
    """[(url name, path)] of every GET page ``role`` may see (``KITH_WIDTHS_ONLY=volunteers:``
    narrows the sweep to the pages whose names start so, while working on them)."""
    as_role = "manager" if role == "several_homes" else role  # an org admin holds every manager permission
    only = os.environ.get("KITH_WIDTHS_ONLY", "")
    pages = []
    for name, (_route, extra) in sorted(home_urls().items()):
        if not name.startswith(only):
            continue
        kwargs = {"home_slug": w.home.slug}
        if extra:
            kwargs.update(object_kwargs()[name](w, True))
        url = reverse(name, kwargs=kwargs)
        if may_see(name, url, as_role) or (role == "several_homes" and may_see(name, url, "org_admin")):
            pages.append((name, url))
    if role == "volunteer":  # the public pages, once (no sign-in needed, but they fit a phone all the same)
        org = w.home.organisation.slug
        pages += [
            ("volunteer_with_us:apply", reverse("volunteer_with_us:apply", args=[w.home.slug])),
            ("volunteer_with_us:organisation", reverse("volunteer_with_us:organisation", args=[org])),
        ]
    if as_role in ("manager", "champion") and "organisation:dashboard".startswith(only):
        # Every home of the organisation side by side (the widest table outside a home).
        org = w.home.organisation.slug
        pages.append(("organisation:dashboard", reverse("organisation:dashboard", args=[org])))
    if role == "connector":  # where the home shares its figures (the sweep's may_see assumes it does not)
        for name, args in [
            ("evaluation:dashboard", [w.home.slug]),
            ("organisation:dashboard", [w.charity.slug]),
        ]:
            if name.startswith(only):
                pages.append((name, reverse(name, args=args)))
    return pages + [(name, reverse(name)) for name in OUTSIDE_A_HOME if name.startswith(only)]


def sweep(browser, live_server, w, role):
    """Every page ``role`` may see, at every width; asserts there was no problem."""
    user = w.several_homes if role == "several_homes" else w.member(role).user
    pages = pages_for(role, w)
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": WIDTHS[0], "height": HEIGHT},
        locale="en-GB",
        timezone_id="Europe/London",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    failures = []
    try:
        page.goto("/login/")
        page.locator("#id_username").fill(user.email)
        page.locator("#id_password").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in", exact=True).click()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for name, url in pages:
            page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
            try:
                response = page.goto(url)
                status = response.status if response else None
                html = bool(response) and "text/html" in (response.headers.get("content-type") or "")
            except PlaywrightError:  # no page shown: an empty 405, or a file download
                status, html = page.request.get(url).status, False
            if status in (403, 405):
                continue  # POST only, or refused for this record (the scoping sweep checks who may see what)
            if status != 200:
                failures.append(f"{name} {url}: answered {status}")
                continue
            if not html:
                continue  # a picture or a calendar file: not a page to measure
            if not page.evaluate("() => !!document.querySelector('body > main')"):
                continue  # not a page: a picture, a calendar file or a fragment for htmx
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": HEIGHT})
                found = page.evaluate(MEASURE)
                if found["scroll"] > found["inner"]:
                    failures.append(
                        f"{name} {url} at {width}px: {found['scroll']}px wide; "
                        f"past the edge: {', '.join(found['wide']) or '?'}"
                    )
                if found["bar"] != "ok":
                    failures.append(f"{name} {url} at {width}px: {found['bar']}")
                if width in AXE_WIDTHS:
                    violations = run_axe(page)
                    if violations:
                        failures.append(f"at {width}px: " + format_violations(violations, url=url, step=name))
                    if name in SCREENSHOT_PAGES:
                        shot = f"widths-{role}-{name.replace(':', '-')}-{width}.png"
                        page.screenshot(path=str(SCREENSHOTS / shot), full_page=True)
    finally:
        context.close()
    report = SCREENSHOTS.parent / f"widths-{role}.txt"
    report.write_text("\n".join(failures) + "\n", encoding="utf-8")
    assert not failures, f"{len(failures)} problem(s) for {role} over {len(pages)} pages:\n" + "\n".join(
        failures
    )
