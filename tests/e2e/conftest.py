"""The browser-test harness: headless Chromium driven by Playwright (sync API),
pages served by pytest-django's ``live_server``, axe-core on every page.

Fixtures a journey uses:

``journey``      the page plus the helpers below, bound to one test
``page``         a fresh page in a fresh browser context (one per test)
``visit``        ``visit(path, step, status=200)``: open a page, check it
``check_a11y``   ``check_a11y(page, step="")``: run axe-core, fail on any violation
``viewport``     the context's window size; parametrize it to change device

Every page a journey reaches through ``journey.visit``, ``journey.click`` or
``journey.submit`` gets the same checks (``journey.after_navigation``): the
HTTP status is the expected one, the browser reported no console errors and
no uncaught exceptions (a Content-Security-Policy refusal is a console error),
axe-core finds no violation, and a full-page screenshot is saved to
``test-artifacts/screenshots/<journey>-<nn>-<step>.png``.

Set ``KITH_E2E_AXE=report`` to let a journey carry on past accessibility
violations and fail at the end with all of them listed (useful when auditing
pages); the default fails at the first page with a violation.
"""

import os

# The Playwright sync API keeps an asyncio event loop in this thread, which
# Django's ORM would otherwise refuse to run beside. Set before any test
# touches the database.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import contextlib  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

import axe_playwright_python  # noqa: E402
import pytest  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from accounts.tests.factories import PASSWORD  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}

TIMEOUT_MS = 10_000
expect.set_options(timeout=5_000)


# --- Marking ----------------------------------------------------------------


def pytest_collection_modifyitems(config, items):
    """Everything under tests/e2e is an e2e test (``-m "not e2e"`` skips them)."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if call.when == "call":
        item.e2e_call_failed = report.failed
    return report


# --- Browser ----------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright_session():
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_session):
    browser = playwright_session.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def viewport():
    """The window size; a test may parametrize ``viewport`` with DESKTOP or PHONE."""
    return DESKTOP


@pytest.fixture
def context(browser, live_server, viewport):
    phone = viewport["width"] < 576
    context = browser.new_context(
        base_url=live_server.url,
        viewport=viewport,
        is_mobile=phone,
        has_touch=phone,
        locale="en-GB",
        timezone_id="Europe/London",
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    yield context
    context.close()


class BrowserLog:
    """Console errors and uncaught page errors, in the order they happened."""

    def __init__(self, page):
        self.entries = []
        self.checked = 0
        page.on("console", self._console)
        page.on("pageerror", self._pageerror)

    def _console(self, message):
        # Chromium only warns of a header it cannot read (an unknown
        # Permissions-Policy feature), but it is a mistake all the same.
        if message.type == "error" or "Error with" in message.text and "header" in message.text:
            location = message.location or {}
            self.entries.append(
                {"kind": "console error", "text": message.text, "url": location.get("url", "")}
            )

    def _pageerror(self, error):
        self.entries.append({"kind": "uncaught exception", "text": str(error), "url": ""})

    def new_problems(self, *, document_url="", status=200):
        """Entries since the last call, minus Chromium's own note that the
        document itself had an expected error status (403, 404, 410, 429)."""
        fresh = self.entries[self.checked :]
        self.checked = len(self.entries)
        expected = f"the server responded with a status of {status}"
        return [
            e for e in fresh if not (status >= 400 and e["url"] == document_url and expected in e["text"])
        ]


@pytest.fixture
def page(context):
    page = context.new_page()
    page.browser_log = BrowserLog(page)
    yield page


# --- Accessibility ----------------------------------------------------------


def format_violations(violations, *, url, step=""):
    where = f"{url} ({step})" if step else url
    lines = [f"axe-core found {len(violations)} accessibility violation(s) on {where}:"]
    for v in violations:
        lines.append(f"- {v['id']} [{v.get('impact') or 'no impact'}] {v['help']}")
        lines.append(f"    {v.get('helpUrl', '')}")
        for node in v["nodes"]:
            target = " ".join(str(t) for t in node.get("target", []))
            lines.append(f"    target: {target}")
            lines.append(f"      html: {node.get('html', '').strip()[:400]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n            ")
            if summary:
                lines.append(f"      why:  {summary}")
    return "\n".join(lines)


def run_axe(page):
    """Inject axe-core into the current document (once) and return its violations.

    ``page.evaluate`` goes through the DevTools protocol, so the app's strict
    Content-Security-Policy neither blocks it nor needs loosening for tests.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    return page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"]


@pytest.fixture
def check_a11y():
    """``check_a11y(page, step="")``: fail the test on any axe-core violation."""

    def check(page, step=""):
        violations = run_axe(page)
        if violations:
            pytest.fail(format_violations(violations, url=page.url, step=step), pytrace=False)

    return check


# --- Journeys ---------------------------------------------------------------


