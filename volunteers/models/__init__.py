"""Volunteers: who they are and where they are in recruitment (``people``),
what they must have before they meet residents (``checks``, ``training``),
the residents they visit and the hours they give (``visits``), the driver
bank (``drivers``), and each home's volunteering settings."""

from volunteers.models.checks import BackgroundCheck, CheckLevel, Reference
from volunteers.models.drivers import LICENCE_CATEGORIES, Driver
from volunteers.models.people import (
    Availability,
    StatusChange,
    Volunteer,
    VolunteerQuerySet,
    VolunteerRole,
    VolunteerSettings,
)
from volunteers.models.training import TrainingModule, TrainingRecord
from volunteers.models.visits import Assignment, Shift

__all__ = [
    "LICENCE_CATEGORIES",
    "Assignment",
    "Availability",
    "BackgroundCheck",
    "CheckLevel",
    "Driver",
    "Reference",
    "Shift",
    "StatusChange",
    "TrainingModule",
    "TrainingRecord",
    "Volunteer",
    "VolunteerQuerySet",
    "VolunteerRole",
    "VolunteerSettings",
]
