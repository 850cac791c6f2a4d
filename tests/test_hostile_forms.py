"""Hostile input on every form: no server error, and a message a person can see.

Every named URL whose view takes a POST is found from the URLconf (the URL
sweep's OBJECT_KWARGS fill the ids). As a role allowed to use it, the test
fetches the page that carries the form, reads the form's fields from the HTML,
and posts, through the test client, values drawn by hypothesis from a hostile
strategy (year 1 and 9999, non-ASCII digits, NUL, zero-width text, control
characters, 200,000 characters, huge and negative numbers, injection strings,
empty strings) into one or two fields, with valid values in the others.

Each response must:

* not be a server error (the client is made with ``raise_request_exception=False``
  so a 500 is recorded, not raised), and log no exception;
* when the form comes back (200; 400, or 429 after too many tries) with errors,
  show every error message next to its field or in the error summary at the top.

Forms outside a home are posted by whoever uses them (``_other_page``): the
two-step verification pages by a manager signed in with her password only,
whose session opens nothing else until she gives her code (or sets it up).
tests/test_hostile_two_step.py posts to them at more length: nothing saved,
the lockout after wrong codes, and her own code still working afterwards.

Every failure of every form is collected (hypothesis does not stop at the
first) and reported per form: URL, field, value, status and the first line of
the error. Run alone with ``pytest -m hostile -s`` for the full report.
"""

import html
import inspect
import logging
import os
import re
import traceback
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django import forms as django_forms
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts import two_step
from homes.services import invitation_token
from homes.tests.factories import InvitationFactory
from notifications.tokens import make_token
from tests.html import text_of
from tests.urls_sweep import home_urls, may_see, object_kwargs
from volunteers.tests.factories import cleared_volunteer

pytestmark = pytest.mark.hostile

# Examples per form (each one HTTP post, derandomized so CI is repeatable):
# 100 by default (about 12,000 posts over some 120 forms, ~7 minutes here, which keeps CI under
# 30 minutes); HOSTILE_EXAMPLES=25 while working, HOSTILE_EXAMPLES=1000 for a deep run.
EXAMPLES_PER_FORM = int(os.environ.get("HOSTILE_EXAMPLES", "100"))

# Who uses a home page's forms: the first of these the page's permission allows.
ROLE_ORDER = ["manager", "champion", "family", "volunteer"]

# Named POST URLs outside /h/<home>/: who posts to them.
OTHER_FORMS = ["login", "password_reset", "password_reset_confirm", "account", "password_change"]
OTHER_FORMS += ["message_preferences", "stop_messages", "accept_invitation", "signed_in_sessions"]
# Two-step verification, as a manager who has not given a code yet (see _other_page).
OTHER_FORMS += ["two_step_verify", "two_step"]

# Pages whose form shows only after a first step (a query string picks it).
PAGE_QUERY = {
    "residents:connection_add": lambda w: f"?residents={w.resident.pk}&step=details",
}

# Fields left alone: the CSRF token (the test client does not check it; CSRF is
# tested on its own).
NOT_FUZZED = {"csrfmiddlewaretoken"}

# Named URLs not swept here, and why.
NOT_SWEPT = {
    "logout": "signs the person out; nothing to type",
}

LONG = "x" * 200_000
HOSTILE_VALUES = [
    "0001-01-01",
    "9999-12-31",
    "0000-00-00",
    "2026-02-30",
    "١٢",
    "١٢:٠٠",
    "٢٠٢٦-٠١-٠١",
    "²²²²²²",  # counts as digits to str.isdigit(), yet int() refuses it
    "①②",
    "\x00",
    "a\x00b",
    "\u200b\u200d\ufeff",
    "\x1b[31m",
    "\x07",
    "",
    " ",
    LONG,
    "-1",
    "-99999999999999999999",
    "99999999999999999999",
    "2147483648",
    "1e309",
    "NaN",
    "' OR 1=1 --",
    "Robert'); DROP TABLE residents_resident;--",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}{% debug %}",
    "24:00",
    "99:99",
]

NO_SURROGATES = st.characters(exclude_categories=("Cs",))
HOSTILE = st.one_of(
    st.sampled_from(HOSTILE_VALUES),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(alphabet=NO_SURROGATES, max_size=12),
)


