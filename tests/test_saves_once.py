"""A resubmitted create saves once: every create form carries a one-time
token (carehome.forms.OnceFormMixin) and its service claims it in the
create's transaction (homes.submissions), so two identical POSTs make one
record and send one message, and the second is told "This was already saved"."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from carehome.timeutils import local_datetime
from homes.models import FormSubmission, Invitation, Space
from notifications.models import Reminder
from residents.models import (
    Connection,
    ConnectionParticipant,
    CoproductionSession,
    Friendship,
    Idea,
    LonelinessMeasure,
    PersonWhoMatters,
    Resident,
)
from residents.tests.factories import CoproductionSessionFactory
from tests.html import main_text
from tests.urls_sweep import collected
from visits.models import (
    EventInvitation,
    FamilyContribution,
    PendingFamilyLink,
    RestrictionReview,
    SharedUpdate,
    Visit,
)
from visits.tests.factories import VisitRestrictionFactory

# Every create form, by URL name, and what the page showing it needs (see ``_page``).
CREATE_VIEWS = {
    "residents:admit": None,
    "residents:person_add": "resident",
    "residents:plan_review": "resident",
    "residents:connection_add": "chosen",  # step 2, once the people are chosen
    "residents:wellbeing_add": "resident",
    "residents:coproduction_add": None,
    "residents:idea_add": "session",  # on the session's page
    "residents:friendship_add": "resident",
    "residents:buddy_assign": "resident",
    "homes:invite": None,
    "homes:space_add": None,
    "visits:restriction_add": "resident",
    "visits:restriction_review": "restriction",  # on the restriction's page
    "visits:event_add": None,
    "visits:book": None,
    "visits:family_invite": "resident",
    "visits:update_add": "resident",
    "visits:contribution_add": "relative",  # a relative's suggestion for their own resident
}
# Apps may declare theirs beside their sweep ids: ``CREATE_VIEWS`` in
# ``<app>/tests/sweep*.py``, {url name: (world) -> (membership, url of the page showing it)}.
CREATE_VIEWS.update(collected("CREATE_VIEWS"))
# Create forms not covered yet: the walk below fails when one of these gains
# the token, so the list only shrinks. (Empty: every create form has it.)
NOT_YET = {}


def token_of(response):
    match = re.search(r'name="form_token" value="([^"]+)"', response.content.decode())
    return match.group(1) if match else None


def twice(client, url, data):
    token = token_of(client.get(url))
    assert token, "the form has no one-time token"
    first = client.post(url, {**data, "form_token": token})
    assert first.status_code == 302, main_text(first)
    second = client.post(url, {**data, "form_token": token})
    assert second.status_code == 302
    return first, second


@pytest.fixture
def manager(world, client_for):
    return client_for(world.manager)


def test_an_invitation_sent_twice_is_saved_and_emailed_once(world, manager):
    url = reverse("homes:invite", args=[world.home.slug])
    first, second = twice(
        manager, url, {"full_name": "Sam Okoro", "email": "sam@example.com", "role": "staff"}
    )
    assert Invitation.objects.filter(home=world.home, email="sam@example.com").count() == 1
    assert Reminder.objects.filter(kind__contains="invitation").count() == 1
    assert second.url == first.url
    assert "This was already saved." in main_text(manager.get(second.url))


def test_an_event_invitation_sent_twice_invites_once(world, manager):
    url = reverse("visits:event_add", args=[world.home.slug])
    day = timezone.localdate() + datetime.timedelta(days=7)
    data = {
        "kind": "meal",
        "title": "Sunday lunch",
        "date": day.isoformat(),
        "starts": "12:30",
        "ends": "14:00",
        "place": "Dining room",
        "message": "",
        "residents": [world.resident.pk],
    }
    token = token_of(manager.get(url))
    first = manager.post(url, {**data, "form_token": token})
    assert first.status_code == 302, main_text(first)
    sent = Reminder.objects.count()
    second = manager.post(url, {**data, "form_token": token})
    assert second.status_code == 302 and second.url == first.url
    assert EventInvitation.objects.filter(home=world.home).count() == 1
    assert Reminder.objects.count() == sent


def test_admitting_twice_admits_once(world, manager):
    url = reverse("residents:admit", args=[world.home.slug])
    data = {"full_name": "Walter Price", "admitted_on": timezone.localdate().isoformat()}
    first, second = twice(manager, url, data)
    assert Resident.objects.filter(home=world.home, full_name="Walter Price").count() == 1
    assert second.url == first.url  # the resident's page


def test_adding_a_person_who_matters_twice_adds_once(world, manager):
    url = reverse("residents:person_add", args=[world.home.slug, world.resident.pk])
    twice(manager, url, {"name": "Susan Baxter", "relationship": "daughter"})
    assert PersonWhoMatters.objects.filter(resident=world.resident, name="Susan Baxter").count() == 1


def test_adding_a_space_twice_adds_once(world, manager):
    url = reverse("homes:space_add", args=[world.home.slug])
    twice(
        manager,
        url,
        {
            "name": "Quiet room",
            "kind": "lounge",
            "capacity": 4,
            "bookable": "on",
            "is_active": "on",
            "buffer_minutes": 15,
        },
    )
    assert Space.objects.filter(home=world.home, name="Quiet room").count() == 1


def test_a_failed_create_does_not_use_up_its_token(world, manager):
    url = reverse("residents:person_add", args=[world.home.slug, world.resident.pk])
    token = token_of(manager.get(url))
    bad = manager.post(url, {"name": "", "relationship": "daughter", "form_token": token})
    assert bad.status_code == 200 and token_of(bad) == token
    good = manager.post(url, {"name": "Susan Baxter", "relationship": "daughter", "form_token": token})
    assert good.status_code == 302
    assert FormSubmission.objects.filter(token=token).count() == 1


def _page(world, name, needs):
    """Who opens the create form ``name``, and the address of the page showing it."""
    home = world.home.slug
    if callable(needs):
        return needs(world)
    if needs == "chosen":
        return world.manager, reverse(name, args=[home]) + f"?residents={world.resident.pk}"
    if needs == "session":
        session = CoproductionSessionFactory(home=world.home)
        return world.manager, reverse("residents:coproduction_detail", args=[home, session.pk])
    if needs == "restriction":
        restriction = VisitRestrictionFactory(resident=world.unlinked_resident)
        return world.manager, reverse("visits:restriction_detail", args=[home, restriction.pk])
    if needs == "relative":
        return world.relative, reverse(name, args=[home, world.resident.pk])
    return world.manager, reverse(name, args=[home] + ([world.resident.pk] if needs else []))


def test_every_create_form_carries_a_one_time_token(world, client_for):
    for name, needs in CREATE_VIEWS.items():
        who, url = _page(world, name, needs)
        response = client_for(who).get(url)
        assert response.status_code == 200, name
        assert token_of(response), f"{name} has no one-time token"
    for name, needs in NOT_YET.items():
        who, url = _page(world, name, needs)
        response = client_for(who).get(url)
        assert not token_of(response), f"{name} is covered now: move it to CREATE_VIEWS"


# --- The creates that send or show something to someone else ------------------------


def test_booking_a_visit_twice_books_and_emails_once(world, client_for):
    relative = client_for(world.relative)
    url = reverse("visits:book", args=[world.home.slug])
    data = {
        "resident": world.resident.pk,
        "kind": "visit",
        "date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
        "start_time": "14:00",
        "end_time": "15:00",
        "space": world.space.pk,
        "meal": "none",
        "visitors": "2",
        "visitor_name": "Linda Baxter",
        "accessibility_needs": "",
        "note": "",
        "form_token": token_of(relative.get(url)),
    }
    first = relative.post(url, data)
    assert first.status_code == 302, main_text(first)
    outbox = list(Reminder.objects.values_list("kind", "recipient"))
    assert outbox  # the confirmation (and the reminders), one email each
    second = relative.post(url, data)
    assert second.status_code == 302 and second.url == first.url  # the visit's page
    assert Visit.objects.filter(home=world.home).count() == 1
    assert list(Reminder.objects.values_list("kind", "recipient")) == outbox
    assert "This was already saved." in main_text(relative.get(second.url))


def test_logging_a_connection_twice_logs_once(world, manager):
    url = reverse("residents:connection_add", args=[world.home.slug])
    # Yesterday at 10:00: always in the past and a time that exists (an hour ago
    # does not, in the hour after the clocks go forward).
    when = local_datetime(timezone.localdate() - datetime.timedelta(days=1), datetime.time(10, 0))
    data = {
        "residents": [world.resident.pk],
        "date": when.date().isoformat(),
        "time": when.strftime("%H:%M"),
        "with_whom": Connection.WithWhom.GROUP,
        "with_name": "Singing group",
        "mode": Connection.Mode.GROUP_ACTIVITY,
        "note": "",
        f"response_{world.resident.pk}": "active",
        f"note_{world.resident.pk}": "",
        "form_token": token_of(manager.get(f"{url}?residents={world.resident.pk}")),
    }
    first = manager.post(url, data)
    assert first.status_code == 302, main_text(first)
    second = manager.post(url, data)
    assert second.status_code == 302 and second.url == first.url  # the connection's page
    assert Connection.objects.filter(home=world.home).count() == 1
    assert ConnectionParticipant.objects.filter(resident=world.resident).count() == 1
    assert "This was already saved." in main_text(manager.get(second.url))


def test_sharing_an_update_twice_shares_once(world, manager):
    url = reverse("visits:update_add", args=[world.home.slug, world.resident.pk])
    first, second = twice(manager, url, {"text": "Peggy won the bingo!"})
    assert second.url == first.url
    assert SharedUpdate.objects.filter(resident=world.resident).count() == 1
    assert "This was already saved." in main_text(manager.get(second.url))


def test_a_family_invitation_sent_twice_is_saved_and_emailed_once(world, manager):
    url = reverse("visits:family_invite", args=[world.home.slug, world.resident.pk])
    data = {
        "full_name": "Tom Baxter",
        "relationship": "son",
        "email": "tom@example.org",
        "form_token": token_of(manager.get(url)),
    }
    first = manager.post(url, data)
    assert first.status_code == 302, main_text(first)
    second = manager.post(url, data)
    assert second.status_code == 302 and second.url == first.url  # the family page
    assert Invitation.objects.filter(home=world.home, email="tom@example.org").count() == 1
    assert PendingFamilyLink.objects.filter(resident=world.resident).count() == 1
    assert Reminder.objects.filter(kind__contains="invitation").count() == 1  # one email
    assert "This was already saved." in main_text(manager.get(second.url))


def _other_creates(world):
    """The other create forms: who sends it, the page showing the form, where
    it posts, what it sends, and how many records it has made."""
    home, resident = world.home, world.resident
    today = timezone.localdate()
    session = CoproductionSessionFactory(home=home)
    session.participants.set([resident])
    restriction = VisitRestrictionFactory(resident=world.unlinked_resident)
    on = [home.slug, resident.pk]
    return {
        "wellbeing": (
            world.manager,
            reverse("residents:wellbeing_add", args=on),
            None,
            {
                "recorded_on": today.isoformat(),
                "lack_companionship": "1",
                "left_out": "2",
                "isolated": "1",
                "direct": "occasionally",
                "note": "",
            },
            lambda: LonelinessMeasure.objects.filter(resident=resident).count(),
        ),
        "co-production session": (
            world.manager,
            reverse("residents:coproduction_add", args=[home.slug]),
            None,
            {
                "held_on": today.isoformat(),
                "method": CoproductionSession.Method.GROUP_DISCUSSION,
                "title": "Summer outings",
                "participants": [resident.pk],
                "others_present": "",
                "notes": "",
            },
            lambda: CoproductionSession.objects.filter(home=home, title="Summer outings").count(),
        ),
        "idea": (
            world.manager,
            reverse("residents:coproduction_detail", args=[home.slug, session.pk]),
            reverse("residents:idea_add", args=[home.slug, session.pk]),
            {"text": "A trip to the garden centre", "raised_by": resident.pk},
            lambda: Idea.objects.filter(session=session).count(),
        ),
        "friendship": (
            world.manager,
            reverse("residents:friendship_add", args=on),
            None,
            {"other": world.unlinked_resident.pk, "notes": ""},
            lambda: Friendship.objects.filter(home=home).count(),
        ),
        "buddy": (
            world.manager,
            reverse("residents:buddy_assign", args=on),
            None,
            {"other": world.unlinked_resident.pk, "notes": ""},
            lambda: Friendship.objects.filter(home=home).count(),
        ),
        "family suggestion": (
            world.relative,
            reverse("visits:contribution_add", args=on),
            None,
            {"kind": "about_me", "text": "She loved dancing at the Palais."},
            lambda: FamilyContribution.objects.filter(resident=resident).count(),
        ),
        "restriction review": (
            world.manager,
            reverse("visits:restriction_detail", args=[home.slug, restriction.pk]),
            reverse("visits:restriction_review", args=[home.slug, restriction.pk]),
            {
                "reviewed_on": today.isoformat(),
                "outcome": "Still two cases on the floor. Continue.",
                "next_review_on": (today + datetime.timedelta(days=2)).isoformat(),
                "version": str(restriction.version),
            },
            lambda: RestrictionReview.objects.filter(restriction=restriction).count(),
        ),
    }


@pytest.mark.parametrize(
    "what",
    [
        "wellbeing",
        "co-production session",
        "idea",
        "friendship",
        "buddy",
        "family suggestion",
        "restriction review",
    ],
)
def test_every_other_create_sent_twice_saves_once(world, client_for, what):
    who, page, post_to, data, saved = _other_creates(world)[what]
    client = client_for(who)
    token = token_of(client.get(page))
    assert token, f"the {what} form has no one-time token"
    first = client.post(post_to or page, {**data, "form_token": token})
    assert first.status_code == 302, main_text(first)
    second = client.post(post_to or page, {**data, "form_token": token})
    assert second.status_code == 302
    assert second.url.split("#")[0] == first.url.split("#")[0]
    assert saved() == 1
    assert "This was already saved." in main_text(client.get(second.url))
