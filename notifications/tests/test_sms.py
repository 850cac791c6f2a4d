"""The text message backends, the Twilio adapter against a real HTTP server on
loopback (what it sends, and how its answers are sorted into "try again" and
"give up"), and the file backend the demo can use."""

import base64
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from notifications import sms


class FakeTwilio(BaseHTTPRequestHandler):
    answers = []
    received = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        FakeTwilio.received.append(
            {
                "path": self.path,
                "form": urllib.parse.parse_qs(self.rfile.read(length).decode()),
                "auth": self.headers["Authorization"],
                "key": self.headers["I-Twilio-Idempotency-Token"],
            }
        )
        status, body = FakeTwilio.answers.pop(0) if FakeTwilio.answers else (201, {"sid": "SM123"})
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def twilio(settings):
    server = HTTPServer(("127.0.0.1", 0), FakeTwilio)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeTwilio.answers, FakeTwilio.received = [], []
    settings.SMS_BACKEND = "notifications.sms.TwilioBackend"
    settings.TWILIO_ACCOUNT_SID = "AC0001"
    settings.TWILIO_AUTH_TOKEN = "secret"
    settings.TWILIO_API_URL = f"http://127.0.0.1:{server.server_port}"
    settings.SMS_FROM = "+447700900999"
    yield FakeTwilio
    server.shutdown()
    server.server_close()


def test_twilio_gets_the_number_the_words_and_the_idempotency_key(twilio):
    assert (
        sms.get_backend().send(
            to="+447700900123", body="Visit tomorrow 14:00", idempotency_key="kith-reminder-7"
        )
        == "SM123"
    )
    (request,) = twilio.received
    assert request["path"] == "/2010-04-01/Accounts/AC0001/Messages.json"
    assert request["form"] == {
        "To": ["+447700900123"],
        "From": ["+447700900999"],
        "Body": ["Visit tomorrow 14:00"],
    }
    assert request["key"] == "kith-reminder-7"
    assert base64.b64decode(request["auth"].split()[1]) == b"AC0001:secret"


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (500, sms.TransientSendError),
        (503, sms.TransientSendError),
        (429, sms.TransientSendError),
        (400, sms.PermanentSendError),
    ],
)
def test_twilio_answers_are_sorted_into_try_again_and_give_up(twilio, status, error):
    twilio.answers.append(
        (status, {"code": 21211, "message": "The 'To' number is not a valid phone number."})
    )
    with pytest.raises(error):
        sms.get_backend().send(to="+447700900123", body="x", idempotency_key="k")


def test_an_unreachable_provider_is_a_transient_failure(settings):
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = "AC0001", "secret"
    settings.TWILIO_API_URL = "http://127.0.0.1:9"  # discard port: nothing listens
    with pytest.raises(sms.TransientSendError, match="Could not reach"):
        sms.TwilioBackend().send(to="+447700900123", body="x", idempotency_key="k")


def test_without_credentials_twilio_fails_permanently_with_a_message(settings):
    settings.TWILIO_ACCOUNT_SID = ""
    with pytest.raises(sms.PermanentSendError, match="not set up"):
        sms.TwilioBackend().send(to="+447700900123", body="x", idempotency_key="k")


def test_the_file_backend_keeps_one_line_per_message(settings, tmp_path):
    settings.SMS_FILE_PATH = str(tmp_path)
    sms.FileBackend().send(to="+447700900123", body="Hello", idempotency_key="kith-reminder-1")
    sms.FileBackend().send(to="+447700900124", body="Again", idempotency_key="kith-reminder-2")
    lines = [json.loads(line) for line in (tmp_path / "sms.jsonl").read_text().splitlines()]
    assert [(line["to"], line["body"], line["key"]) for line in lines] == [
        ("+447700900123", "Hello", "kith-reminder-1"),
        ("+447700900124", "Again", "kith-reminder-2"),
    ]
