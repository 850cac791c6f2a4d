"""A change history that misses nothing: bulk writes are recorded with who and
when, nested services keep the outer actor, a page read writes nothing,
demo rows show their history, and values are shown whole."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from carehome.audit import acting_as, current_actor
from homes.audit import record_created, record_demo_history, record_update
from homes.services import invitation_accept
from homes.setup import home_set_up
from homes.tests.factories import HomeFactory, MembershipFactory
from residents.models import Friendship, HomeConnectionSettings, RelativeLink, Resident, SupportFlag
from residents.services.connections import connection_log
from residents.services.peers import peers_flag_friends_of
from residents.tests.factories import FriendshipFactory, ResidentFactory
from tests.html import history_entries
from visits.models import CalendarFeed, PendingFamilyLink
from visits.services.booking import feed_create, feed_revoke
from visits.services.family import family_invite


def entries_for(record, action=None):
    rows = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_pk=str(record.pk)
    ).order_by("timestamp", "pk")
    return list(rows.filter(action=action) if action is not None else rows)


def history_url(home, record):
    content_type = ContentType.objects.get_for_model(record)
    return reverse("homes:history", args=[home.slug, content_type.pk, record.pk])


# --- Nested actors ------------------------------------------------------------


def test_a_nested_actor_keeps_the_outer_one(world):
    outer, inner = world.manager.user, world.staff.user
    with acting_as(outer):
        with acting_as(inner):
            assert current_actor() == outer
        # The inner block ending does not end the outer one.
        assert current_actor() == outer
        ResidentFactory(home=world.home, full_name="Ada Lovelace")
    assert current_actor() is None
    created = entries_for(Resident.objects.get(full_name="Ada Lovelace"), LogEntry.Action.CREATE)
    assert [e.actor for e in created] == [outer]


def test_creating_a_calendar_feed_is_recorded_as_the_relative(world):
    relative = world.relative
    old = feed_create(home=world.home, actor=relative.user, membership=relative)
    new = feed_create(home=world.home, actor=relative.user, membership=relative)

    (created,) = entries_for(new, LogEntry.Action.CREATE)
    assert created.actor == relative.user
    assert created.additional_data == {"home_id": world.home.pk}
    # Replacing the feed revoked the old one (a bulk update), recorded too.
    (revoked,) = entries_for(old, LogEntry.Action.UPDATE)
    assert revoked.actor == relative.user
    assert set(revoked.changes_dict) == {"revoked_at"}
    assert revoked.additional_data == {"home_id": world.home.pk}


def test_revoking_a_calendar_feed_is_recorded(world):
    feed = feed_create(home=world.home, actor=world.relative.user, membership=world.relative)
    assert feed_revoke(home=world.home, actor=world.manager.user, membership=world.relative) == 1
    (revoked,) = entries_for(feed, LogEntry.Action.UPDATE)
    assert revoked.actor == world.manager.user
    before, after = revoked.changes_dict["revoked_at"]
    assert before == "None" and after != "None"


# --- Bulk writes in services --------------------------------------------------


def test_accepting_an_invitation_records_the_relatives_links(world):
    outcome = family_invite(
        home=world.home,
        actor=world.staff.user,
        email="sue.baxter@example.org",
        full_name="Sue Baxter",
        links=[(world.resident, "granddaughter", None)],
    )
    pending = PendingFamilyLink.objects.get(invitation=outcome.invitation)
    membership = invitation_accept(
        invitation=outcome.invitation, full_name="Sue Baxter", password="x-Long-pw-9!"
    )
    link = RelativeLink.objects.get(membership=membership, resident=world.resident)
    (created,) = entries_for(link, LogEntry.Action.CREATE)
    assert created.actor == membership.user
    assert created.additional_data == {"home_id": world.home.pk}
    assert created.changes_dict["relationship"] == ["None", "granddaughter"]
    # The pending link made with the invitation is recorded as the staff member's.
    (made,) = entries_for(pending, LogEntry.Action.CREATE)
    assert made.actor == world.staff.user


def test_ending_friendships_and_raising_support_flags_are_recorded(world):
    friend = ResidentFactory(home=world.home, full_name="Arthur Friend")
    friendship = FriendshipFactory(home=world.home, resident_a=world.resident, resident_b=friend)
    today = timezone.localdate()

    flags = peers_flag_friends_of(
        resident=world.resident, actor=world.manager.user, when=today, reason="has moved out"
    )

    friendship.refresh_from_db()
    assert friendship.ended_on == today
    (ended,) = entries_for(friendship, LogEntry.Action.UPDATE)
    assert ended.actor == world.manager.user
    assert ended.changes_dict == {"ended_on": ["None", str(today)]}
    assert ended.additional_data == {"home_id": world.home.pk}
    (flag,) = flags
    assert SupportFlag.objects.get(pk=flag.pk).resident == friend
    (raised,) = entries_for(flag, LogEntry.Action.CREATE)
    assert raised.actor == world.manager.user
    assert raised.additional_data == {"home_id": world.home.pk}


def test_logging_a_group_connection_records_each_participant(world):
    connection = connection_log(
        home=world.home,
        actor=world.staff.user,
        residents_with_responses=[(world.resident, "active", ""), (world.unlinked_resident, "passive", "")],
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
        with_whom="group",
        mode="group_activity",
        with_name="Singing group",
    )
    for participant in connection.participants.all():
        (created,) = entries_for(participant, LogEntry.Action.CREATE)
        assert created.actor == world.staff.user


def test_record_update_reads_expressions_back_and_skips_rows_that_did_not_change(world):
    from django.db.models import F

    a = FriendshipFactory(home=world.home, resident_a=world.resident, resident_b=world.unlinked_resident)
    with acting_as(world.manager.user):
        count = record_update(
            Friendship.objects.for_home(world.home).filter(pk=a.pk), notes=F("notes"), ended_on=None
        )
    assert count == 1
    assert entries_for(a, LogEntry.Action.UPDATE) == []  # nothing changed, nothing recorded


def test_record_created_skips_models_that_are_not_audited(world):
    from notifications.models import Reminder

    assert record_created([Reminder(pk=1)]) == []


# --- A page read never writes -------------------------------------------------


def test_a_new_home_gets_its_settings_where_it_is_created(db):
    home = HomeFactory()
    assert not HomeConnectionSettings.objects.filter(home=home).exists()
    home_set_up(home=home)
    home_set_up(home=home)  # idempotent
    assert HomeConnectionSettings.objects.filter(home=home).count() == 1


def test_opening_the_dashboard_of_a_fresh_home_writes_nothing(db, client_for):
    from homes.models import Role

    home = HomeFactory()
    manager = MembershipFactory(home=home, role=Role.MANAGER)
    client = client_for(manager)
    logged = LogEntry.objects.count()
    url = reverse("homes:dashboard", args=[home.slug])
    with CaptureQueriesContext(db_connection) as queries:
        assert client.get(url).status_code == 200
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "qsessions_session" not in q["sql"]
    ]
    assert writes == []
    assert LogEntry.objects.count() == logged
    assert not HomeConnectionSettings.objects.filter(home=home).exists()
    # The settings page reads the defaults too, without saving them.
    response = client.get(reverse("residents:settings", args=[home.slug]))
    assert response.status_code == 200
    assert not HomeConnectionSettings.objects.filter(home=home).exists()


# --- Demo rows and whole values -----------------------------------------------


def test_demo_rows_show_that_the_demo_created_them(world, client_for):
    (bulk,) = Resident.objects.bulk_create(
        [Resident(home=world.home, full_name="Edith Demo", room="9", admitted_on=timezone.localdate())]
    )
    written = record_demo_history(world.home)
    assert written >= 1
    (created,) = entries_for(bulk, LogEntry.Action.CREATE)
    assert created.additional_data == {"home_id": world.home.pk, "source": "demo"}
    assert record_demo_history(world.home) == 0  # running it again adds nothing

    response = client_for(world.manager).get(history_url(world.home, bulk))
    ((heading, changes),) = history_entries(response)
    assert heading.startswith("Created by the demo on ")
    assert changes["Full name"] == ("—", "Edith Demo")


def test_the_history_shows_whole_values(world, client_for):
    note = "Likes the window seat in the garden room, where she can watch the birds. " * 4
    connection = connection_log(
        home=world.home,
        actor=world.staff.user,
        residents_with_responses=[(world.resident, "active", "")],
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
        with_whom="group",
        mode="group_activity",
        with_name="Singing group",
        note=note,
    )
    response = client_for(world.manager).get(history_url(world.home, connection))
    ((heading, changes),) = history_entries(response)
    assert heading.startswith("Created by Aisha Bello")
    assert changes["Note"] == ("—", note.strip())


@pytest.mark.parametrize("secret", ["token"])
def test_the_calendar_feed_token_never_enters_the_history(world, secret):
    feed = feed_create(home=world.home, actor=world.relative.user, membership=world.relative)
    assert CalendarFeed.objects.get(pk=feed.pk).token
    for entry in entries_for(feed):
        assert secret not in entry.changes_dict
        assert feed.token not in str(entry.changes)


# --- A request's writes -------------------------------------------------------


def test_a_pages_writes_record_the_signed_in_person_and_their_own_address(world, client):
    """The history names who made the change and from where: the connection's
    own address, not one a browser claims in X-Forwarded-For (Kith is not
    behind a proxy here), and the request leaves no receiver behind."""
    from django.db.models.signals import pre_save

    receivers = len(pre_save.receivers)
    client.force_login(world.relative.user)
    response = client.post(
        reverse("visits:feed_new", args=[world.home.slug]),
        HTTP_X_FORWARDED_FOR="203.0.113.9",
        REMOTE_ADDR="192.0.2.44",
    )
    assert response.status_code == 302
    (created,) = entries_for(CalendarFeed.objects.get(membership=world.relative), LogEntry.Action.CREATE)
    assert created.actor == world.relative.user
    assert created.actor_email == world.relative.user.email
    assert created.remote_addr == "192.0.2.44"
    assert len(pre_save.receivers) == receivers
    # Outside the request nobody is acting.
    assert current_actor() is None