# --- Reading forms out of a page -------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # input type, "select", "select-multiple" or "textarea"
    values: list = field(default_factory=list)  # what the page would send as it is
    options: list = field(default_factory=list)  # for selects and radios


@dataclass
class Form:
    action: str
    fields: dict = field(default_factory=dict)
    submits: list = field(default_factory=list)  # (name, value) of named submit buttons


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = None
        self._select = None
        self._option = None
        self._textarea = None

    def _field(self, name, kind):
        return self._form.fields.setdefault(name, Field(name, kind))

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                self._form = Form(action=a.get("action") or "")
                self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "image", "button", "reset"):
                self._form.submits.append((name, a.get("value", "")))
                return
            f = self._field(name, kind)
            value = a.get("value", "on" if kind in ("checkbox", "radio") else "")
            if kind in ("checkbox", "radio"):
                f.options.append(value)
                if "checked" in a:
                    f.values.append(value)
            elif kind != "file":
                f.values.append(value)
        elif tag == "button" and name and (a.get("type") or "submit") == "submit":
            self._form.submits.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = self._field(name, "select-multiple" if "multiple" in a else "select")
        elif tag == "option" and self._select is not None:
            self._option = a
            value = a.get("value")
            self._option_text = ""
            if value is not None:
                self._add_option(value, a)
        elif tag == "textarea" and name:
            self._textarea = self._field(name, "textarea")
            self._textarea.values.append("")

    def _add_option(self, value, attrs):
        self._select.options.append(value)
        if "selected" in attrs:
            self._select.values.append(value)
        self._option = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.values[-1] += data
        elif self._option is not None:
            self._option_text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "option" and self._option is not None:
            self._add_option(self._option_text.strip(), self._option)
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def post_forms(page_html):
    parser = _FormParser()
    parser.feed(page_html)
    return parser.forms


def _view_name(path):
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


# --- Valid values, so only the hostile field is wrong -----------------------------------------


def valid_value(f):
    """What a careful person would send for field ``f`` (a list: fields may repeat)."""
    soon = timezone.localdate() + timedelta(days=7)
    if f.kind in ("checkbox", "select-multiple"):
        return f.values or [o for o in f.options if o][:1]
    if f.kind in ("radio", "select"):
        chosen = f.values or [o for o in f.options if o][:1] or f.options[:1]
        return chosen[:1]
    if f.kind == "file":
        return []
    current = f.values[0].removeprefix("\n") if f.values else ""
    if current:
        return [current]
    if f.kind == "date" and ("birth" in f.name or f.name.endswith("_on")):
        # A leap year, so a week from 22 February in a leap year (29 February) has a birthday too.
        day = timezone.localdate() if "birth" not in f.name else soon.replace(year=1952)
        return [day.isoformat()]
    return [
        {
            "email": "hostile.test@example.org",
            "date": soon.isoformat(),
            "time": "10:00",
            "datetime-local": f"{soon.isoformat()}T10:00",
            "number": "1",
            "tel": "07700 900123",
            "url": "https://example.org/",
            "password": "kith-Hostile-2026!",
        }.get(f.kind, "Hello")
    ]


def baseline(form):
    data = {name: valid_value(f) for name, f in form.fields.items()}
    data = {name: value for name, value in data.items() if value}
    if form.submits:
        name, value = form.submits[0]
        data.setdefault(name, [value])
    return data


# --- Checking one response ------------------------------------------------------------------


class _Exceptions(logging.Handler):
    """Keeps every log record that carries an exception (or is an error)."""

    EXPECTED = (PermissionDenied, Http404)

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records = []

    def emit(self, record):
        info = record.exc_info
        if info and isinstance(info[1], self.EXPECTED):
            return
        if info or record.levelno >= logging.ERROR:
            self.records.append(record)


def _first_line(exc):
    line = f"{type(exc).__name__}: {exc}".splitlines()[0] if str(exc) else type(exc).__name__
    here = str(settings.BASE_DIR)
    frames = [
        fr
        for fr in traceback.extract_tb(exc.__traceback__)
        if fr.filename.startswith(here) and "/.venv/" not in fr.filename
    ]
    where = " → ".join(f"{Path(fr.filename).relative_to(here)}:{fr.lineno}" for fr in frames[-2:])
    where = f" at {where}" if where else ""
    return line[:300] + where


