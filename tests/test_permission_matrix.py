"""The permission matrix (issue 16): every named URL of the project, asked
by every actor of tests/permission_table.py with GET and with an empty POST,
answers what the table declares. A URL missing from the table fails, and so
does a name the table keeps after its URL has gone.

Each test is one actor: a fresh world, every URL in turn, each request in a
savepoint rolled back after it (so an allowed POST changes nothing the next
request sees), and one assertion listing every mismatch. For each page about
a record, the actors allowed on the home's own record also ask for another
home's record under the same address: always a 404.
"""

import copy
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.tests.factories import UserFactory
from community.tests.factories import (
    ActivityFactory,
    CommunitySettingsFactory,
    OccurrenceFactory,
    StoryFactory,
    StoryPhotoFactory,
    consent_all,
)
from homes.models import Role
from homes.services import invitation_token
from homes.tests.factories import MembershipFactory
from notifications.tokens import make_token
from residents.models import ConsentPurpose, RelativeLink
from residents.tests.factories import RelativeLinkFactory
from residents.tests.sweep_residents import SWEEP_PHOTO, TINY_PNG
from tests import permission_table as table
from tests.urls_sweep import _walk, home_urls, object_kwargs
from visits.services.booking import feed_create
from visits.tests.factories import VisitingInfoFactory
from volunteers.tests.factories import AssignmentFactory, VolunteerRoleFactory, cleared_volunteer
from volunteers.tests.sweep_portal import portal_assignment

# --- The world: one member for each actor -----------------------------------------------------


def _volunteer_of(home, resident, name):
    """A cleared volunteer of ``home`` (member and record) visiting ``resident``."""
    member = MembershipFactory(home=home, role=Role.VOLUNTEER, user__full_name=name)
    role = VolunteerRoleFactory(home=home, name="Befriender")
    volunteer = cleared_volunteer(home, role=role, user=member.user, full_name=name)
    AssignmentFactory(volunteer=volunteer, resident=resident, role=role)
    return member


def _relative_of(resident, name):
    member = MembershipFactory(home=resident.home, role=Role.FAMILY, user__full_name=name)
    RelativeLinkFactory(resident=resident, membership=member)
    return member


def _furnish(w):
    """What the pages need beyond the sweep's world: the relative is an approved
    regular visitor (who may see the door code) with a calendar feed; the home
    publishes its visiting information and its programme; a space has a photo."""
    RelativeLink.objects.filter(membership=w.relative).update(regular_visitor_approved_at=timezone.now())
    VisitingInfoFactory(home=w.home)
    CommunitySettingsFactory(home=w.home, publish_programme=True)
    if not default_storage.exists(SWEEP_PHOTO):
        default_storage.save(SWEEP_PHOTO, ContentFile(TINY_PNG))
    for space in (w.space, w.foreign_space):
        space.photo = SWEEP_PHOTO
        space.save(update_fields=["photo"])
    w.feed = feed_create(home=w.home, actor=w.relative.user, membership=w.relative)


def members_of(w, actor):
    """Make the world's member for ``actor`` (None for anonymous)."""
    home, other = w.home, w.other_home
    match actor:
        case "manager" | "champion" | "staff" | "family" | "connector":
            return w.member(actor)
        case "volunteer":
            portal_assignment(w)  # the world's volunteer visits Peggy
            return w.volunteer
        case "volunteer_unassigned":
            return _volunteer_of(home, w.unlinked_resident, "Una Unassigned")
        case "family_other":
            return _relative_of(w.unlinked_resident, "Otto Otherfamily")
        case "connector_shared":
            home.shares_outcomes = True
            home.save(update_fields=["shares_outcomes"])
            return w.connector
        case "org_admin":
            return MembershipFactory(home=home, role=Role.ORG_ADMIN)
        case "outsider_manager":
            return w.outsider
        case "outsider_volunteer":
            return _volunteer_of(other, w.foreign_resident, "Olly Outside")
        case "outsider_family":
            return _relative_of(w.foreign_resident, "Fay Foreign")
        case "site_admin":
            return UserFactory(is_staff=True, is_superuser=True)
        case "anonymous":
            return None
    role = actor.removeprefix("outsider_")
    return MembershipFactory(home=other, role=role)


def client_of(who):
    client = Client(raise_request_exception=False)
    if who is not None:
        user = getattr(who, "user", who)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


# --- Every named URL, filled in -------------------------------------------------------------------


def all_url_names():
    return {name for name, _ in _walk(get_resolver().url_patterns)}


def _reset_link(w, own):
    user = w.relative.user
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }


def _public_photo(w, own):
    """A photo of a story about a date on the public programme, everyone in it
    agreeing to every use (the home's slug, and its own photo or another home's)."""
    home, resident = (w.home, w.resident) if own else (w.other_home, w.foreign_resident)
    given = set(resident.consents.filter(withdrawn_at__isnull=True).values_list("purpose", flat=True))
    uses = (ConsentPurpose.PHOTOS_HOME, ConsentPurpose.PHOTOS_FAMILY, ConsentPurpose.PHOTOS_PUBLIC)
    consent_all(resident, purposes=[p for p in uses if p not in given])
    activity = ActivityFactory(home=home, on_public_programme=True)
    story = StoryFactory(home=home, occurrence=OccurrenceFactory(activity=activity))
    return {"slug": w.home.slug, "pk": StoryPhotoFactory(story=story, residents=[resident]).pk}


