"""A mail server's refusal often repeats the recipient's address; what Kith
writes to its logs (shipped to log services, read by whoever runs the
servers) has "<address>" instead. The Messages page keeps the full answer
for the manager."""

import logging
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from notifications import delivery, services
from notifications.models import Reminder
from tests.outbox_harness import free_port


class RefusingServer:
    """A real SMTP server that refuses every recipient, naming them, as many do."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown in mailbox {address}"


@pytest.fixture
def refusing_smtp(settings):
    controller = Controller(RefusingServer(), hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_TIMEOUT = False, "", 10
    yield
    controller.stop()


def test_a_refused_address_is_not_written_to_the_logs(world, refusing_smtp, caplog):
    services.reminders_schedule(
        home=world.home,
        kind="notifications.test_message",
        obj=world.home,
        recipients=["claire.hughes@example.org"],
        due=timezone.now() - timedelta(minutes=1),
    )
    with caplog.at_level(logging.INFO, logger="notifications"):
        assert delivery.deliver(list(Reminder.objects.values_list("pk", flat=True)))["failed"] == 1
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Recipient address rejected" in logged
    assert "<address>" in logged
    assert "claire.hughes" not in logged and "example.org" not in logged
    assert "claire.hughes@example.org" in Reminder.objects.get().last_error  # for the manager


@pytest.mark.parametrize(
    ("text", "logged"),
    [
        (
            "{'a.b+c@example.org': (550, b'5.1.1 <a.b+c@example.org>: no')}",
            "{'<address>': (550, b'5.1.1 <address>: no')}",
        ),
        ("Connection refused", "Connection refused"),
    ],
)
def test_addresses_are_taken_out_of_error_text(text, logged):
    assert delivery.for_the_log(text) == logged


def test_phone_numbers_in_a_providers_answer_are_not_logged():
    from notifications.delivery import for_the_log

    logged = for_the_log(
        "21211 The 'To' number +447700900123 is not valid (also 07700 900 123); retry at 2026-12-01 18:00"
    )
    assert "447700900123" not in logged and "07700 900 123" not in logged
    assert logged.count("<number>") == 2
    assert "2026-12-01 18:00" in logged and "21211" in logged