def _forms_in_context(response):
    found = []
    for context in response.context or []:
        for value in context.flatten().values() if hasattr(context, "flatten") else []:
            candidates = value if isinstance(value, (list, tuple)) else [value]
            for candidate in candidates:
                if isinstance(candidate, (django_forms.BaseForm, django_forms.BaseFormSet)):
                    found.append(candidate)
    unique = []
    for candidate in found:
        if all(candidate is not u for u in unique):
            unique.append(candidate)
    forms = []
    for candidate in unique:
        if isinstance(candidate, django_forms.BaseFormSet):
            forms.extend(candidate.forms)
        else:
            forms.append(candidate)
    return forms


def _error_elements(page):
    """{element id: its text} for every element whose id names an error (``id_x_error``,
    ``x-error``, crispy's ``error_1_id_x``)."""
    found = {}
    for match in re.finditer(r'<(\w+)\b[^>]*\bid="([^"]*error[^"]*)"[^>]*>(.*?)</\1>', page, re.S):
        found[match.group(2)] = found.get(match.group(2), "") + " " + text_of(match.group(3))
    return found


def _shown_near(errors_by_id, bound_field):
    """The error text shown in elements whose id names the field."""
    names = {bound_field.auto_id or "", bound_field.html_name, bound_field.name} - {""}
    return " ".join(text for element_id, text in errors_by_id.items() if any(n in element_id for n in names))


def unshown_errors(response, *, forms_shown_only=False):
    """[(field, message)] for each form error the page does not show where a person would see it.
    ``forms_shown_only``: only the forms whose fields the page shows (a page that
    answers "too many tries" in place of the form has nothing to show next to)."""
    page = response.content.decode(errors="replace")
    summaries = " ".join(
        text_of(m.group(1))
        for m in re.finditer(r'<div class="alert alert-danger[^"]*"[^>]*>(.*?)</div>', page, re.S)
    )
    errorlists = " ".join(
        text_of(m) for m in re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S)
    )
    errors_by_id = _error_elements(page)
    missing = []
    for form in _forms_in_context(response):
        if not form.is_bound or not form.errors:
            continue
        if forms_shown_only and not any(f'name="{form[name].html_name}"' in page for name in form.fields):
            continue
        for name, messages in form.errors.items():
            near = ""
            if name != "__all__" and name in form.fields:
                near = _shown_near(errors_by_id, form[name]) + " " + errorlists
            for message in messages:
                words = " ".join(html.unescape(str(message)).split())
                if words not in near and words not in summaries and words not in errorlists:
                    missing.append((name, words))
    return missing


@dataclass
class Failure:
    form: str
    url: str
    fields: tuple
    values: tuple
    status: int
    error: str

    def line(self):
        shown = ", ".join(f"{f}={_short(v)}" for f, v in zip(self.fields, self.values, strict=True))
        return f"  {self.status} {shown}: {self.error}"


def _short(value):
    value = value if isinstance(value, str) else str(value)
    return repr(value if len(value) <= 40 else value[:20] + f"…({len(value)} chars)")


# A form sent back with its errors: as it is (200), refused as malformed (400) or
# after too many tries (429, the two-step code page) — each shows its messages
# next to its fields (with 400 and 429, when the page shows the form at all).
SENT_BACK = (200, 400, 429)


def check(client, url, data):
    """Post ``data``; a description of what went wrong, or '' (status, error)."""
    _, status, error = post_and_check(client, url, data)
    return status, error


def post_and_check(client, url, data, **extra):
    """Post ``data`` (``extra`` goes to the test client); (response, status, what went wrong or '')."""
    handler = _Exceptions()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        response = client.post(url, data, **extra)
    finally:
        root.removeHandler(handler)
    status = response.status_code
    if status >= 500:
        info = getattr(response, "exc_info", None)
        return response, status, _first_line(info[1]) if info else "server error"
    if handler.records:
        record = handler.records[0]
        if record.exc_info:
            return response, status, "logged " + _first_line(record.exc_info[1])
        return response, status, f"logged {record.levelname}: {record.getMessage()[:200]}"
    if status in SENT_BACK:
        missing = unshown_errors(response, forms_shown_only=status != 200)
        if missing:
            name, message = missing[0]
            return response, status, f"error not shown next to {name!r} or in the summary: {message[:120]!r}"
    return response, status, ""


