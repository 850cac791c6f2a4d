from datetime import date

from django.urls import reverse

from accounts import sessions, two_step


def two_step_reminder(request):
    """The day by which this person must set up two-step verification, while
    they still may wait (read from the session: no query)."""
    session = getattr(request, "session", None)
    kept = (session.get(two_step.SESSION_KEY) or {}) if session is not None else {}
    if kept.get("state") != two_step.REMIND or request.path.startswith(reverse("two_step")):
        return {}
    return {
        "two_step_due": date.fromisoformat(kept["due"]),
        "two_step_why": kept.get("why") or "manage a home",
    }


def session_policy(request):
    """How long this session lasts without use, for the page's warning
    (static/js/idle.js); read from the session: no query."""
    session = getattr(request, "session", None)
    if session is None or sessions.POLICY_KEY not in session:
        return {}
    seen = session.get(sessions.SEEN_KEY) or sessions.now()
    return {"session_policy": sessions.Policy.of(session), "session_seen_age": max(0, sessions.now() - seen)}
