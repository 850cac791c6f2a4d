"""The training register's pages: the register with its filters, recording
a course and changing one."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from carehome.timeutils import day_text
from homes.models import Role
from tests.html import alert_text, field_error, main_text, text_of
from volunteers.models import TrainingRecord, Volunteer, VolunteerRole
from volunteers.tests.factories import (
    MembershipFactory,
    TrainingRecordFactory,
    VolunteerFactory,
    VolunteerRoleFactory,
    module,
)

pytestmark = pytest.mark.django_db


def url(name, world, *args):
    return reverse(f"volunteers:{name}", args=[world.home.slug, *args])


def today():
    return timezone.localdate()


@pytest.fixture
def champion(world, client_for):
    return client_for(world.champion)


def befriender(world):
    role = VolunteerRoleFactory(home=world.home, name="Befriender")
    role.training.add(module("safeguarding-adults"), module("dementia-awareness"))
    return role


def person_card(response, anchor):
    page = response.content.decode()
    found = re.search(
        rf'<li class="col-12 col-lg-6" id="{anchor}">(.*?)</li>\s*(?:<li class="col|</ul>)', page, re.S
    )
    return text_of(found.group(1)) if found else None


def test_the_register_shows_each_person_and_each_course_in_words(world, champion):
    volunteer = VolunteerFactory(
        home=world.home, full_name="Ann Jones", status=Volunteer.Status.ACTIVE, roles=[befriender(world)]
    )
    due = today() + timedelta(days=20)
    TrainingRecordFactory(volunteer=volunteer, module=module("safeguarding-adults"), expires_on=due)
    TrainingRecordFactory(
        volunteer=None,
        member=world.staff,
        module=module("first-aid"),
        expires_on=date(2020, 1, 1),
        completed_on=date(2017, 1, 1),
    )
    response = champion.get(url("training", world))
    assert response.status_code == 200
    ann = person_card(response, f"volunteer-{volunteer.pk}")
    assert ann.startswith("Ann Jones Befriender")
    assert "Induction: Missing needed for their role" in ann
    assert f"Safeguarding adults: Due soon renew by {day_text(due)}" in ann
    assert "Dementia awareness: Missing needed for their role" in ann
    aisha = person_card(response, f"staff-{world.staff.pk}")
    assert f"First aid: Expired ran out on {day_text(date(2020, 1, 1))}" in aisha
    text = main_text(response)
    assert "1 expired, 1 due soon and 2 missing." in text
    assert "Nobody on the staff has in-date volunteer management training yet." in text


def test_the_register_names_staff_trained_to_manage_volunteers(world, champion):
    renew = today() + timedelta(days=300)
    TrainingRecordFactory(
        volunteer=None, member=world.staff, module=module("volunteer-management"), expires_on=renew
    )
    text = main_text(champion.get(url("training", world)))
    assert (
        "Staff trained to manage volunteers They can be a volunteer's contact in the home. "
        f"Aisha Bello (Care staff), renew by {day_text(renew)}" in text
    )


def test_the_filters_narrow_the_register(world, champion):
    role = befriender(world)
    ann = VolunteerFactory(
        home=world.home, full_name="Ann Jones", status=Volunteer.Status.ACTIVE, roles=[role]
    )
    bob = VolunteerFactory(
        home=world.home, full_name="Bob Smith", status=Volunteer.Status.ACTIVE, roles=[role]
    )
    for slug in ("induction", "safeguarding-adults", "dementia-awareness"):
        TrainingRecordFactory(
            volunteer=bob,
            module=module(slug),
            expires_on=None if slug == "induction" else today() + timedelta(days=500),
        )
    TrainingRecordFactory(volunteer=None, member=world.staff, module=module("first-aid"))

    volunteers_only = main_text(champion.get(url("training", world) + "?people=volunteers"))
    assert "Ann Jones" in volunteers_only and "Aisha Bello" not in volunteers_only

    attention = main_text(champion.get(url("training", world) + "?attention=1"))
    assert "Ann Jones" in attention
    assert "Bob Smith" not in attention  # everything in date
    assert "Aisha Bello" not in attention

    first_aid = module("first-aid")
    by_course = main_text(champion.get(url("training", world) + f"?module={first_aid.pk}"))
    assert "Aisha Bello" in by_course and "Ann Jones" not in by_course and "Bob Smith" not in by_course
    assert ann.pk  # used above

    nonsense = champion.get(url("training", world) + "?people=<b>&module=abc&attention=yes")
    assert nonsense.status_code == 200


def test_a_course_is_recorded_for_a_preselected_volunteer(world, champion):
    volunteer = VolunteerFactory(home=world.home, full_name="Ann Jones", status=Volunteer.Status.ACTIVE)
    page = champion.get(url("training_add", world) + f"?volunteer={volunteer.pk}")
    assert f'<option value="v{volunteer.pk}" selected>Ann Jones</option>' in page.content.decode()
    assert 'optgroup label="Staff"' in page.content.decode()
    response = champion.post(
        url("training_add", world),
        {
            "person": f"v{volunteer.pk}",
            "module": module("safeguarding-adults").pk,
            "completed_on": "2025-03-14",
        },
    )
    assert response.status_code == 302
    assert response.url == url("training", world) + f"#volunteer-{volunteer.pk}"
    saved = TrainingRecord.objects.get()
    assert (saved.volunteer, saved.expires_on) == (volunteer, date(2028, 3, 14))
    text = main_text(champion.get(response.url))
    assert f"Safeguarding adults for Ann Jones was saved. Renew by {day_text(date(2028, 3, 14))}." in text


def test_a_course_for_a_volunteer_not_active_yet_goes_back_to_their_page(world, champion):
    volunteer = VolunteerFactory(home=world.home, status=Volunteer.Status.INDUCTION)
    response = champion.post(
        url("training_add", world),
        {"person": f"v{volunteer.pk}", "module": module("induction").pk, "completed_on": today().isoformat()},
    )
    assert response.url == url("volunteer_detail", world, volunteer.pk)


def test_a_course_is_recorded_for_a_member_of_staff(world, champion):
    page = champion.get(url("training_add", world) + f"?member={world.staff.pk}")
    assert (
        f'<option value="m{world.staff.pk}" selected>Aisha Bello (Care staff)</option>'
        in page.content.decode()
    )
    response = champion.post(
        url("training_add", world),
        {
            "person": f"m{world.staff.pk}",
            "module": module("volunteer-management").pk,
            "completed_on": today().isoformat(),
            "provider": "Making Pals",
        },
    )
    assert response.status_code == 302
    assert TrainingRecord.objects.get().member == world.staff
    assert "Aisha Bello (Care staff)" in main_text(champion.get(url("training", world)))


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"person": ""}, "person", "Choose who did the training."),
        ({"person": "v999999"}, "person", "Choose someone from the list."),
        ({"module": ""}, "module", "Choose the course from the list."),
        ({"completed_on": "9999-12-31"}, "completed_on", "That date is in the future"),
        ({"completed_on": "0001-01-01"}, "completed_on", "Check the year"),
        ({"completed_on": "2025-02-30"}, "completed_on", "Enter the date they completed it"),
        ({"expires_on": "2025-01-01"}, "expires_on", "must be after the date they completed it"),
        ({"expires_on": "2090-01-01"}, "expires_on", "at most 10 years on"),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_nothing_is_saved(
    world, champion, fields, field, message
):
    data = {"person": f"m{world.staff.pk}", "module": module("first-aid").pk, "completed_on": "2025-03-14"}
    data.update(fields)
    response = champion.post(url("training_add", world), data)
    assert response.status_code == 200
    assert message in field_error(response, field)
    assert not TrainingRecord.objects.exists()


def test_a_staff_only_course_for_a_volunteer_is_explained_next_to_the_course(world, champion):
    volunteer = VolunteerFactory(home=world.home)
    response = champion.post(
        url("training_add", world),
        {
            "person": f"v{volunteer.pk}",
            "module": module("volunteer-management").pk,
            "completed_on": "2025-03-14",
        },
    )
    assert (
        field_error(response, "module")
        == "Volunteer management is a course for staff. Choose another course."
    )


def test_a_person_of_another_home_is_not_offered_and_is_refused(world, champion):
    foreign = VolunteerFactory(home=world.other_home)
    page = champion.get(url("training_add", world)).content.decode()
    assert f'value="v{foreign.pk}"' not in page
    assert f'value="m{world.outsider.pk}"' not in page
    response = champion.post(
        url("training_add", world),
        {"person": f"v{foreign.pk}", "module": module("first-aid").pk, "completed_on": "2025-03-14"},
    )
    assert field_error(response, "person") == "Choose someone from the list."
    assert not TrainingRecord.objects.exists()


def test_changing_a_record_and_a_conflict_with_someone_elses_save(world, client_for):
    saved = TrainingRecordFactory(
        volunteer=None, member=world.staff, module=module("first-aid"), completed_on=date(2025, 1, 10)
    )
    edit = url("training_edit", world, saved.pk)
    page = client_for(world.champion).get(edit)
    assert "Change First aid for Aisha Bello" in main_text(page)
    assert 'name="person"' not in page.content.decode()
    data = {
        "module": saved.module.pk,
        "completed_on": "2025-01-10",
        "expires_on": "",
        "version": saved.version,
    }
    response = client_for(world.champion).post(edit, {**data, "provider": "St John Ambulance"})
    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.provider == "St John Ambulance"
    assert saved.expires_on == date(2028, 1, 10)
    late = client_for(world.manager).post(edit, {**data, "provider": "Red Cross"})
    assert late.status_code == 200
    assert "saved a change to this" in alert_text(late)
    saved.refresh_from_db()
    assert saved.provider == "St John Ambulance"


def test_a_record_of_another_home_is_404_even_for_a_manager(world, client_for):
    foreign = TrainingRecordFactory(volunteer=VolunteerFactory(home=world.other_home))
    client = client_for(world.manager)
    assert client.get(url("training_edit", world, foreign.pk)).status_code == 404
    assert client.post(url("training_edit", world, foreign.pk), {}).status_code == 404


@pytest.mark.parametrize("role", ["staff", "volunteer", "family"])
def test_staff_volunteers_and_families_get_403(world, client_for, role):
    saved = TrainingRecordFactory(volunteer=None, member=world.staff, module=module("first-aid"))
    client = client_for(world.member(role))
    for page in (url("training", world), url("training_add", world), url("training_edit", world, saved.pk)):
        assert client.get(page).status_code == 403, page
        assert client.post(page, {}).status_code == 403, page


def test_another_homes_manager_gets_404(world, client_for):
    saved = TrainingRecordFactory(volunteer=None, member=world.staff, module=module("first-aid"))
    client = client_for(world.outsider)
    for page in (url("training", world), url("training_add", world), url("training_edit", world, saved.pk)):
        assert client.get(page).status_code == 404, page


@pytest.mark.parametrize("role", ["manager", "champion"])
def test_the_coordinator_and_the_manager_use_the_register(world, client_for, role):
    assert client_for(world.member(role)).get(url("training", world)).status_code == 200


# --- A fixed number of queries ---------------------------------------------------------------


def grow(world, n):
    """n active volunteers with a role needing two courses, each with three
    records; n members of staff with two records each."""
    role = befriender(world)
    for _ in range(n):
        volunteer = VolunteerFactory(home=world.home, status=Volunteer.Status.ACTIVE, roles=[role])
        for slug in ("induction", "safeguarding-adults", "first-aid"):
            TrainingRecordFactory(volunteer=volunteer, module=module(slug))
        member = MembershipFactory(home=world.home, role=Role.STAFF)
        for slug in ("first-aid", "volunteer-management"):
            TrainingRecordFactory(volunteer=None, member=member, module=module(slug))
    return role


def count(client, page, django_assert_max_num_queries, ceiling=40):
    with django_assert_max_num_queries(ceiling) as captured:
        assert client.get(page).status_code == 200
    return len(captured.captured_queries)


def test_the_register_costs_the_same_for_3_or_30_people(world, champion, django_assert_max_num_queries):
    pages = [
        url("training", world),
        url("training", world) + "?attention=1",
        url("training", world) + f"?module={module('first-aid').pk}&people=staff",
        url("training_add", world),
    ]
    grow(world, 3)
    few = [count(champion, page, django_assert_max_num_queries) for page in pages]
    TrainingRecord.objects.all().delete()
    VolunteerRole.objects.all().delete()
    grow(world, 30)
    many = [count(champion, page, django_assert_max_num_queries, ceiling=max(few)) for page in pages]
    assert few == many
    assert max(many) <= 20, many