# --- Finding the forms ---------------------------------------------------------------------


def _view_source(name):
    for found_name, pattern in _patterns():
        if found_name == name:
            view = getattr(pattern.callback, "view_class", None) or inspect.unwrap(pattern.callback)
            try:
                return inspect.getsource(view)
            except (OSError, TypeError):
                return ""
    return ""


def _patterns(patterns=None, namespace=None):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p.url_patterns, p.namespace or namespace)
        elif isinstance(p, URLPattern) and p.name:
            yield (f"{namespace}:{p.name}" if namespace else p.name), p


def handles_post(name):
    """Whether the view of URL ``name`` takes a POST (read from its source)."""
    source = _view_source(name)
    return any(mark in source for mark in ('"POST"', "require_POST", "def post(", "FormView", "form_valid"))


def handles_get(name):
    source = _view_source(name)
    return "require_POST" not in source


def _post_names():
    names = [n for n in home_urls() if n not in NOT_SWEPT and handles_post(n)]
    return sorted(names) + OTHER_FORMS


@pytest.fixture
def hostile_world(world):
    # The world's volunteer has their volunteer record (cleared), so their own pages carry their forms.
    cleared_volunteer(world.home, user=world.volunteer.user)
    # Aisha has two-step verification on, so her page carries the manager's reset form.
    TOTPDevice.objects.create(user=world.staff.user, name=two_step.APP_NAME, confirmed=True)
    InvitationFactory(home=world.home)
    invitations = {True: InvitationFactory(home=world.home), False: InvitationFactory(home=world.other_home)}
    world.invitation = lambda own: invitations[own]
    return world


def _client(who=None):
    client = Client(raise_request_exception=False)
    if who is not None:
        client.force_login(getattr(who, "user", who), backend="django.contrib.auth.backends.ModelBackend")
    return client


def _home_url(name, w):
    kwargs = {"home_slug": w.home.slug}
    if home_urls()[name][1]:
        kwargs.update(object_kwargs()[name](w, True))
    return reverse(name, kwargs=kwargs)


def _other_page(name, w):
    """(client, page url) for a form outside a home."""
    user = w.relative.user
    if name == "password_reset_confirm":
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        return _client(), reverse(name, args=[uid, default_token_generator.make_token(user)])
    if name == "accept_invitation":
        return _client(), reverse(name, args=[invitation_token(w.invitation(True))])
    if name == "stop_messages":
        return _client(), reverse(name, args=[make_token(user_id=user.pk)])
    if name in ("login", "password_reset"):
        return _client(), reverse(name)
    if name == "signed_in_sessions":
        _client(w.relative)  # signed in on another device too: its session can be ended
    if name in ("two_step_verify", "two_step"):
        return manager_before_the_code(w, set_up=name == "two_step_verify"), reverse(name)
    return _client(w.relative), reverse(name)


def manager_before_the_code(w, *, set_up):
    """A client signed in with the password as Ruth, the manager, whose session
    opens nothing but a two-step page: the code page (``set_up``: her app and
    recovery codes are set up) or, her days to set it up over, the set-up page."""
    user = w.manager.user
    if set_up:
        TOTPDevice.objects.create(user=user, name=two_step.APP_NAME, confirmed=True)
        two_step.recovery_codes_new(user=user)
    else:
        user.two_step_due = timezone.localdate() - timedelta(days=1)
        user.save(update_fields=["two_step_due"])
    client = _client(w.manager)
    assert two_step.state_of(client) == (two_step.VERIFY if set_up else two_step.ENROL)
    return client


