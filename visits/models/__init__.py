from visits.models.access import (
    DoorCode,
    DoorCodeView,
    FamilyContribution,
    RestrictionReview,
    VisitRestriction,
)
from visits.models.events import EventInvitation, EventReply, SharedUpdate
from visits.models.family import PendingFamilyLink
from visits.models.info import VisitingInfo
from visits.models.visit import CalendarFeed, Visit

__all__ = [
    "CalendarFeed",
    "DoorCode",
    "DoorCodeView",
    "EventInvitation",
    "EventReply",
    "FamilyContribution",
    "PendingFamilyLink",
    "RestrictionReview",
    "SharedUpdate",
    "Visit",
    "VisitRestriction",
    "VisitingInfo",
]
