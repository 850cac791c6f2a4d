"""Choices shared by several volunteer models."""

from django.db import models


class CheckLevel(models.TextChoices):
    """The background check a role needs. In England and Wales it is a DBS
    check at this level; in Scotland a role that needs any check needs PVG
    scheme membership (regulated work with adults), which Kith records."""

    NONE = "none", "No check needed"
    BASIC = "basic", "Basic"
    STANDARD = "standard", "Standard"
    ENHANCED = "enhanced", "Enhanced"
    ENHANCED_BARRED = "enhanced_barred", "Enhanced with the adults' barred list"


# Higher satisfies lower.
CHECK_RANK = {
    CheckLevel.NONE: 0,
    CheckLevel.BASIC: 1,
    CheckLevel.STANDARD: 2,
    CheckLevel.ENHANCED: 3,
    CheckLevel.ENHANCED_BARRED: 4,
}


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"