def _slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Journey:
    """One test's walk through the app, checking every page it reaches."""

    def __init__(self, page, live_server, name):
        self.page = page
        self.live_server = live_server
        self.name = name
        self.step_number = 0
        self.deferred_violations = []
        self.defer_a11y = os.environ.get("KITH_E2E_AXE") == "report"

    # Navigation -------------------------------------------------------------

    def url(self, path):
        return self.live_server.url + path

    def visit(self, path, step, *, status=200):
        """Open ``path`` (or a full URL) and check the page."""
        target = path if path.startswith("http") else self.url(path)
        response = self.page.goto(target)
        return self.after_navigation(response, step, status=status)

    def click(self, locator, step, *, status=200):
        """Click something that loads a new page (a link, a submit button)."""
        with self.page.expect_navigation() as navigation:
            locator.click()
        return self.after_navigation(navigation.value, step, status=status)

    submit = click

    def after_navigation(self, response, step, *, status=200):
        page = self.page
        assert response is not None, f"{step}: no response for {page.url}"
        page.wait_for_load_state("load")
        assert response.status == status, (
            f"{step}: {response.request.method} {response.url} answered {response.status}, expected {status}"
        )
        self.screenshot(step)
        self.assert_no_browser_errors(step, document_url=response.url, status=status)
        self.check_accessibility(step)
        return response

    # Checks -----------------------------------------------------------------

    def assert_no_browser_errors(self, step="", *, document_url="", status=200):
        problems = self.page.browser_log.new_problems(document_url=document_url, status=status)
        if problems:
            listed = "\n".join(f"- {p['kind']}: {p['text']}  [{p['url']}]" for p in problems)
            pytest.fail(f"The browser reported errors on {self.page.url} ({step}):\n{listed}", pytrace=False)

    def check_accessibility(self, step=""):
        violations = run_axe(self.page)
        if not violations:
            return
        report = format_violations(violations, url=self.page.url, step=step)
        if self.defer_a11y:
            self.deferred_violations.append(report)
        else:
            pytest.fail(report, pytrace=False)

    def screenshot(self, step):
        self.step_number += 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.name}-{self.step_number:02d}-{_slug(step)}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    # Common steps -----------------------------------------------------------

    def sign_in(self, who, *, password=PASSWORD, status=200):
        """Sign in through the real form; returns the response of the page landed on."""
        user = getattr(who, "user", who)
        self.visit("/login/", "sign-in page")
        self.page.locator("#id_username").fill(user.email)
        self.page.locator("#id_password").fill(password)
        return self.submit(
            self.page.get_by_role("button", name="Sign in", exact=True), "after signing in", status=status
        )

    def main_nav(self):
        """The main navigation, opened first where it sits behind the menu
        button (phones, and laptops below 1400 px)."""
        toggler = self.page.locator(".navbar-toggler")
        if toggler.is_visible() and toggler.get_attribute("aria-expanded") == "false":
            self.open_menu_if_collapsed()
        return self.page.get_by_role("navigation", name="Main")

    def open_menu_if_collapsed(self):
        """On a phone the main navigation sits behind the menu button."""
        toggler = self.page.locator(".navbar-toggler")
        if toggler.is_visible():
            expect(toggler).to_have_attribute("aria-expanded", "false")
            toggler.click()
            expect(toggler).to_have_attribute("aria-expanded", "true")
            expect(self.page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
            expect(self.page.locator("#main-nav")).to_be_visible()
            self.page.locator("#main-nav").evaluate(
                "el => Promise.all(el.getAnimations({subtree: true}).map(a => a.finished))"
            )
            expect(self.page.locator("#main-nav")).not_to_have_class(re.compile(r"\bcollapsing\b"))
            self.screenshot("menu open")
            self.assert_no_browser_errors("menu open")
            self.check_accessibility("menu open")


@pytest.fixture
def journey(request, page, live_server):
    name = _slug(request.node.name.removeprefix("test_"))
    for old in [*SCREENSHOTS.glob(f"{name}-[0-9][0-9]-*.png"), SCREENSHOTS / f"{name}-FAILED.png"]:
        old.unlink(missing_ok=True)
    walk = Journey(page, live_server, name)
    yield walk
    if getattr(request.node, "e2e_call_failed", False):
        if walk.deferred_violations:
            print("\n\n".join(walk.deferred_violations))  # shown with the failure
        with contextlib.suppress(Exception):  # a screenshot must not hide the real failure
            page.screenshot(path=str(SCREENSHOTS / f"{name}-FAILED.png"), full_page=True)
        return
    walk.assert_no_browser_errors("end of journey")
    if walk.deferred_violations:
        pytest.fail("\n\n".join(walk.deferred_violations), pytrace=False)


@pytest.fixture
def visit(journey):
    """``visit(path, step, status=200)``: open a page and run every page check."""
    return journey.visit
