"""The public "Volunteer with us" pages, as an applicant (no sign-in) uses them:
the home's page, the organisation's page for several homes, the thank-you,
and the spam guards (a hidden box, and a limit per address)."""

import random
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from homes.models import Interest, Nation, Role
from homes.tests.factories import HomeFactory, MembershipFactory, OrganisationFactory
from notifications.models import Reminder
from tests.html import field_error, main_text
from volunteers.models import Availability, Reference, StatusChange, Volunteer
from volunteers.tests.factories import VolunteerFactory, VolunteerRoleFactory, VolunteerSettingsFactory

pytestmark = pytest.mark.django_db


def stranger():
    """An anonymous browser from an address of its own, so no other test's
    posts (nor an earlier run's) count towards its limit: the counts live in Redis."""
    address = "10." + ".".join(str(random.randint(1, 254)) for _ in range(3))  # noqa: S311
    return Client(REMOTE_ADDR=address)


@pytest.fixture
def visitor():
    return stranger()


def apply_url(home):
    return reverse("volunteer_with_us:apply", args=[home.slug])


def token_of(response):
    found = re.search(r'name="form_token" value="([^"]+)"', response.content.decode())
    return found.group(1) if found else ""


def application(**fields):
    data = {
        "full_name": "Ann Smith",
        "preferred_name": "Annie",
        "email": "Ann.Smith@example.org",
        "phone": "07700 900456",
        "postcode": "sw1a 1aa",
        "what_to_do": "Chat over a cup of tea.",
        "skills_notes": "I play the piano.",
        "day_1": "1",
        "from_1": "14:00",
        "until_1": "16:00",
        "referee1_name": "Tom Reid",
        "referee1_relationship": "My manager at the library",
        "referee1_email": "tom.reid@example.org",
        "referee2_name": "Jane Okafor",
        "referee2_relationship": "Neighbour for ten years",
        "referee2_phone": "01632 960123",
        "over_16": "on",
        "consent_to_checks": "on",
        "website": "",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def befriender(world):
    return VolunteerRoleFactory(home=world.home, name="Befriender", description="Visit someone each week.")


# --- The page --------------------------------------------------------------------------------


def test_the_page_shows_the_welcome_roles_and_what_the_check_means_in_england(world, visitor, befriender):
    VolunteerSettingsFactory(home=world.home, welcome="Come and share a cuppa with Peggy and friends.")
    VolunteerRoleFactory(home=world.home, name="Old role", is_active=False)
    response = visitor.get(apply_url(world.home))
    assert response.status_code == 200
    text = main_text(response)
    assert "Volunteer with Rowan House" in text
    assert "Come and share a cuppa with Peggy and friends." in text
    assert "Befriender Visit someone each week." in text
    assert "Old role" not in text
    assert "DBS check from the Disclosure and Barring Service" in text
    assert "PVG" not in text
    page = response.content.decode()
    assert "<legend" in page and "Arts, crafts and music" in text  # skills grouped in fieldsets
    honeypot = re.search(r'<div class="visually-hidden" aria-hidden="true">(.*?)</div>', page, re.S).group(1)
    assert 'name="website"' in honeypot and 'tabindex="-1"' in honeypot and 'autocomplete="off"' in honeypot


def test_in_scotland_the_page_explains_pvg(world, visitor):
    world.home.nation = Nation.SCOTLAND
    world.home.save()
    text = main_text(visitor.get(apply_url(world.home)))
    assert "PVG scheme (Protecting Vulnerable Groups), run by Disclosure Scotland" in text
    assert "DBS" not in text


def test_a_home_not_recruiting_says_so_kindly_and_takes_nothing(world, visitor):
    VolunteerSettingsFactory(home=world.home, recruiting=False)
    response = visitor.get(apply_url(world.home))
    text = main_text(response)
    assert "We are not taking new volunteers just now" in text
    assert world.home.phone in text and world.home.email in text
    assert 'name="full_name"' not in response.content.decode()
    posted = visitor.post(apply_url(world.home), application())
    assert posted.status_code == 200
    assert not Volunteer.objects.exists()


def test_a_home_that_does_not_exist_is_404(db, visitor):
    assert visitor.get(reverse("volunteer_with_us:apply", args=["no-such-home"])).status_code == 404


# --- Applying --------------------------------------------------------------------------------


def test_an_application_saves_everything_and_thanks_the_applicant_and_tells_the_coordinators(
    world, visitor, befriender, django_capture_on_commit_callbacks
):
    gardening = Interest.objects.get(name="Gardening")
    form_token = token_of(visitor.get(apply_url(world.home)))
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(
            apply_url(world.home),
            application(roles=[befriender.pk], interests=[gardening.pk], form_token=form_token),
        )
    assert response.status_code == 302
    assert response.url == reverse("volunteer_with_us:thanks", args=["rowan"])
    volunteer = Volunteer.objects.get()
    assert volunteer.home == world.home
    assert (volunteer.full_name, volunteer.preferred_name) == ("Ann Smith", "Annie")
    assert volunteer.email == "ann.smith@example.org"
    assert volunteer.postcode == "SW1A 1AA"
    assert volunteer.status == Volunteer.Status.APPLIED
    assert volunteer.source == Volunteer.Source.HOME_PAGE
    assert volunteer.over_16 and volunteer.consent_to_checks
    assert list(volunteer.roles.all()) == [befriender]
    assert list(volunteer.interests.all()) == [gardening]
    times = list(
        Availability.objects.filter(volunteer=volunteer).values_list("weekday", "starts_at", "ends_at")
    )
    assert [(d, f"{s:%H:%M}", f"{e:%H:%M}") for d, s, e in times] == [(1, "14:00", "16:00")]
    references = Reference.objects.filter(volunteer=volunteer).order_by("name")
    assert [(r.name, r.requested_on) for r in references] == [("Jane Okafor", None), ("Tom Reid", None)]
    change = StatusChange.objects.get(volunteer=volunteer)
    assert (change.from_status, change.to_status, change.changed_by) == ("", "applied", None)

    thanks = visitor.get(response.url)
    assert "What happens next" in main_text(thanks)

    by_address = {tuple(m.to): m for m in mail.outbox}
    ack = by_address[("ann.smith@example.org",)]
    assert "Thank you for offering to volunteer with Rowan House" in ack.subject
    assert "Hello Annie" in ack.body and "DBS check" in ack.body
    coordinators = {world.manager.user.email, world.champion.user.email}
    told = [m for m in mail.outbox if m.to[0] in coordinators]
    assert {m.to[0] for m in told} == coordinators
    assert all("New volunteer application: Ann Smith" in m.subject for m in told)
    detail = reverse("volunteers:volunteer_detail", args=["rowan", volunteer.pk])
    assert all(detail in m.body for m in told)
    assert world.staff.user.email not in {m.to[0] for m in mail.outbox}  # care staff are not told


def test_sending_the_same_form_twice_saves_once(world, visitor):
    token = token_of(visitor.get(apply_url(world.home)))
    first = visitor.post(apply_url(world.home), application(form_token=token))
    second = visitor.post(apply_url(world.home), application(form_token=token))
    assert first.status_code == second.status_code == 302
    assert second.url == first.url
    assert Volunteer.objects.count() == 1
    assert Reminder.objects.filter(kind="volunteers.application_thanks").count() == 1


def test_phone_only_is_fine_and_sends_no_email(world, visitor):
    response = visitor.post(apply_url(world.home), application(email=""))
    assert response.status_code == 302
    assert Volunteer.objects.get().phone == "07700 900456"
    assert not Reminder.objects.filter(kind="volunteers.application_thanks").exists()


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"full_name": ""}, "full_name", "Enter your full name"),
        ({"full_name": "\u200b\u200d"}, "full_name", "only invisible characters"),
        ({"full_name": "Ann\x1b[31m"}, "full_name", "hidden control characters"),
        ({"email": "", "phone": ""}, "email", "Give an email address or a phone number"),
        ({"email": "ann@"}, "email", "Enter an email address like name@example.com."),
        ({"phone": "call me"}, "phone", "using only digits"),
        ({"phone": "0123"}, "phone", "at least 7 digits"),
        ({"postcode": "NOT A POSTCODE"}, "postcode", "Enter a UK postcode like SW1A 1AA"),
        ({"interests": ["999999"]}, "interests", "Choose skills and hobbies from the list"),
        ({"interests": ["gardening"]}, "interests", "Choose skills and hobbies from the list"),
        ({"roles": ["999999"]}, "roles", "Choose from the list of things volunteers do here."),
        ({"until_1": "13:00"}, "until_1", "The “until” time must be after the “from” time."),
        ({"until_1": "14:00"}, "until_1", "The “until” time must be after the “from” time."),
        ({"day_1": ""}, "day_1", "Choose the day for this time."),
        ({"day_1": "9"}, "day_1", "Choose a day of the week from the list."),
        ({"from_1": "25:00"}, "from_1", "Enter a time like 10:00."),
        ({"referee1_name": ""}, "referee1_name", "Enter the referee's name."),
        ({"referee2_relationship": ""}, "referee2_relationship", "Say how they know"),
        ({"referee2_phone": ""}, "referee2_email", "Give the referee's email address or phone number."),
        ({"referee1_email": "tom@"}, "referee1_email", "Enter an email address like name@example.com."),
        ({"referee1_email": "ann.smith@example.org"}, "referee1_email", "A referee must be someone else"),
        ({"referee2_name": "Tom Reid"}, "referee2_name", "The two referees must be different people."),
        ({"over_16": None}, "over_16", "Volunteers here need to be 16 or over."),
        ({"consent_to_checks": None}, "consent_to_checks", "Tick the box to agree to a background check."),
        ({"what_to_do": "x" * 2001}, "what_to_do", "Keep this under 2,000 characters."),
        ({"full_name": "x" * 200_000}, "full_name", "Keep the name under 150 characters."),
        ({"full_name": "a\x00b"}, "full_name", "hidden control characters"),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_saves_nothing(world, visitor, fields, field, words):
    befriender = VolunteerRoleFactory(home=world.home, name="Befriender")
    token = token_of(visitor.get(apply_url(world.home)))
    data = application(**{"roles": [befriender.pk], "form_token": token, **fields})
    response = visitor.post(apply_url(world.home), data)
    assert response.status_code == 200
    shown = field_error(response, field) if field != "interests" else _interests_error(response)
    assert words in shown
    assert not Volunteer.objects.exists()
    assert not Reference.objects.exists()
    assert token_of(response) == token  # nothing was saved, so the same form can be sent again


