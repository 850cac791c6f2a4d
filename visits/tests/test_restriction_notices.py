"""Anne's Law, completely: relatives told in writing when a restriction is
recorded, changed at a review or ended (one notice per person per channel, a
letter for post where they chose neither email nor text), the notices kept
with the restriction; a resident at the end of life keeps visits from their
named relatives whatever restriction is in force."""

from datetime import time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from carehome.errors import DomainError
from homes.models import Role
from homes.tests.factories import MembershipFactory
from notifications import delivery
from notifications.models import Channel, ContactPreference, Reminder
from residents.models import RelativeLink, Resident
from residents.services.residents import resident_visiting_priority_set
from residents.tests.factories import RelativeLinkFactory
from tests.html import main_text
from visits.models import Visit
from visits.services.access import restriction_add, restriction_end, restriction_review_add
from visits.services.booking import visit_book
from visits.tests.factories import VisitRestrictionFactory

NOTICE = "visits.restriction_notice"
TODAY = timezone.localdate


def notices(**filters):
    return list(Reminder.objects.filter(kind=NOTICE, **filters).order_by("id"))


def record(world, **fields):
    values = {
        "reason": "Norovirus outbreak on the first floor; Peggy is unwell.",
        "alternatives_considered": "Visits in the garden room; window visits; video calls.",
        "people_involved": "Peggy, her daughter Linda, the GP and the home manager.",
        "starts_on": TODAY(),
        "expected_end_on": TODAY() + timedelta(days=10),
        "next_review_on": TODAY() + timedelta(days=3),
        **fields,
    }
    return restriction_add(home=world.home, actor=world.manager.user, resident=world.resident, **values)


@pytest.fixture
def by_post(world):
    """A second relative of Peggy's, who chose letters only (no email, no mobile)."""
    son = MembershipFactory(home=world.home, role=Role.FAMILY, user__full_name="Tom Baxter")
    RelativeLinkFactory(resident=world.resident, membership=son, relationship="son")
    ContactPreference.objects.create(
        user=son.user,
        by_email=False,
        by_text=False,
        by_post=True,
        postal_address="2 Mill Lane\nLeeds LS1 1AA",
    )
    return son


def test_recording_a_restriction_tells_each_relative_once_by_their_channel(world, by_post):
    paused = MembershipFactory(home=world.home, role=Role.FAMILY)
    RelativeLinkFactory(resident=world.resident, membership=paused, status=RelativeLink.Status.PAUSED)
    other = MembershipFactory(home=world.home, role=Role.FAMILY)
    RelativeLinkFactory(resident=world.unlinked_resident, membership=other)

    restriction = record(world)

    rows = notices()
    assert {(r.user_id, r.channel) for r in rows} == {
        (world.relative.user_id, Channel.EMAIL),
        (by_post.user_id, Channel.POST),
    }
    assert all(r.object_id == restriction.pk and r.data["event"] == "recorded" for r in rows)
    assert rows[0].data["reason"].startswith("Norovirus")


def test_the_email_gives_the_reasons_and_what_stays_possible(world):
    record(world)
    mail.outbox.clear()
    Reminder.objects.filter(kind=NOTICE).update(not_before=timezone.now() - timedelta(minutes=1))
    delivery.deliver(list(Reminder.objects.filter(kind=NOTICE).values_list("pk", flat=True)))
    (message,) = mail.outbox
    assert message.to == [world.relative.user.email]
    assert "Visiting Peggy" in message.subject
    assert "Why: Norovirus outbreak" in message.body
    assert "What stays possible" in message.body and "Phone and video calls" in message.body
    assert notices()[0].status == Reminder.Status.SENT


def test_the_letter_is_listed_for_staff_to_post(world, by_post, client_for):
    record(world)
    (letter,) = notices(channel=Channel.POST)
    assert letter.user == by_post.user and letter.status == Reminder.Status.PENDING
    from notifications.selectors import letters_to_post

    letters, total = letters_to_post(world.home)
    assert total == 1 and "2 Mill Lane" in letters[0].postal_address
    assert "Why: Norovirus outbreak" in letters[0].text


def test_ending_sends_one_notice_per_relative(world, by_post):
    restriction = record(world)
    restriction_end(home=world.home, actor=world.manager.user, restriction=restriction, ended_on=TODAY())
    ended = [r for r in notices() if r.data["event"] == "ended"]
    assert {(r.user_id, r.channel) for r in ended} == {
        (world.relative.user_id, Channel.EMAIL),
        (by_post.user_id, Channel.POST),
    }


