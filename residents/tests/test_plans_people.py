"""People who matter: add, change, mark as no longer in touch (never
deleted), with every rule explained next to its field."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from carehome.errors import DomainError
from residents.models import PersonWhoMatters
from residents.services.plans import person_add, person_update
from residents.tests.factories import PersonWhoMattersFactory, ResidentFactory
from tests.html import field_error, main_text


def add_url(world, resident=None):
    return reverse("residents:person_add", args=[world.home.slug, (resident or world.resident).pk])


def edit_url(world, person, resident=None):
    return reverse(
        "residents:person_edit", args=[world.home.slug, (resident or person.resident).pk, person.pk]
    )


def person_data(**fields):
    data = {
        "name": "Susan Baxter",
        "relationship": "daughter",
        "ways": ["by_visit", "by_phone"],
        "contact_every_days": "7",
        "phone": "+44 (0)1632 960123",
        "email": "susan@example.com",
        "address": "",
        "essential_care_supporter": "on",
        "notes": "Rings on Sundays.",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def staff_client(world, client_for):
    return client_for(world.staff)


def test_staff_add_someone_who_matters(world, staff_client):
    response = staff_client.get(add_url(world))
    assert response.status_code == 200
    assert "Add someone who matters to Peggy" in main_text(response)

    response = staff_client.post(add_url(world), person_data())
    assert response.status_code == 302
    assert response.url.endswith("#plan-people")
    person = PersonWhoMatters.objects.get(resident=world.resident)
    assert (person.name, person.relationship, person.home) == ("Susan Baxter", "daughter", world.home)
    assert (person.by_visit, person.by_phone, person.by_video, person.by_letter) == (True, True, False, False)
    assert person.contact_every_days == 7
    assert person.essential_care_supporter and person.is_active
    page = main_text(staff_client.get(response.url))
    assert "Susan Baxter was added to the people who matter to Peggy." in page
    assert "Susan Baxter Daughter Essential care supporter" in page


def test_staff_change_details_and_mark_someone_no_longer_in_touch(world, staff_client):
    person = PersonWhoMattersFactory(resident=world.resident, name="Jim Old", relationship="neighbour")
    response = staff_client.get(edit_url(world, person))
    assert response.status_code == 200
    assert re.search(r'<input[^>]*name="is_active"[^>]*checked', response.content.decode())

    response = staff_client.post(
        edit_url(world, person),
        person_data(name="Jim Oldfield", relationship="former neighbour", is_active="on"),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.name, person.relationship) == ("Jim Oldfield", "former neighbour")

    response = staff_client.post(
        edit_url(world, person), person_data(name="Jim Oldfield", relationship="former neighbour")
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.is_active is False
    page = staff_client.get(response.url)
    assert "Jim Oldfield is now listed as no longer in touch." in main_text(page)
    assert "No longer in touch Jim Oldfield (former neighbour)" in main_text(page)
    assert PersonWhoMatters.objects.filter(pk=person.pk).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "  "}, "name", "Enter their name"),
        ({"relationship": ""}, "relationship", "Say who they are"),
        ({"phone": "ring me"}, "phone", "only digits, spaces, + and brackets"),
        ({"phone": "0163-296"}, "phone", "only digits, spaces, + and brackets"),
        ({"phone": "123 45"}, "phone", "at least 7 digits"),
        ({"email": "susan at example"}, "email", "Enter an email address like name@example.com."),
        ({"contact_every_days": "5"}, "contact_every_days", "Choose how often from the list."),
        ({"ways": None}, "ways", "Choose how they like to keep in touch — visits, phone, video or letters."),
        ({"ways": ["by_pigeon"]}, "ways", "Choose from visits, phone, video or letters."),
        ({"name": "x" * 151}, "name", "keep it to 150 characters"),
    ],
)
def test_bad_input_is_explained_and_nobody_is_added(world, staff_client, changes, field, message):
    response = staff_client.post(add_url(world), person_data(**changes))
    assert response.status_code == 200
    assert message in field_error(response, field)
    assert not PersonWhoMatters.objects.exists()


def test_no_way_to_keep_in_touch_is_fine_when_how_often_is_not_set(world, staff_client):
    response = staff_client.post(add_url(world), person_data(ways=None, contact_every_days=""))
    assert response.status_code == 302
    assert PersonWhoMatters.objects.get().contact_every_days is None


def test_bad_input_on_edit_changes_nothing(world, staff_client):
    person = PersonWhoMattersFactory(resident=world.resident, name="Jim", phone="01632 960555")
    response = staff_client.post(
        edit_url(world, person), person_data(name="Jimmy", phone="abc", is_active="on")
    )
    assert "only digits" in field_error(response, "phone")
    person.refresh_from_db()
    assert (person.name, person.phone) == ("Jim", "01632 960555")


def test_someone_of_another_resident_or_home_is_404(world, client_for):
    manager = client_for(world.manager)
    arthurs = PersonWhoMattersFactory(resident=world.unlinked_resident)
    # Arthur's friend, reached through Peggy's plan.
    url = edit_url(world, arthurs, resident=world.resident)
    assert manager.get(url).status_code == 404
    assert manager.post(url, person_data(is_active="on")).status_code == 404
    foreign = PersonWhoMattersFactory(resident=world.foreign_resident)
    assert manager.get(edit_url(world, foreign, resident=world.resident)).status_code == 404
    assert manager.get(edit_url(world, foreign)).status_code == 404
    assert manager.post(add_url(world, world.foreign_resident), person_data()).status_code == 404
    arthurs.refresh_from_db()
    assert arthurs.name != "Susan Baxter"
    assert not PersonWhoMatters.objects.filter(resident=world.foreign_resident, name="Susan Baxter").exists()


def test_a_relative_gets_403_and_an_outsider_404(world, client_for):
    person = PersonWhoMattersFactory(resident=world.resident)
    for url in (add_url(world), edit_url(world, person)):
        assert client_for(world.relative).get(url).status_code == 403
        assert client_for(world.relative).post(url, person_data()).status_code == 403
        assert client_for(world.outsider).get(url).status_code == 404
    assert PersonWhoMatters.objects.count() == 1


def test_changes_to_a_person_are_in_their_history(world, client_for):
    person = PersonWhoMattersFactory(resident=world.resident, name="Jim", relationship="friend")
    client_for(world.staff).post(edit_url(world, person), person_data(name="Jim", relationship="old friend"))
    content_type = ContentType.objects.get_for_model(PersonWhoMatters)
    url = reverse("homes:history", args=[world.home.slug, content_type.pk, person.pk])
    text = main_text(client_for(world.manager).get(url))
    assert "Updated by Aisha Bello on" in text
    assert "Relationship friend old friend" in text
    assert "Still in touch Yes No" in text


# --- The services, called directly ---------------------------------------------


def test_person_add_checks_the_rules_itself(world):
    base = {"name": "Sue", "relationship": "daughter", "contact_every_days": 7}
    with pytest.raises(DomainError) as raised:
        person_add(home=world.home, actor=world.staff.user, resident=world.resident, data=base)
    assert raised.value.field == "ways"
    with pytest.raises(DomainError) as raised:
        person_add(
            home=world.home,
            actor=world.staff.user,
            resident=world.resident,
            data={**base, "by_phone": True, "phone": "12"},
        )
    assert raised.value.field == "phone"
    with pytest.raises(DomainError):
        person_add(home=world.home, actor=world.staff.user, resident=world.foreign_resident, data=base)
    assert not PersonWhoMatters.objects.exists()
    person = person_add(
        home=world.home, actor=world.staff.user, resident=world.resident, data={**base, "by_phone": True}
    )
    assert person.is_active and person.by_phone


def test_person_update_refuses_another_homes_person(world):
    foreign = PersonWhoMattersFactory(resident=ResidentFactory(home=world.other_home))
    with pytest.raises(DomainError):
        person_update(
            home=world.home, actor=world.staff.user, person=foreign, data={"name": "X", "relationship": "y"}
        )
