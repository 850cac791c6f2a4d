from residents.models.connections import (
    MEANINGFUL_RESPONSES,
    Connection,
    ConnectionParticipant,
    Response,
)
from residents.models.consent import PHOTO_PURPOSES, Consent, ConsentGivenBy, ConsentPurpose
from residents.models.coproduction import CoproductionSession, Idea
from residents.models.peers import Friendship, SupportFlag
from residents.models.plan import PersonalPlan, PersonWhoMatters, PlanReview
from residents.models.resident import (
    HomeConnectionSettings,
    KeyWorkerAssignment,
    RelativeLink,
    Resident,
    ResidentQuerySet,
)
from residents.models.wellbeing import LonelinessMeasure

__all__ = [
    "MEANINGFUL_RESPONSES",
    "Connection",
    "Consent",
    "ConsentGivenBy",
    "ConsentPurpose",
    "PHOTO_PURPOSES",
    "ConnectionParticipant",
    "CoproductionSession",
    "Friendship",
    "HomeConnectionSettings",
    "Idea",
    "KeyWorkerAssignment",
    "LonelinessMeasure",
    "PersonWhoMatters",
    "PersonalPlan",
    "PlanReview",
    "RelativeLink",
    "Resident",
    "ResidentQuerySet",
    "Response",
    "SupportFlag",
]