# How to fill the ids of the URLs outside /h/<home>/ (``own``: a record of the
# world's home, or, where the URL names one, of the other home).
OTHER_KWARGS = {
    "password_reset_confirm": _reset_link,
    "accept_invitation": lambda w, own: {"token": invitation_token(w.invitation(True))},
    "stop_messages": lambda w, own: {"token": make_token(user_id=w.relative.user.pk)},
    "visiting:info": lambda w, own: {"slug": w.home.slug},
    "visiting:info_print": lambda w, own: {"slug": w.home.slug},
    "visiting:space_photo": lambda w, own: {
        "slug": w.home.slug,
        "pk": (w.space if own else w.foreign_space).pk,
    },
    "visiting:calendar_feed": lambda w, own: {"token": w.feed.token},
    "volunteer_with_us:organisation": lambda w, own: {"slug": w.home.organisation.slug},
    "volunteer_with_us:organisation_thanks": lambda w, own: {"slug": w.home.organisation.slug},
    "volunteer_with_us:apply": lambda w, own: {"slug": w.home.slug},
    "volunteer_with_us:thanks": lambda w, own: {"slug": w.home.slug},
    "programme:home": lambda w, own: {"slug": w.home.slug},
    "programme:screen": lambda w, own: {"slug": w.home.slug},
    "programme:ics": lambda w, own: {"slug": w.home.slug},
    "programme:photo": _public_photo,
    "organisation:dashboard": lambda w, own: {"org_slug": w.home.organisation.slug},
}
# The public pages that name a record of a home: another home's record is a 404.
PUBLIC_RECORDS = {"visiting:space_photo", "programme:photo"}


# The admin site's pages are asked with made-up ids: it answers who may come in
# before it looks for a record.
def _admin_kwargs(route):
    keys = re.findall(r"<(?:\w+:)?(\w+)>", route) + re.findall(r"\(\?P<(\w+)>", route)
    return {key: "homes" if key == "app_label" else "1" for key in keys}


def url_of(w, name, route, own=True):
    if name.startswith("admin:"):
        return reverse(name, kwargs=_admin_kwargs(route))
    if name in home_urls():
        kwargs = {"home_slug": w.home.slug}
        if home_urls()[name][1]:
            kwargs.update(object_kwargs()[name](w, own))
        return reverse(name, kwargs=kwargs)
    return reverse(name, kwargs=OTHER_KWARGS[name](w, own) if name in OTHER_KWARGS else {})


# --- Asking ---------------------------------------------------------------------------------------


def outcome(response):
    """The table's word for a response."""
    status = response.status_code
    if status in (301, 302, 303) and response.url.startswith((reverse("login"), "/admin/login/")):
        return table.LOGIN
    if status in (403, 404, 405):
        return {403: table.FORBIDDEN, 404: table.NOT_FOUND, 405: table.METHOD}[status]
    return table.ALLOW if status in table.ALLOWED_STATUSES else f"status {status}"


def ask(client, method, url):
    """One request, rolled back after it: the database and the client's cookies
    are as they were (an allowed POST changes nothing, signing out signs nobody out)."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response = getattr(client, method)(url)
        transaction.set_rollback(True)
    client.cookies = cookies
    return response


def mismatch(where, expected, response):
    """A line for the report, or None when the answer is the expected one."""
    if response.status_code >= 500:
        error = response.exc_info[1] if response.exc_info else ""
        return f"{where}: expected {expected}, got a server error {error!r}"
    got = outcome(response)
    if expected not in (got, table.ANY):
        return f"{where}: expected {expected}, got {got}"
    return None


def names_a_record(name):
    if name in home_urls():
        return bool(home_urls()[name][1])
    return name in PUBLIC_RECORDS


# --- The tests ------------------------------------------------------------------------------------


def test_every_named_url_is_in_the_table():
    names = all_url_names()
    declared = set(table.TABLE)
    missing = sorted(n for n in names - declared if not n.startswith(table.ADMIN_NAMESPACE))
    gone = sorted(declared - names)
    assert missing == [], f"add these URLs to tests/permission_table.py: {missing}"
    assert gone == [], f"these URLs are gone; take them out of tests/permission_table.py: {gone}"


def test_every_row_answers_every_actor():
    for name, row in table.TABLE.items():
        for answers in (row.get, row.post):
            assert set(answers) == set(table.ACTORS), name


@pytest.mark.parametrize("actor", table.ACTORS)
def test_every_url_answers_the_actor_as_the_table_says(sweep_world, settings, actor):
    settings.VOLUNTEER_APPLY_RATE = "10000/h"  # the matrix sends many applications from one address
    w = sweep_world
    _furnish(w)
    client = client_of(members_of(w, actor))
    routes = dict(_walk(get_resolver().url_patterns))
    urls = {name: url_of(w, name, route) for name, route in routes.items()}
    wrong = []
    for name, url in urls.items():
        for method in ("get", "post"):
            expected = table.expected(name, actor, method)
            where = f"{actor} {method.upper()} {url} ({name})"
            wrong.append(mismatch(where, expected, ask(client, method, url)))
            if expected == table.ALLOW and names_a_record(name):
                foreign = url_of(w, name, routes[name], own=False)
                where = f"{actor} {method.upper()} {foreign} ({name}, another home's record)"
                wrong.append(mismatch(where, table.NOT_FOUND, ask(client, method, foreign)))
    wrong = [line for line in wrong if line]
    if wrong:
        pytest.fail(f"{len(wrong)} answers differ from tests/permission_table.py:\n" + "\n".join(wrong))
