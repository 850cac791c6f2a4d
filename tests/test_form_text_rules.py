"""One text rule for every name and free-text box in Kith (carehome/lib/text.py):
text made only of invisible characters, and control characters (ESC, BEL,
NUL…; multi-line text keeps new lines and tabs), are refused next to the field
with a message in plain words — never saved, and a NUL never reaches
PostgreSQL (which would answer with a server error).

The walk below finds every form class in the project's apps, so a new form
that forgets the rule (``KithForm`` / ``KithModelForm``) fails here."""

import importlib
import inspect
import pkgutil
from datetime import date

import pytest
from django import forms
from django.urls import reverse

from carehome.forms import TextRulesMixin, follows_text_rule
from carehome.lib.text import CONTROL_CHARACTERS, INVISIBLE_ONLY, LINE_BREAKS, text_problem
from homes.models import Space
from residents.models import PersonWhoMatters, RelativeLink, Resident
from residents.tests.factories import CoproductionSessionFactory, IdeaFactory
from tests.html import field_error

PROJECT_APPS = [
    "accounts",
    "homes",
    "residents",
    "visits",
    "volunteers",
    "community",
    "notifications",
    "carehome",
]
ZERO_WIDTH = "\u200b\u200d"
ANSI_RED = "\x1b[31m"


def project_form_classes():
    for app in PROJECT_APPS:
        for name in (f"{app}.forms", f"{app}.views"):
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as missing:
                if missing.name != name:
                    raise
                continue
            for sub in pkgutil.iter_modules(getattr(module, "__path__", [])):
                importlib.import_module(f"{name}.{sub.name}")

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    found = {
        cls
        for cls in subclasses(forms.BaseForm)
        if cls.__module__.split(".")[0] in PROJECT_APPS
        and ".tests" not in cls.__module__
        and not (issubclass(cls, forms.ModelForm) and cls._meta.model is None)  # a base, not a form
    }
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


FORMS = project_form_classes()


def test_the_walk_finds_the_project_forms():
    names = {cls.__name__ for cls in FORMS}
    assert {"AdmitForm", "SpaceForm", "ProfileForm", "SignUpForm", "BookingForm", "QuietHoursForm"} <= names
    assert len(FORMS) > 40


@pytest.fixture
def arguments(world):
    session = CoproductionSessionFactory(home=world.home)
    return {
        "home": world.home,
        "resident": world.resident,
        "residents": Resident.objects.filter(pk=world.resident.pk),
        "membership": world.relative,
        "link": RelativeLink.objects.filter(membership=world.relative).first(),
        "email": "new.person@example.com",
        "units": [],
        "people": PersonWhoMatters.objects.none(),
        "today": date(2026, 11, 2),
        "session": session,
        "idea": IdeaFactory(home=world.home, session=session),
        "photo_allowed": True,  # the news form, with its photo field
    }


def make(form_class, arguments, data):
    needed = {
        name: arguments[name]
        for cls in form_class.__mro__
        if "__init__" in vars(cls)
        for name, parameter in inspect.signature(cls.__init__).parameters.items()
        if parameter.kind is parameter.KEYWORD_ONLY and parameter.default is parameter.empty
    }
    return form_class(data=data, **needed)


@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_every_text_field_of_every_form_follows_the_rule(form_class, arguments):
    assert issubclass(form_class, TextRulesMixin), f"make {form_class.__name__} a KithForm"
    fields = make(form_class, arguments, None).fields
    names = [name for name, field in fields.items() if follows_text_rule(field)]
    for name in names:
        form = make(form_class, arguments, {name: ANSI_RED})
        assert not form.is_valid()
        assert CONTROL_CHARACTERS in form.errors.get(name, []), (name, form.errors.get(name))

        form = make(form_class, arguments, {name: "Rose\x00"})
        form.is_valid()
        assert CONTROL_CHARACTERS in form.errors.get(name, []), (name, form.errors.get(name))

        form = make(form_class, arguments, {name: ZERO_WIDTH})
        form.is_valid()
        if form.fields[name].required:
            assert INVISIBLE_ONLY in form.errors.get(name, []), (name, form.errors.get(name))
        else:
            assert form.errors.get(name), name


def test_the_rule_in_words():
    assert text_problem("Zoë O’Brien-Nguyễn") is None
    assert text_problem("👩‍👩‍👧 family") is None  # joiners inside real text are fine
    assert text_problem("\u2060\ufeff \u200c", required=True) == INVISIBLE_ONLY
    assert text_problem("\u3164") is not None  # a Hangul filler shows nothing either
    assert text_problem("ring\x07") == CONTROL_CHARACTERS
    assert text_problem("line one\r\nline two\tand a tab", multiline=True) is None
    assert text_problem("line one\nline two") == LINE_BREAKS


# --- As people meet it -------------------------------------------------------------------


@pytest.fixture
def manager_client(world, client_for):
    return client_for(world.manager)


def test_a_resident_named_only_with_invisible_characters_is_refused(world, manager_client):
    response = manager_client.post(
        reverse("residents:admit", args=[world.home.slug]),
        {"full_name": ZERO_WIDTH, "date_of_birth": "1936-04-12", "room": "14", "admitted_on": "2026-11-02"},
    )
    assert response.status_code == 200
    assert field_error(response, "full_name") == INVISIBLE_ONLY
    assert not Resident.objects.filter(full_name__contains="\u200b").exists()


def test_a_nul_in_a_name_is_a_message_not_a_server_error(world, manager_client):
    response = manager_client.post(
        reverse("residents:edit", args=[world.home.slug, world.resident.pk]),
        {"full_name": "Margaret\x00 Baxter", "room": "3", "status": "current"},
    )
    assert response.status_code == 200
    assert field_error(response, "full_name") == CONTROL_CHARACTERS
    world.resident.refresh_from_db()
    assert world.resident.full_name == "Margaret Baxter"


def test_a_space_name_with_terminal_codes_is_refused(world, manager_client):
    before = Space.objects.filter(home=world.home).count()
    response = manager_client.post(
        reverse("homes:space_add", args=[world.home.slug]), {"name": f"{ANSI_RED}Lounge", "kind": "lounge"}
    )
    assert response.status_code == 200
    assert field_error(response, "name") == CONTROL_CHARACTERS
    assert Space.objects.filter(home=world.home).count() == before


def test_an_account_name_of_invisible_characters_is_refused(world, client_for):
    client = client_for(world.staff)
    response = client.post(reverse("account"), {"full_name": ZERO_WIDTH})
    assert response.status_code == 200
    assert field_error(response, "full_name") == INVISIBLE_ONLY
    world.staff.user.refresh_from_db()
    assert world.staff.user.full_name == "Aisha Bello"
