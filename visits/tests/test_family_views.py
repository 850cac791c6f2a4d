"""The family pages: a resident's family links, inviting, pausing/ending a
link, sharing an update, and what a relative sees on their home page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from homes.models import Invitation, Role
from homes.tests.factories import InvitationFactory, MembershipFactory
from residents.models import RelativeLink
from residents.tests.factories import PersonWhoMattersFactory, RelativeLinkFactory, ResidentFactory
from tests.html import field_error, main_text
from visits.models import PendingFamilyLink, SharedUpdate
from visits.tests.factories import SharedUpdateFactory


def links_url(world, resident=None):
    return reverse("visits:family_links", args=[world.home.slug, (resident or world.resident).pk])


def invite_url(world, resident=None):
    return reverse("visits:family_invite", args=[world.home.slug, (resident or world.resident).pk])


def share_url(world, resident=None):
    return reverse("visits:update_add", args=[world.home.slug, (resident or world.resident).pk])


def status_url(world, link):
    return reverse("visits:family_link_status", args=[world.home.slug, link.pk])


def dashboard_url(world):
    return reverse("homes:dashboard", args=[world.home.slug])


@pytest.fixture
def staff_client(world, client_for):
    return client_for(world.staff)


@pytest.fixture
def manager_client(world, client_for):
    return client_for(world.manager)


@pytest.fixture
def relative_client(world, client_for):
    return client_for(world.relative)


@pytest.fixture
def peggys_link(world):
    return RelativeLink.objects.get(membership=world.relative)


# --- The family links page ---------------------------------------------------------------------


def test_the_family_page_lists_accounts_invitations_people_and_news(world, manager_client):
    PersonWhoMattersFactory(resident=world.resident, name="Tom Baxter", relationship="son")
    invitation = InvitationFactory(home=world.home, role=Role.FAMILY, full_name="Sue Baxter")
    PendingFamilyLink.objects.create(
        home=world.home, invitation=invitation, resident=world.resident, relationship="granddaughter"
    )
    SharedUpdateFactory(resident=world.resident, text="Peggy sang every song.", shared_by=world.staff.user)
    SharedUpdateFactory(resident=world.unlinked_resident, text="Arthur painted a boat.")
    text = main_text(manager_client.get(links_url(world)))
    assert "Linda Baxter" in text and "Daughter" in text and "Active" in text
    assert "Sue Baxter (granddaughter)" in text and "the link works until" in text
    assert "Tom Baxter (son) Invite" in text
    assert "Peggy sang every song." in text and "shared by Aisha Bello" in text
    assert "Arthur painted" not in text
    assert "Pause" in text and "End" in text


def test_staff_read_the_page_but_cannot_pause_or_end(world, staff_client):
    text = main_text(staff_client.get(links_url(world)))
    assert "Linda Baxter" in text
    assert "Pause" not in text


def test_the_family_page_keeps_the_same_number_of_queries(world, manager_client):
    def grow(n):
        for _ in range(n):
            member = MembershipFactory(home=world.home, role=Role.FAMILY)
            RelativeLinkFactory(
                resident=world.resident, membership=member, status_changed_by=world.staff.user
            )
            PersonWhoMattersFactory(resident=world.resident)
            SharedUpdateFactory(resident=world.resident, shared_by=world.staff.user)
            invitation = InvitationFactory(home=world.home, role=Role.FAMILY, invited_by=world.staff.user)
            PendingFamilyLink.objects.create(
                home=world.home, invitation=invitation, resident=world.resident, relationship="friend"
            )

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = manager_client.get(links_url(world))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    grow(5)
    small = count()
    grow(45)
    assert count() == small


# --- Inviting ----------------------------------------------------------------------------------


def test_inviting_a_person_who_matters_prefills_from_the_plan(world, staff_client):
    tom = PersonWhoMattersFactory(
        resident=world.resident, name="Tom Baxter", relationship="son", email="tom@example.org"
    )
    response = staff_client.get(invite_url(world) + f"?person={tom.pk}")
    html = response.content.decode()
    assert 'value="Tom Baxter"' in html and 'value="son"' in html and 'value="tom@example.org"' in html
    assert "Invite Tom Baxter" in main_text(response)


def test_inviting_sends_and_returns_to_the_family_page(
    world, staff_client, django_capture_on_commit_callbacks, mailoutbox
):
    tom = PersonWhoMattersFactory(resident=world.resident, name="Tom Baxter", relationship="son")
    dad = ResidentFactory(home=world.home, full_name="Ken Baxter")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            invite_url(world),
            {
                "person": tom.pk,
                "full_name": "Tom Baxter",
                "relationship": "son",
                "email": "tom@example.org",
                "also_resident": dad.pk,
                "also_relationship": "son",
            },
        )
    assert response.status_code == 302 and response.url == links_url(world)
    text = main_text(staff_client.get(response.url))
    assert "Invitation sent to tom@example.org. They will be linked to Peggy and Ken." in text
    assert [m.to for m in mailoutbox] == [["tom@example.org"]]
    pending = PendingFamilyLink.objects.order_by("resident__full_name")
    assert [(p.resident, p.person) for p in pending] == [(dad, None), (world.resident, tom)]


def test_inviting_an_existing_relative_links_them_and_says_so(world, staff_client, mailoutbox):
    response = staff_client.post(
        invite_url(world, world.unlinked_resident),
        {"full_name": "Linda Baxter", "relationship": "friend", "email": world.relative.user.email},
        follow=True,
    )
    assert "already has a family account, so no email was sent" in main_text(response)
    assert mailoutbox == [] and not Invitation.objects.exists()
    assert RelativeLink.objects.filter(membership=world.relative, resident=world.unlinked_resident).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "Enter their email address, like name@example.com."),
        ({"full_name": ""}, "full_name", "Write their name."),
        ({"relationship": ""}, "relationship", "Write how they are related"),
        ({"also_resident": "999999"}, "also_resident", "Choose someone from the list"),
        ({"also_resident": "OTHER"}, "also_resident", "Choose someone from the list"),
        ({"also_resident": "ARTHUR"}, "also_relationship", "Write how they are related to Arthur"),
    ],
)
def test_bad_invitations_save_nothing_and_say_why(world, staff_client, data, field, message):
    posted = {"full_name": "Sue Baxter", "relationship": "granddaughter", "email": "sue@example.org", **data}
    if posted.get("also_resident") == "OTHER":
        posted["also_resident"] = world.foreign_resident.pk
        posted["also_relationship"] = "friend"
    if posted.get("also_resident") == "ARTHUR":
        posted["also_resident"] = world.unlinked_resident.pk
    response = staff_client.post(invite_url(world), posted)
    assert response.status_code == 200
    assert message in field_error(response, field)
    assert not Invitation.objects.exists() and not PendingFamilyLink.objects.exists()


def test_a_person_who_matters_to_someone_else_is_refused(world, staff_client):
    other_person = PersonWhoMattersFactory(resident=world.unlinked_resident)
    response = staff_client.post(
        invite_url(world),
        {"person": other_person.pk, "full_name": "X", "relationship": "son", "email": "x@example.org"},
    )
    assert "not in this resident's plan" in main_text(response)
    assert not Invitation.objects.exists()


def test_a_team_members_email_is_refused_next_to_the_field(world, staff_client):
    response = staff_client.post(
        invite_url(world), {"full_name": "Ruth", "relationship": "friend", "email": world.manager.user.email}
    )
    assert "member of the team" in field_error(response, "email")


# --- Pausing, ending, restoring -----------------------------------------------------------------


def test_the_manager_ends_a_link_and_the_relative_loses_access_at_once(
    world, manager_client, relative_client, peggys_link
):
    before = main_text(relative_client.get(dashboard_url(world)))
    assert "Peggy" in before
    page = manager_client.get(status_url(world, peggys_link) + "?action=end")
    assert "Linda Baxter's link to Peggy" in main_text(page)
    response = manager_client.post(status_url(world, peggys_link), {"action": "end", "reason": "Asked us to"})
    assert response.status_code == 302 and response.url == links_url(world)
    text = main_text(manager_client.get(response.url))
    assert "Linda Baxter's link to Peggy has been ended." in text
    assert "Asked us to" in text and "Ended" in text and "Restore" in text
    after = main_text(relative_client.get(dashboard_url(world)))
    assert "Peggy" not in after and "Margaret Baxter" not in after
    assert "Peggy" not in main_text(relative_client.get(reverse("residents:family", args=[world.home.slug])))


def test_a_status_change_without_a_reason_saves_nothing(world, manager_client, peggys_link):
    response = manager_client.post(status_url(world, peggys_link), {"action": "pause", "reason": ""})
    assert field_error(response, "reason") == "Write the reason, so the team knows why."
    peggys_link.refresh_from_db()
    assert peggys_link.status == "active"


def test_only_sensible_changes_are_offered(world, manager_client, peggys_link):
    response = manager_client.post(status_url(world, peggys_link), {"action": "restore", "reason": "x"})
    assert field_error(response, "action") == "Choose one of the options shown."
    text = main_text(response)
    assert "Pause" in text and "Restore —" not in text


def test_staff_cannot_change_a_link(world, staff_client, peggys_link):
    response = staff_client.post(status_url(world, peggys_link), {"action": "end", "reason": "x"})
    assert response.status_code == 403
    peggys_link.refresh_from_db()
    assert peggys_link.status == "active"


# --- Sharing updates ---------------------------------------------------------------------------


def test_sharing_an_update_reaches_only_that_residents_family(world, staff_client, client_for):
    response = staff_client.post(share_url(world), {"text": "Peggy won the bingo!"})
    assert response.status_code == 302
    assert "Shared with the relatives Peggy's consent to news names." in main_text(
        staff_client.get(response.url)
    )
    assert SharedUpdate.objects.get().shared_by == world.staff.user

    linda = main_text(client_for(world.relative).get(dashboard_url(world)))
    assert "News from Rowan House" in linda and "Peggy won the bingo!" in linda

    arthurs_son = MembershipFactory(home=world.home, role=Role.FAMILY)
    RelativeLinkFactory(resident=world.unlinked_resident, membership=arthurs_son, relationship="son")
    other = main_text(client_for(arthurs_son).get(dashboard_url(world)))
    assert "News from Rowan House" in other and "bingo" not in other


def test_an_empty_update_is_refused(world, staff_client):
    response = staff_client.post(share_url(world), {"text": "   "})
    assert field_error(response, "text") == "Write the news you would like to share."
    assert not SharedUpdate.objects.exists()


# --- The relative's home page -------------------------------------------------------------------


def test_the_relatives_home_page_shows_news_and_how_to_visit(world, relative_client):
    for n in range(7):
        SharedUpdateFactory(resident=world.resident, text=f"News number {n}.")
    text = main_text(relative_client.get(dashboard_url(world)))
    assert "Contact Rowan House" in text and "/visit/rowan/" in text
    assert "News number 6." in text and "News number 2." in text and "News number 1." not in text


def test_the_relatives_home_page_keeps_the_same_number_of_queries(world, relative_client):
    def grow(n):
        for _ in range(n):
            resident = ResidentFactory(home=world.home)
            RelativeLinkFactory(resident=resident, membership=world.relative)
            SharedUpdateFactory(resident=resident)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = relative_client.get(dashboard_url(world))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    grow(5)
    small = count()
    grow(45)
    assert count() == small


# --- Who may open what ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [links_url, invite_url, share_url])
def test_a_relative_gets_403_on_the_staff_pages(world, relative_client, url):
    assert relative_client.get(url(world)).status_code == 403


def test_a_relative_gets_403_on_changing_a_link(world, relative_client, peggys_link):
    assert relative_client.get(status_url(world, peggys_link)).status_code == 403


@pytest.mark.parametrize("url", [links_url, invite_url, share_url])
def test_another_homes_resident_is_404(world, manager_client, url):
    assert manager_client.get(url(world, world.foreign_resident)).status_code == 404


def test_an_outsider_gets_404(world, client_for):
    assert client_for(world.outsider).get(links_url(world)).status_code == 404


def test_another_homes_link_is_404(world, manager_client):
    member = MembershipFactory(home=world.other_home, role=Role.FAMILY)
    link = RelativeLinkFactory(resident=world.foreign_resident, membership=member)
    assert manager_client.get(status_url(world, link)).status_code == 404
    assert manager_client.post(status_url(world, link), {"action": "end", "reason": "x"}).status_code == 404
    link.refresh_from_db()
    assert link.status == "active"
