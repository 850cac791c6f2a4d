"""Consent to volunteers' visits (residents.models.ConsentPurpose.VOLUNTEER_VISITS),
read at the moment of use: no visit is arranged without it, and withdrawing it
takes the resident off the volunteer's pages and stops their reminders at once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from carehome.errors import DomainError
from residents.models import Consent, ConsentPurpose
from residents.services.consent import consent_withdraw
from tests.html import main_text
from volunteers.messages.visits import visit_reminder_stale
from volunteers.models import Assignment
from volunteers.selectors.portal import my_resident, my_residents
from volunteers.services.matching import assignment_create
from volunteers.tests.factories import ShiftFactory
from volunteers.tests.test_matching_services import befriender, peggy, visit_fields  # noqa: F401 - fixture
from volunteers.tests.test_portal_views import client, me, plan, regular  # noqa: F401 - fixtures

VISITS = ConsentPurpose.VOLUNTEER_VISITS


def withdraw(world, resident):
    consent = Consent.objects.get(resident=resident, purpose=VISITS, withdrawn_at__isnull=True)
    return consent_withdraw(
        home=world.home,
        actor=world.manager.user,
        consent=consent,
        note="She told her key worker: no visitors.",
    )


def test_no_visit_is_arranged_without_consent(world, peggy):  # noqa: F811
    withdraw(world, peggy)
    jo = befriender(world)
    with pytest.raises(DomainError) as refused:
        assignment_create(**visit_fields(world, jo))
    assert refused.value.field == "resident"
    assert "Peggy has no consent recorded for visits from volunteers" in refused.value.message
    assert not Assignment.objects.exists()


def test_the_page_says_so_next_to_the_resident(world, peggy, client_for):  # noqa: F811
    withdraw(world, peggy)
    jo = befriender(world)
    fields = visit_fields(world, jo)
    response = client_for(world.manager).post(
        reverse("volunteers:assignment_add", args=[world.home.slug]),
        {
            "volunteer": jo.pk,
            "resident": peggy.pk,
            "role": fields["role"].pk,
            "weekday": 1,
            "starts_at": "14:00",
            "minutes": 60,
            "every": 1,
            "starts_on": fields["starts_on"].isoformat(),
        },
    )
    assert response.status_code == 200
    assert "no consent recorded for visits from volunteers" in main_text(response)
    assert not Assignment.objects.exists()


def test_withdrawing_consent_takes_the_resident_off_the_volunteers_pages_at_once(
    world,
    me,  # noqa: F811
    regular,  # noqa: F811
    client,  # noqa: F811
):
    shift = ShiftFactory(
        volunteer=me,
        assignment=regular,
        resident=world.resident,
        role=regular.role,
        title="",
        starts_at=timezone.now() + timedelta(days=2),
    )
    portal = reverse("volunteers:portal", args=[world.home.slug])
    assert "Peggy" in main_text(client.get(portal))
    assert my_residents(world.home, me)

    withdraw(world, world.resident)
    assert my_residents(world.home, me) == []
    assert my_resident(world.home, me, world.resident.pk) is None
    text = main_text(client.get(portal))
    assert "Peggy" not in text and "Margaret" not in text
    resident_page = reverse("volunteers:portal_resident", args=[world.home.slug, world.resident.pk])
    assert client.get(resident_page).status_code == 404

    class Due:
        data = {"starts_at": shift.starts_at.isoformat()}

    assert "consent to volunteers' visits was withdrawn" in visit_reminder_stale(shift, Due())


def test_no_new_visit_is_planned_after_consent_is_withdrawn(world, me, regular):  # noqa: F811
    from volunteers.models import Shift
    from volunteers.services.rota import shifts_plan

    until = timezone.localdate() + timedelta(weeks=6)
    withdraw(world, world.resident)
    Shift.objects.filter(assignment=regular).delete()
    shifts_plan(home=world.home, until=until)
    assert not Shift.objects.filter(assignment=regular).exists()


def test_visits_still_to_come_come_off_the_staff_rota_when_consent_is_withdrawn(world, me, regular):  # noqa: F811
    from residents.services.consent import consent_give
    from volunteers.models import Shift
    from volunteers.services.rota import shifts_plan

    until = timezone.localdate() + timedelta(weeks=3)
    shifts_plan(home=world.home, until=until)
    coming = Shift.objects.filter(assignment=regular, starts_at__gt=timezone.now())
    assert coming.exists()
    past = ShiftFactory(
        volunteer=me,
        assignment=regular,
        resident=world.resident,
        role=regular.role,
        starts_at=timezone.now() - timedelta(days=3),
    )
    withdraw(world, world.resident)
    assert set(coming.values_list("status", "status_note")) == {
        (Shift.Status.CANCELLED, "Peggy's consent to volunteers' visits was withdrawn.")
    }
    past.refresh_from_db()
    assert past.status == Shift.Status.PLANNED  # what already happened is left to be logged
    # Consent recorded again: the regular visits are still arranged, and the same visits
    # come back on the rota; one cancelled for another reason stays cancelled.
    other = coming.order_by("-starts_at").first()
    Shift.objects.filter(pk=other.pk).update(status_note="Jo is on holiday.")
    consent_give(
        home=world.home,
        actor=world.manager.user,
        resident=world.resident,
        purposes=[VISITS],
        given_by="resident",
        given_on=timezone.localdate(),
    )
    assert set(coming.exclude(pk=other.pk).values_list("status", flat=True)) == {Shift.Status.PLANNED}
    assert Shift.objects.get(pk=other.pk).status == Shift.Status.CANCELLED
