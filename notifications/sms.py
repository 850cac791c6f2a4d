"""Text messages through a pluggable backend, chosen by ``SMS_BACKEND``:

* ``ConsoleBackend`` prints them (the demo);
* ``FileBackend`` appends them, one JSON object a line, to ``SMS_FILE_PATH``/sms.jsonl;
* ``LocmemBackend`` keeps them in ``notifications.sms.outbox`` (tests, like Django's mail.outbox);
* ``TwilioBackend`` sends through Twilio's Messages API, passing the reminder's
  idempotency key so a repeated request is not a repeated text.

A backend raises ``TransientSendError`` for what may work later (the provider
is down, a timeout) and ``PermanentSendError`` for what never will (the
number is refused); the outbox retries the first and shows the second to the
manager.
"""

import base64
import json
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

outbox = []
_lock = threading.Lock()


class TransientSendError(Exception):
    """Try again later."""


class PermanentSendError(Exception):
    """Trying again will not help."""


class BaseBackend:
    def send(self, *, to, body, idempotency_key):
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def send(self, *, to, body, idempotency_key):
        sys.stdout.write(f"--- Text message to {to} ({idempotency_key}) ---\n{body}\n---\n")
        sys.stdout.flush()
        return idempotency_key


class FileBackend(BaseBackend):
    def send(self, *, to, body, idempotency_key):
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"to": to, "body": body, "key": idempotency_key, "at": timezone.now().isoformat()})
        with _lock, open(folder / "sms.jsonl", "a", encoding="utf-8") as file:
            file.write(line + "\n")
        return idempotency_key


class LocmemBackend(BaseBackend):
    def send(self, *, to, body, idempotency_key):
        with _lock:
            outbox.append({"to": to, "body": body, "key": idempotency_key})
        return idempotency_key


class TwilioBackend(BaseBackend):
    """POST /2010-04-01/Accounts/<sid>/Messages.json with To, From and Body.

    4xx answers (a number Twilio refuses, a bad sender) are permanent, except
    429 (slow down); 5xx, timeouts and refused connections are transient.
    """

    def send(self, *, to, body, idempotency_key):
        sid, token = settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN
        if not sid or not token:
            raise PermanentSendError(
                "Text messages are not set up: TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN."
            )
        url = f"{settings.TWILIO_API_URL.rstrip('/')}/2010-04-01/Accounts/{sid}/Messages.json"
        payload = urllib.parse.urlencode({"To": to, "From": settings.SMS_FROM, "Body": body}).encode()
        auth = base64.b64encode(f"{sid}:{token}".encode()).decode()
        if not url.startswith(("https://", "http://")):
            raise PermanentSendError("TWILIO_API_URL must be an http(s) address.")
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            url,
            data=payload,
            method="POST",
            headers={
                "Authorization": f"Basic {auth}",
                "Content-Type": "application/x-www-form-urlencoded",
                "I-Twilio-Idempotency-Token": idempotency_key,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_TIMEOUT) as response:  # noqa: S310
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            detail = error.read()[:300].decode("utf-8", "replace")
            if error.code == 429 or error.code >= 500:
                raise TransientSendError(
                    f"The text message service answered {error.code}: {detail}"
                ) from error
            raise PermanentSendError(
                f"The text message service refused it ({error.code}): {detail}"
            ) from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise TransientSendError(f"Could not reach the text message service: {error}") from error
        return answer.get("sid", "")


def get_backend():
    return import_string(settings.SMS_BACKEND)()
