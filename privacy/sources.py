"""Where each kind of person's data lives: one declared source per table.

A table that holds a resident's, a relative's or a volunteer's data and is
missing here fails ``privacy/tests/test_sources.py``: a new feature must say
whether its rows go into a subject access export (a source below) or why not
(``NOT_EXPORTED``).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    about: str
    model: str
    match: Callable  # subject -> Q over the model's rows
    skip: tuple = ()  # fields left out, beyond ``export.NEVER``
    inline: tuple = ()  # foreign keys whose row is shown within (a participant's connection)
    inline_skip: tuple = ()
    order: tuple = ("pk",)
    labels: tuple = ()  # (field name, label) pairs that read better here than the model's own


RESIDENT = [
    Source(
        "resident",
        "Their record",
        "Who they are, where they live in the home and their photo.",
        "residents.Resident",
        lambda s: Q(pk=s.resident.pk),
    ),
    Source(
        "key_workers",
        "Key workers",
        "Who has been their key worker, and when.",
        "residents.KeyWorkerAssignment",
        lambda s: Q(resident=s.resident),
    ),
    Source(
        "plan",
        "Personal plan",
        "What connection means to them, in their own words where they gave them.",
        "residents.PersonalPlan",
        lambda s: Q(resident=s.resident),
    ),
    Source(
        "people",
        "People who matter to them",
        "Family, friends and others in their plan, and how they like to keep in touch.",
        "residents.PersonWhoMatters",
        lambda s: Q(resident=s.resident),
    ),
    Source(
        "plan_reviews",
        "Reviews of their plan",
        "Each time the plan was looked at again with them.",
        "residents.PlanReview",
        lambda s: Q(plan__resident=s.resident),
        skip=("plan",),
    ),
    Source(
        "connections",
        "Connections",
        "Visits, calls, letters and time with others that staff recorded, and how each went for them.",
        "residents.ConnectionParticipant",
        lambda s: Q(resident=s.resident),
        inline=("connection",),
        inline_skip=("occurred_at",),
        order=("-occurred_at", "-pk"),
    ),
    Source(
        "friendships",
        "Friendships and buddies in the home",
        "Other residents are not named.",
        "residents.Friendship",
        lambda s: Q(resident_a=s.resident) | Q(resident_b=s.resident),
        labels=(("resident_a", "With"), ("resident_b", "With")),
    ),
    Source(
        "support_flags",
        "Extra support",
        "Times staff noted they might need more support, and why.",
        "residents.SupportFlag",
        lambda s: Q(resident=s.resident),
    ),
    Source(
        "wellbeing",
        "Wellbeing answers",
        "Their answers to the three loneliness questions, each time they were asked.",
        "residents.LonelinessMeasure",
        lambda s: Q(resident=s.resident),
    ),
    Source(
        "consents",
        "Consents",
        "What they agreed to, who gave consent, and any withdrawal.",
        "residents.Consent",
        lambda s: Q(resident=s.resident),
    ),
    Source(
        "coproduction",
        "Co-production sessions",
        "Sessions they took part in, where residents shape what happens in the home.",
        "residents.CoproductionSession",
        lambda s: Q(participants=s.resident),
    ),
    Source(
        "ideas",
        "Ideas they raised",
        "",
        "residents.Idea",
        lambda s: Q(raised_by=s.resident),
    ),
    Source(
        "relatives",
        "Family and friends with an account",
        "The relatives and friends who follow them in Kith.",
        "residents.RelativeLink",
        lambda s: Q(resident=s.resident),
        skip=("person",),
        labels=(("membership", "Relative or friend"),),
    ),
    Source(
        "pending_relatives",
        "Family and friends invited",
        "Invitations sent to family and friends that are not yet accepted.",
        "visits.PendingFamilyLink",
        lambda s: Q(resident=s.resident),
    ),
    Source(
        "visits",
        "Visits and calls",
        "Visits and calls booked with them.",
        "visits.Visit",
        lambda s: Q(resident=s.resident),
        order=("-starts_at",),
    ),
    Source(
        "restrictions",
        "Visiting restrictions",
        "Any restriction on their visiting, why, and who was exempt.",
        "visits.VisitRestriction",
        lambda s: Q(resident=s.resident),
    ),
    Source(
        "restriction_reviews",
        "Reviews of visiting restrictions",
        "",
        "visits.RestrictionReview",
        lambda s: Q(restriction__resident=s.resident),
    ),
    Source(
        "contributions",
        "Additions from family",
        "What family suggested adding to their plan, and what happened.",
        "visits.FamilyContribution",
        lambda s: Q(resident=s.resident),
    ),
    Source(
        "events",
        "Invitations to family",
        "Meals and activities their family were invited to.",
        "visits.EventInvitation",
        lambda s: Q(resident=s.resident),
    ),
    Source(
        "event_replies",
        "Family's replies to invitations",
        "",
        "visits.EventReply",
        lambda s: Q(event__resident=s.resident),
    ),
    Source(
        "news",
        "News shared with their family",
        "Updates and photos staff shared with the relatives they named.",
        "visits.SharedUpdate",
        lambda s: Q(resident=s.resident),
    ),
    Source(
        "volunteer_visits",
        "Regular volunteer visits",
        "Volunteers matched to visit them.",
        "volunteers.Assignment",
        lambda s: Q(resident=s.resident),
    ),
    Source(
        "volunteer_shifts",
        "Volunteer visits that took place or are planned",
        "",
        "volunteers.Shift",
        lambda s: Q(resident=s.resident),
        skip=("assignment", "connection"),
        order=("-starts_at",),
    ),
    Source(
        "activities",
        "Activities and outings",
        "Activities they were invited to and how each went.",
        "community.Attendee",
        lambda s: Q(resident=s.resident),
    ),
    Source(
        "photos",
        "Photos they appear in",
        "Photos from the home's activities and outings. Other residents in a photo are not named; "
        "read the photos through before sending.",
        "community.StoryPhoto",
        lambda s: Q(residents=s.resident),
        skip=("width", "height"),
    ),
]


def _user(s):
    return Q(pk=s.user.pk) if s.user else Q(pk__in=[])


def _of_user(s, path="user"):
    return Q(**{path: s.user}) if s.user else Q(pk__in=[])


def _messages(title):
    return Source(
        "messages",
        title,
        "Emails, text messages and letters the home sent them through Kith.",
        "notifications.Reminder",
        _of_user,
        skip=("user", "cancelled_reason", "claimed_at", "outcome"),
        order=("-due",),
    )


RELATIVE = [
    Source(
        "account",
        "Their account",
        "Their sign-in details and how to reach them.",
        "accounts.User",
        _user,
        skip=("is_active", "last_login"),
    ),
    Source(
        "contact_preferences",
        "How they like to be reached",
        "",
        "notifications.ContactPreference",
        _of_user,
        skip=("user",),
    ),
    Source(
        "membership",
        "Their place in the home's Kith",
        "",
        "homes.Membership",
        lambda s: Q(pk=s.membership.pk),
        skip=("user",),
    ),
    Source(
        "links",
        "The residents they follow",
        "Who they are linked to, and as whom they appear in each resident's plan.",
        "residents.RelativeLink",
        lambda s: Q(membership=s.membership),
        inline=("person",),
        inline_skip=("resident",),
    ),
    Source(
        "visits",
        "Visits and calls they booked",
        "",
        "visits.Visit",
        lambda s: Q(booked_by=s.membership),
        order=("-starts_at",),
    ),
    Source(
        "event_replies",
        "Their replies to invitations",
        "",
        "visits.EventReply",
        lambda s: Q(membership=s.membership),
    ),
    Source(
        "contributions",
        "What they suggested for a plan",
        "",
        "visits.FamilyContribution",
        lambda s: Q(membership=s.membership),
    ),
    Source(
        "door_code_views",
        "When they looked at the door code",
        "The code itself is left out.",
        "visits.DoorCodeView",
        lambda s: Q(membership=s.membership),
        skip=("door_code",),
    ),
    Source(
        "calendar_feeds",
        "Calendar subscriptions",
        "The feed's private address is left out.",
        "visits.CalendarFeed",
        lambda s: Q(membership=s.membership),
    ),
    _messages("Messages sent to them"),
]


VOLUNTEER = [
    Source(
        "volunteer",
        "Their volunteer record",
        "What they applied for, their checks in brief, and where they are now.",
        "volunteers.Volunteer",
        lambda s: Q(pk=s.volunteer.pk),
        skip=("user", "contact"),
    ),
    Source(
        "account",
        "Their account",
        "Their sign-in details, if they have one.",
        "accounts.User",
        _user,
        skip=("is_active", "last_login"),
    ),
    Source(
        "status_changes",
        "Changes to their status",
        "",
        "volunteers.StatusChange",
        lambda s: Q(volunteer=s.volunteer),
    ),
    Source(
        "availability",
        "When they are free",
        "",
        "volunteers.Availability",
        lambda s: Q(volunteer=s.volunteer),
    ),
    Source(
        "checks",
        "Background checks",
        "",
        "volunteers.BackgroundCheck",
        lambda s: Q(volunteer=s.volunteer),
    ),
    Source(
        "references",
        "References",
        "Who gave a reference and whether it was satisfactory. Referees' own contact details are left out.",
        "volunteers.Reference",
        lambda s: Q(volunteer=s.volunteer),
        skip=("email", "phone"),
    ),
    Source(
        "training",
        "Training",
        "",
        "volunteers.TrainingRecord",
        lambda s: Q(volunteer=s.volunteer),
    ),
    Source(
        "driving",
        "Driving",
        "",
        "volunteers.Driver",
        lambda s: Q(volunteer=s.volunteer),
    ),
    Source(
        "assignments",
        "Regular visits",
        "Residents are not named: what is held about them is their own.",
        "volunteers.Assignment",
        lambda s: Q(volunteer=s.volunteer),
    ),
    Source(
        "shifts",
        "Shifts and visits",
        "Residents are not named.",
        "volunteers.Shift",
        lambda s: Q(volunteer=s.volunteer),
        skip=("assignment", "connection"),
        order=("-starts_at",),
    ),
    Source(
        "activities",
        "Activities they help with",
        "",
        "community.Activity",
        lambda s: Q(volunteers=s.volunteer),
        skip=("idea", "staff", "volunteers", "interests"),
    ),
    _messages("Messages sent to them"),
]

SOURCES = {"resident": RESIDENT, "relative": RELATIVE, "volunteer": VOLUNTEER}

# Tables that hold one of these people's data but go into no export, and why.
NOT_EXPORTED = {
    "residents.Connection": "read through each resident's part in it (ConnectionParticipant)",
    "auditlog.LogEntry": "the history of changes, kept for accountability; who did what, not about whom",
    "homes.FormSubmission": "one-time form tokens",
    "privacy.RetentionHold": "why a record is kept longer (a complaint, a claim): often exempt while "
    "it is open; the manager decides by hand whether to add it",
    "privacy.Anonymisation": "that a leaver's records were anonymised; nothing of them is left to export",
    "evaluation.ImprovementAction": "actions a member of staff leads in the home's improvement plan",
    "homes.SpaceHold": (
        "a room held for a visit: its label (“Visit with Peggy”) repeats what their visits say;"
        " their name leaves it when they are anonymised"
    ),
    "otp_totp.TOTPDevice": "a sign-in secret",
    "otp_static.StaticDevice": "sign-in recovery codes (secrets)",
    "admin.LogEntry": "the admin site's own log of staff actions",
    "qsessions.Session": "sign-in sessions: short-lived, and their keys are secrets",
}


def sources_for(kind):
    return SOURCES[kind]