def find_forms(name, w):
    """(label, client, [(action, Form)]) for the forms that post to URL ``name``."""
    if name in home_urls():
        page = _home_url(name, w) + (PAGE_QUERY[name](w) if name in PAGE_QUERY else "")
        role = next((r for r in ROLE_ORDER if may_see(name, page.split("?")[0], r)), None)
        if role is None:
            return f"{name} (no role may use it)", None, []
        client = _client(w.member(role))
        label = f"{name} as {role}"
        area = name.split(":")[0]

        def pages_of_area():
            # An action (POST only) is posted from a form on another page of its area.
            yield page
            for other in home_urls():
                if other != name and other.split(":")[0] == area and handles_get(other):
                    url = _home_url(other, w)
                    if may_see(other, url, role):
                        yield url

        pages = pages_of_area()
    else:
        client, page = _other_page(name, w)
        label, pages = name, [page]
    found = []
    for where in pages:
        response = client.get(where, follow=True)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        here = response.request["PATH_INFO"]
        for form in post_forms(response.content.decode(errors="replace")):
            action = form.action or here
            action = action if action.startswith("/") else here
            if _view_name(action.split("?")[0]) == name:
                found.append((action, form))
        if found:
            break
    # One of each shape (the same form repeated for each row of a list is tried once).
    shapes = {}
    for action, form in found:
        shapes.setdefault(tuple(sorted(form.fields)), (action, form))
    return label, client, list(shapes.values())


# --- The test ---------------------------------------------------------------------------------

REPORT = {}


@pytest.fixture(scope="module")
def hostile_report(request):
    yield REPORT
    if not REPORT:
        return
    lines = ["", "Hostile input: forms that still fail", "=" * 40]
    for label, failures in sorted(REPORT.items()):
        lines.append(f"{label} — POST {failures[0].url}")
        lines.extend(f.line() for f in failures)
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            for line in lines:
                reporter.write_line(line)


def _same(error, other):
    return re.sub(r"\d+", "N", error)[:80] == re.sub(r"\d+", "N", other)[:80]


def fuzz(label, client, action, form):
    """Run hypothesis over one form; every distinct failure found."""
    names = sorted(set(form.fields) - NOT_FUZZED) or ["hostile"]  # no fields: post a stray one
    failures = {}
    base = baseline(form)
    valid = {}  # what the form does with valid input only, found on the first failure
    attack = st.lists(
        st.tuples(st.sampled_from(names), HOSTILE), min_size=1, max_size=3, unique_by=lambda t: t[0]
    )

    def post(pairs):
        data = dict(base)
        for name, value in pairs:
            data[name] = [value]
        return check(client, action, data)

    def record(pairs, status, error):
        fields, values = tuple(n for n, _ in pairs), tuple(v for _, v in pairs)
        key = (fields if len(fields) == 1 else None, status, re.sub(r"\d+", "N", error)[:80])
        seen = failures.get(key)
        if seen is None or len(repr(values)) < len(repr(seen.values)):
            failures[key] = Failure(label, action, fields, values, status, error)

    @hypothesis_settings(
        max_examples=EXAMPLES_PER_FORM,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(attack)
    def run(pairs):
        status, error = post(pairs)
        if not error:
            return
        if not valid:
            valid["result"] = check(client, action, base)
            if valid["result"][1]:
                record([("(valid input)", "")], *valid["result"])
        if valid["result"][1] and _same(error, valid["result"][1]):
            return  # it fails whatever is typed: reported once, above
        # Several fields were hostile at once: find which of them fails on its own.
        alone = [(pair, post([pair])) for pair in pairs] if len(pairs) > 1 else [(pairs[0], (status, error))]
        culprits = [(pair, result) for pair, result in alone if result[1]]
        for pair, (one_status, one_error) in culprits:
            record([pair], one_status, one_error)
        if not culprits:
            record(pairs, status, error)

    run()
    return list(failures.values())


@pytest.mark.parametrize("name", _post_names())
def test_hostile_input_is_refused_politely(hostile_world, name, hostile_report):
    label, client, forms = find_forms(name, hostile_world)
    if not forms:
        pytest.skip(f"{label}: no form on the page posts here (an action without fields, or a GET page)")
    failures = []
    for action, form in forms:
        failures += fuzz(label, client, action, form)
    if failures:
        hostile_report[label] = failures
    report = "\n".join(f.line() for f in failures)
    assert not failures, f"{label} — POST {forms[0][0]}\n{report}"