def test_a_review_that_changes_the_end_sends_one_a_review_that_does_not_sends_none(world):
    restriction = record(world)
    assert len(notices()) == 1
    restriction_review_add(
        home=world.home,
        actor=world.manager.user,
        restriction=restriction,
        reviewed_on=TODAY(),
        outcome="Still unwell; keep it as it is.",
        next_review_on=TODAY() + timedelta(days=5),
    )
    assert len(notices()) == 1
    restriction.refresh_from_db()
    restriction_review_add(
        home=world.home,
        actor=world.manager.user,
        restriction=restriction,
        reviewed_on=TODAY(),
        outcome="Outbreak clearing: ends sooner.",
        next_review_on=TODAY() + timedelta(days=4),
        expected_end_on=TODAY() + timedelta(days=6),
    )
    changed = [r for r in notices() if r.data["event"] == "changed"]
    assert len(changed) == 1 and changed[0].user == world.relative.user
    assert changed[0].data["expected_end_on"] == (TODAY() + timedelta(days=6)).isoformat()
    assert changed[0].data["outcome"] == "Outbreak clearing: ends sooner."


def test_the_restriction_page_lists_what_was_sent_to_whom(world, by_post, client_for):
    restriction = record(world)
    page = main_text(
        client_for(world.manager).get(
            reverse("visits:restriction_detail", args=[world.home.slug, restriction.pk])
        )
    )
    assert "Written notices to relatives" in page
    assert "Visiting restriction recorded — Linda Baxter, by email" in page
    assert "Visiting restriction recorded — Tom Baxter, by post" in page


# --- End of life ---------------------------------------------------------------------


def book(world, membership):
    return visit_book(
        home=world.home,
        actor=membership.user,
        membership=membership,
        resident=world.resident,
        day=TODAY() + timedelta(days=3),
        start_time=time(14),
        end_time=time(15),
        space=world.space,
    )


def test_end_of_life_lets_the_essential_care_supporter_book_despite_a_restriction(world):
    VisitRestrictionFactory(resident=world.resident, home=world.home)
    with pytest.raises(DomainError, match="restricted"):
        book(world, world.relative)
    resident_visiting_priority_set(
        home=world.home,
        actor=world.staff.user,
        resident=world.resident,
        priority=Resident.VisitingPriority.END_OF_LIFE,
        note="Agreed with the GP.",
    )
    book(world, world.relative)
    assert Visit.objects.filter(resident=world.resident).count() == 1
    world.resident.refresh_from_db()
    assert world.resident.visiting_priority_since == TODAY()


def test_the_mark_is_recorded_with_history_and_shown_on_the_register(world, client_for):
    from auditlog.models import LogEntry

    VisitRestrictionFactory(resident=world.resident, home=world.home)
    client = client_for(world.staff)
    page_url = reverse("residents:visiting_priority", args=[world.home.slug, world.resident.pk])
    opened = client.get(page_url)
    assert opened.status_code == 200
    response = client.post(
        page_url,
        {
            "visiting_priority": "deteriorated",
            "visiting_priority_note": "",
            "version": world.resident.version,
        },
    )
    assert response.status_code == 302
    world.resident.refresh_from_db()
    assert world.resident.visiting_priority == "deteriorated"
    entry = LogEntry.objects.get_for_object(world.resident).filter(action=LogEntry.Action.UPDATE).last()
    assert entry.actor == world.staff.user and "visiting_priority" in entry.changes_dict
    register = main_text(
        client_for(world.manager).get(reverse("visits:restrictions", args=[world.home.slug]))
    )
    assert "Condition has significantly deteriorated" in register
    assert "named relatives can still visit" in register


def test_a_bad_choice_is_refused_next_to_the_field(world, client_for):
    page_url = reverse("residents:visiting_priority", args=[world.home.slug, world.resident.pk])
    response = client_for(world.staff).post(page_url, {"visiting_priority": "maybe", "version": 1})
    assert response.status_code == 200
    assert "Choose end of life, significant deterioration, or no." in main_text(response)
    world.resident.refresh_from_db()
    assert world.resident.visiting_priority == ""


def test_an_essential_care_supporter_can_always_visit(world):
    """Visiting is a right: the relative named in the plan as an essential care
    supporter books through any restriction, without being listed on it."""
    from residents.tests.factories import PersonWhoMattersFactory

    VisitRestrictionFactory(resident=world.resident, home=world.home)
    link = RelativeLink.objects.get(membership=world.relative, resident=world.resident)
    link.person = PersonWhoMattersFactory(
        home=world.home, resident=world.resident, name="Linda Baxter", essential_care_supporter=True
    )
    link.save()
    book(world, world.relative)
    assert Visit.objects.filter(resident=world.resident, booked_by=world.relative).count() == 1
