"""A double tap: the same create form sent twice at the same moment, each on
its own database connection. The first holds its transaction open while the
second arrives, so the second really races it: the unique token decides, the
second is told "This was already saved" (``AlreadySaved``), one record is
made and one email queued, and nobody sees an error page."""

import threading
import time
import traceback
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from homes import services as homes_services
from homes import submissions
from homes.models import FormSubmission, Invitation, Role, Space
from homes.scoping import home_scope
from homes.submissions import AlreadySaved
from homes.tests.factories import HomeFactory, MembershipFactory
from notifications.models import Reminder

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

HOLD = 0.5  # seconds the first keeps its transaction open after creating


@pytest.fixture
def first_holds_its_transaction_open(monkeypatch):
    """Whoever claims the token first waits, still inside its transaction,
    after saving what it created: the other tap arrives meanwhile."""
    created = submissions._Claim.created

    def slow(self, record):
        created(self, record)
        time.sleep(HOLD)

    monkeypatch.setattr(submissions._Claim, "created", slow)


def at_once(work, times=2):
    """Run ``work()`` in ``times`` threads released together; (results, errors)."""
    barrier = threading.Barrier(times)
    results, errors, lock = [], [], threading.Lock()

    def run():
        try:
            barrier.wait()
            result = work()
            with lock:
                results.append(result)
        except Exception:  # noqa: BLE001 - anything else would be a 500
            with lock:
                errors.append(traceback.format_exc())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_an_invitation_double_tapped_is_saved_and_emailed_once(first_holds_its_transaction_open):
    home = HomeFactory(name="Rowan House", slug="rowan")
    manager = MembershipFactory(home=home, role=Role.MANAGER)
    token = uuid.uuid4()

    def tap():
        with home_scope(home):
            try:
                invitation = homes_services.invitation_create(
                    home=home,
                    actor=manager.user,
                    email="sam@example.com",
                    full_name="Sam Okoro",
                    role=Role.STAFF,
                    form_token=token,
                )
            except AlreadySaved as saved:
                return ("already saved", saved.record.pk if saved.record else None)
            return ("saved", invitation.pk)

    results, errors = at_once(tap)

    assert errors == [], "\n".join(errors)
    assert sorted(kind for kind, _ in results) == ["already saved", "saved"]
    invitation = Invitation.objects.get(home=home)
    assert {pk for _, pk in results} == {invitation.pk}  # the second is shown the first's invitation
    assert Reminder.objects.filter(kind__contains="invitation").count() == 1
    assert FormSubmission.objects.filter(token=token).count() == 1


def test_a_space_double_tapped_over_http_is_added_once_without_an_error_page(
    first_holds_its_transaction_open,
):
    home = HomeFactory(name="Rowan House", slug="rowan")
    manager = MembershipFactory(home=home, role=Role.MANAGER)
    url = reverse("homes:space_add", args=[home.slug])
    data = {
        "name": "Quiet room",
        "kind": "lounge",
        "capacity": 4,
        "bookable": "on",
        "is_active": "on",
        "buffer_minutes": 15,
        "form_token": str(uuid.uuid4()),
    }
    taps = []
    for _ in range(2):  # two tabs of one browser: the same person, the same form
        client = Client()
        client.force_login(manager.user, backend="django.contrib.auth.backends.ModelBackend")
        taps.append(client)
    lock = threading.Lock()

    def tap():
        with lock:
            client = taps.pop()
        response = client.post(url, data)
        return client, response

    results, errors = at_once(tap)

    assert errors == []
    assert [response.status_code for _, response in results] == [302, 302]
    assert {response.url for _, response in results} == {reverse("homes:spaces", args=[home.slug])}
    assert Space.objects.filter(home=home, name="Quiet room").count() == 1
    spaces = reverse("homes:spaces", args=[home.slug])
    said = [str(m) for client, _ in results for m in client.get(spaces).context["messages"]]
    assert said.count("This was already saved.") == 1
    assert said.count("“Quiet room” was saved.") == 1
