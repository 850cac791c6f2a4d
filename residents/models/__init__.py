from residents.models.connections import (
    MEANINGFUL_RESPONSES,
    Connection,
    ConnectionParticipant,
    Response,
)
from residents.models.consent import Consent, ConsentGivenBy, ConsentPurpose
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
