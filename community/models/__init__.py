"""Community: partners and places around the home (``partners``), the
programme of activities, outings and venue use with who comes (``programme``),
outings' risk assessments (``risk``), stories and photos (``stories``) and each
home's community settings (``settings``)."""

from community.models.partners import (
    Partner,
    PartnerContact,
    PartnerKind,
    PartnerQuerySet,
    Partnership,
    Place,
    Rhythm,
)
from community.models.programme import Activity, Attendee, Occurrence
from community.models.risk import Hazard, RiskAssessment
from community.models.settings import CommunitySettings
from community.models.stories import Story, StoryPhoto

__all__ = [
    "Activity",
    "Attendee",
    "CommunitySettings",
    "Hazard",
    "Occurrence",
    "Partner",
    "PartnerContact",
    "PartnerKind",
    "PartnerQuerySet",
    "Partnership",
    "Place",
    "Rhythm",
    "RiskAssessment",
    "Story",
    "StoryPhoto",
]