def _interests_error(response):
    found = re.search(r'<div id="interests-error"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    return main_text(response) if found is None else re.sub(r"<[^>]+>", " ", found.group(1))


def test_every_problem_is_shown_at_once(world, visitor):
    response = visitor.post(
        apply_url(world.home),
        application(full_name="", email="", phone="", until_1="09:00", referee1_name="", over_16=None),
    )
    assert field_error(response, "full_name")
    assert field_error(response, "email")
    assert field_error(response, "until_1")
    assert field_error(response, "referee1_name")
    assert field_error(response, "over_16")


def test_overlapping_times_on_a_day_are_joined(world, visitor):
    response = visitor.post(
        apply_url(world.home),
        application(day_2="1", from_2="15:00", until_2="18:00", day_3="3", from_3="10:00", until_3="12:00"),
    )
    assert response.status_code == 302
    times = Availability.objects.order_by("weekday").values_list("weekday", "starts_at", "ends_at")
    assert [(d, f"{s:%H:%M}-{e:%H:%M}") for d, s, e in times] == [(1, "14:00-18:00"), (3, "10:00-12:00")]


def test_applying_again_with_the_same_email_says_when_they_applied(world, visitor):
    earlier = VolunteerFactory(home=world.home, email="ann.smith@example.org")
    earlier.applied_at = timezone.now() - timedelta(days=3)
    earlier.save()
    response = visitor.post(apply_url(world.home), application(email="ANN.SMITH@example.org"))
    assert response.status_code == 200
    message = field_error(response, "email")
    assert message.startswith("Rowan House already has an application from you")
    assert "they will be in touch" in message
    assert Volunteer.objects.count() == 1


def test_someone_who_left_may_apply_again(world, visitor):
    VolunteerFactory(home=world.home, email="ann.smith@example.org", status="left", left_reason="Moved away")
    assert visitor.post(apply_url(world.home), application()).status_code == 302
    assert Volunteer.objects.filter(status="applied").count() == 1


def test_the_same_email_at_another_home_is_fine(world, visitor):
    VolunteerFactory(home=world.other_home, email="ann.smith@example.org")
    assert visitor.post(apply_url(world.home), application()).status_code == 302


# --- Spam ---------------------------------------------------------------------------------------


def test_a_filled_hidden_box_gets_the_thanks_page_and_saves_nothing(world, visitor):
    response = visitor.post(apply_url(world.home), application(website="http://cheap-pills.example"))
    assert response.status_code == 302
    assert response.url == reverse("volunteer_with_us:thanks", args=["rowan"])
    assert not Volunteer.objects.exists()
    assert not Reminder.objects.exists()


def test_too_many_posts_from_one_address_get_a_friendly_page_with_the_phone_number(world, visitor, settings):
    settings.VOLUNTEER_APPLY_RATE = "3/1d"
    for n in range(3):
        response = visitor.post(apply_url(world.home), application(email=f"person{n}@example.org"))
        assert response.status_code == 302
    over = visitor.post(apply_url(world.home), application(email="person9@example.org"))
    assert over.status_code == 429
    text = main_text(over)
    assert "Please get in touch by phone" in text
    assert world.home.phone in text
    assert "captcha" not in over.content.decode().lower()
    assert Volunteer.objects.count() == 3
    # Another address is not held back, and reading the page is never limited.
    assert visitor.get(apply_url(world.home)).status_code == 200
    other = stranger()
    assert other.post(apply_url(world.home), application(email="other@example.org")).status_code == 302


def test_the_page_costs_the_same_queries_whatever_the_home_has(world, visitor, befriender):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert visitor.get(apply_url(world.home)).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(10):
        VolunteerRoleFactory(home=world.home, name=f"Role {n}")
        VolunteerFactory(home=world.home)
    assert count() == few


# --- An organisation's page ------------------------------------------------------------------------


@pytest.fixture
def provider(world):
    """A provider with Rowan House and Birch Court, and a connector charity's page
    that Larch Lodge (another provider's) recruits through."""
    organisation = OrganisationFactory(name="Kindly Care", slug="kindly")
    for home in (world.home, world.other_home):
        home.organisation = organisation
        home.save()
    return organisation


def org_url(organisation):
    return reverse("volunteer_with_us:organisation", args=[organisation.slug])


def test_the_organisation_page_creates_one_volunteer_per_chosen_home(
    world, provider, visitor, django_capture_on_commit_callbacks
):
    MembershipFactory(home=world.other_home, role=Role.CHAMPION)
    form_token = token_of(visitor.get(org_url(provider)))
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(
            org_url(provider),
            application(homes=[world.home.pk, world.other_home.pk], form_token=form_token),
        )
    assert response.status_code == 302
    assert response.url == reverse("volunteer_with_us:organisation_thanks", args=["kindly"])
    made = list(Volunteer.objects.order_by("home__name"))
    assert [v.home for v in made] == [world.other_home, world.home]
    assert {v.source for v in made} == {Volunteer.Source.ORGANISATION_PAGE}
    assert made[0].application_group and made[0].application_group == made[1].application_group
    assert all(v.references.count() == 2 for v in made)
    assert all(v.roles.count() == 0 for v in made)
    assert Reminder.objects.filter(kind="volunteers.application_thanks").count() == 1
    told = Reminder.objects.filter(kind="volunteers.new_application")
    assert {r.home_id for r in told} == {world.home.pk, world.other_home.pk}
    text = main_text(visitor.get(response.url))
    assert "Someone from each home you chose will get in touch" in text
    (thanks,) = [m for m in mail.outbox if m.to == ["ann.smith@example.org"]]
    assert thanks.subject == "Thank you for offering to volunteer with Birch Court and Rowan House"
    assert "Someone from each home will get in touch" in thanks.body
    birch = [
        m
        for m in mail.outbox
        if "New volunteer application" in m.subject and world.outsider.user.email in m.to
    ]
    assert "They applied to Rowan House at the same time." in birch[0].body


def test_the_organisation_page_needs_at_least_one_home(world, provider, visitor):
    response = visitor.post(org_url(provider), application())
    assert "Choose at least one home you would like to volunteer at." in field_error(response, "homes")
    assert not Volunteer.objects.exists()


def test_homes_that_recruit_through_a_connector_are_offered_and_others_are_not(world, provider, visitor):
    connector = OrganisationFactory(name="Good Neighbours", slug="good-neighbours", kind="connector")
    larch = HomeFactory(name="Larch Lodge", slug="larch")
    VolunteerSettingsFactory(home=larch).recruit_through.add(connector)
    VolunteerSettingsFactory(home=world.other_home, recruiting=False)
    text = main_text(visitor.get(org_url(connector)))
    assert "Larch Lodge" in text and "Rowan House" not in text
    provider_text = main_text(visitor.get(org_url(provider)))
    assert "Rowan House" in provider_text and "Birch Court" not in provider_text  # not recruiting
    response = visitor.post(org_url(connector), application(homes=[world.home.pk]))
    assert "Choose from the homes listed." in field_error(response, "homes")
    assert not Volunteer.objects.exists()


def test_a_duplicate_at_one_of_the_chosen_homes_refuses_them_all(world, provider, visitor):
    VolunteerFactory(home=world.other_home, email="ann.smith@example.org")
    response = visitor.post(org_url(provider), application(homes=[world.home.pk, world.other_home.pk]))
    assert "Birch Court already has an application from you" in field_error(response, "email")
    assert Volunteer.objects.count() == 1


def test_an_organisation_with_no_home_recruiting_says_so(db, visitor):
    organisation = OrganisationFactory(slug="quiet")
    response = visitor.get(org_url(organisation))
    assert "No homes are taking new volunteers just now" in main_text(response)


def test_with_the_cache_unreachable_the_application_is_still_taken(world, visitor, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = visitor.post(apply_url(world.home), application())
    assert response.status_code == 302
    assert Volunteer.objects.count() == 1
