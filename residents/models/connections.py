from django.conf import settings
from django.db import models

from homes.models import HomeScopedModel
from residents.models.plan import PersonWhoMatters
from residents.models.resident import Resident


class Connection(HomeScopedModel):
    """A moment of connection: a visit, a call, a letter, an outing or a group
    activity. One entry can cover many residents (``ConnectionParticipant``),
    each with how it went for them."""

    class WithWhom(models.TextChoices):
        PERSON = "person", "Someone who matters to them"
        RESIDENT = "resident", "Another resident"
        STAFF = "staff", "A member of staff"
        VOLUNTEER = "volunteer", "A volunteer"
        COMMUNITY = "community", "A community group or partner"
        GROUP = "group", "A group activity in the home"

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        PHONE = "phone", "Phone"
        VIDEO = "video", "Video call"
        LETTER = "letter", "Letter or card"
        OUTING = "outing", "Outing"
        GROUP_ACTIVITY = "group_activity", "Group activity"

    occurred_at = models.DateTimeField("when")
    with_whom = models.CharField("with whom", max_length=20, choices=WithWhom.choices)
    person = models.ForeignKey(
        PersonWhoMatters, on_delete=models.SET_NULL, null=True, blank=True, related_name="connections"
    )
    other_resident = models.ForeignKey(
        Resident, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    staff_member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    with_name = models.CharField("name (volunteer, group or activity)", max_length=150, blank=True)
    mode = models.CharField("how", max_length=20, choices=Mode.choices)
    note = models.TextField(blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A wrong entry is struck out, not deleted: it stays (and its history),
    # marked with why, by whom and when, and no longer counts anywhere.
    struck_out_at = models.DateTimeField("struck out", null=True, blank=True)
    struck_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    struck_out_reason = models.CharField("why it was struck out", max_length=300, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["home", "-occurred_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(struck_out_at__isnull=True) | ~models.Q(struck_out_reason=""),
                name="residents_connection_struck_out_reason",
            ),
        ]

    def __str__(self):
        return f"{self.get_mode_display()} on {self.occurred_at:%d %b %Y}"

    @property
    def is_struck_out(self):
        return self.struck_out_at is not None


class Response(models.TextChoices):
    ACTIVE = "active", "Joined in actively"
    PASSIVE = "passive", "Joined in passively"
    DISENGAGED = "disengaged", "Disengaged"
    DECLINED = "declined", "Declined"
    UNAVAILABLE = "unavailable", "Unavailable"


MEANINGFUL_RESPONSES = (Response.ACTIVE, Response.PASSIVE)


class ConnectionParticipant(HomeScopedModel):
    """One resident's part in a connection, and how it went for them."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="participants")
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="connections")
    response = models.CharField("how it went", max_length=20, choices=Response.choices)
    note = models.CharField(max_length=300, blank=True)
    # Copied from the connection so a resident's timeline and the worklist
    # read one indexed table.
    occurred_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["connection", "resident"], name="residents_participant_once"),
        ]
        indexes = [
            models.Index(fields=["resident", "-occurred_at"]),
            models.Index(fields=["home", "response", "-occurred_at"]),
            # Each resident's latest entry, as the tenant guard asks for it (home and
            # resident): read newest first, stopping at the first that counts. Without
            # it PostgreSQL combines the two single-column indexes and sorts all of a
            # resident's two years of entries, for every resident (EXPLAIN ANALYZE at
            # provider scale: the worklist's query took 237 ms, then 4 ms).
            models.Index(fields=["home", "resident", "-occurred_at"], name="residents_part_latest"),
        ]

    @property
    def meaningful(self):
        return self.response in MEANINGFUL_RESPONSES
