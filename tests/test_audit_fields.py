"""Secrets never enter the change history, and everything else does.

Sweeps every concrete model of Kith's own apps, so a model or field added
later is checked with no extra work: a field whose name looks secret must be
left out of (or masked in) the history; any other field must be recorded,
unless it is listed below with the reason."""

import re

import pytest
from auditlog.registry import auditlog
from django.apps import apps
from django.conf import settings

# Two-step verification's devices (django-otp) hold secrets, so they are swept too.
PROJECT_APPS = {"accounts", "homes", "residents", "visits", "notifications", "volunteers", "community"}
PROJECT_APPS |= {"otp_totp", "otp_static"}

# Name parts that mark a secret: an emailed link's nonce, a feed token, a password…
SECRET_PARTS = {"token", "secret", "nonce", "password", "passcode", "pin", "otp", "key"}
# …and fields that are secret by what they hold, not by their name.
SECRET_FIELDS = {("visits.DoorCode", "code")}
# "key worker" is a person, not a key.
NOT_SECRET = {"key_worker", "key_worker_took_part"}

# Not secret, but left out of the history on purpose.
NOT_AUDITED_FIELDS = {
    "last_login": "every sign-in would be a change",
    "updated_at": "the entry's own time says it",
    "version": "an edit counter (carehome.versions), not personal data",
    "last_t": "an authenticator app's bookkeeping, changed at every sign-in",
    "drift": "an authenticator app's bookkeeping, changed at every sign-in",
    "last_used_at": "an authenticator app's bookkeeping, changed at every sign-in",
    "throttling_failure_timestamp": "the slowdown after wrong codes, changed at every attempt",
    "throttling_failure_count": "the slowdown after wrong codes, changed at every attempt",
}
# Models the history does not follow, with why (AUDITLOG_EXCLUDE_TRACKING_MODELS).
NOT_AUDITED_MODELS = {
    "notifications.Reminder": "the outbox: operational, who retried is on the row",
    "notifications.Heartbeat": "when the sweeper last ran",
    "homes.FormSubmission": "one-time form tokens; what was created is audited",
    "homes.SpaceHold": "a room held for a visit, activity or group: its record's history says when and where",
}


def project_models():
    return [
        m
        for m in apps.get_models()
        if m._meta.app_label in PROJECT_APPS and not m._meta.proxy and m._meta.managed
    ]


def looks_secret(model, field):
    if field.name in NOT_SECRET:
        return False
    if (model._meta.label, field.name) in SECRET_FIELDS:
        return True
    return bool(SECRET_PARTS & set(re.split(r"_+", field.name.lower())))


def history_fields(model):
    """(recorded, masked): the field names auditlog records for ``model``."""
    options = auditlog.get_model_fields(model)
    include, exclude = options["include_fields"], options["exclude_fields"]
    recorded = {
        f.name
        for f in model._meta.concrete_fields
        if (not include or f.name in include) and f.name not in exclude
    }
    return recorded, set(options["mask_fields"])


def test_the_sweep_finds_the_secrets_we_know_of():
    found = {
        (m._meta.label, f.name)
        for m in project_models()
        for f in m._meta.concrete_fields
        if looks_secret(m, f)
    }
    assert {
        ("accounts.User", "password"),
        ("homes.Invitation", "token_nonce"),
        ("homes.Invitation", "sent_nonce"),
        ("visits.CalendarFeed", "token"),
        ("visits.DoorCode", "code"),
    } <= found


@pytest.mark.parametrize("model", project_models(), ids=lambda m: m._meta.label)
def test_secrets_are_left_out_of_the_history_and_the_rest_is_in(model):
    label = model._meta.label
    if not auditlog.contains(model):
        assert label in NOT_AUDITED_MODELS, f"{label} is not audited: audit it, or say why here"
        return
    recorded, masked = history_fields(model)
    for field in model._meta.concrete_fields:
        if looks_secret(model, field):
            assert field.name not in recorded or field.name in masked, (
                f"{label}.{field.name} looks secret but enters the change history: "
                "add it to AUDITLOG_EXCLUDE_TRACKING_FIELDS (carehome/settings.py)"
            )
        elif field.name not in recorded:
            assert field.name in NOT_AUDITED_FIELDS, (
                f"{label}.{field.name} is left out of the change history: audit it, or say why here"
            )


def test_the_excluded_field_names_are_the_secrets_and_the_noise():
    assert set(settings.AUDITLOG_EXCLUDE_TRACKING_FIELDS) == {
        "password",
        "token_nonce",
        "sent_nonce",
        "token",
        "code",
        "key",
        *NOT_AUDITED_FIELDS,
    }
