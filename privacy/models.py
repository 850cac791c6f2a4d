"""Requests from people for the data Kith holds about them (UK GDPR article
15), and a log of every export made for one.

The law gives a month from the day the request arrived (the same date next
month, or the month's last day when there is none); ``due_on`` is set once,
when the request is recorded.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from homes.models import HomeScopedModel


class SubjectKind(models.TextChoices):
    RESIDENT = "resident", "A resident"
    RELATIVE = "relative", "A relative or friend with an account"
    VOLUNTEER = "volunteer", "A volunteer"


# Which link names the person, for each kind (a relative is their membership of the home).
PERSON_FIELDS = {
    SubjectKind.RESIDENT: "resident",
    SubjectKind.RELATIVE: "membership",
    SubjectKind.VOLUNTEER: "volunteer",
}
_FIELD_OF_MODEL = {
    "residents.Resident": "resident",
    "homes.Membership": "membership",
    "volunteers.Volunteer": "volunteer",
}


def person_field(kind=None, *, person=None):
    """The link that names the person: by ``kind``, or from the ``person`` row itself."""
    return PERSON_FIELDS[kind] if person is None else _FIELD_OF_MODEL[person._meta.label]


def _one_subject(prefix):
    return models.CheckConstraint(
        condition=(
            Q(kind="resident", resident__isnull=False, membership__isnull=True, volunteer__isnull=True)
            | Q(kind="relative", resident__isnull=True, membership__isnull=False, volunteer__isnull=True)
            | Q(kind="volunteer", resident__isnull=True, membership__isnull=True, volunteer__isnull=False)
        ),
        name=f"{prefix}_one_subject",
    )


def _once_each(prefix, condition=None):
    """One row per person (and ``condition``): a unique constraint for each kind."""
    return [
        models.UniqueConstraint(
            fields=[field],
            condition=Q(**{f"{field}__isnull": False}) & (condition or Q()),
            name=f"{prefix}_{field}",
        )
        for field in ("resident", "membership", "volunteer")
    ]


class AboutOnePerson(HomeScopedModel):
    """A row about one resident, relative or volunteer: ``kind`` says which,
    and exactly that link is set (each model adds ``_one_subject``)."""

    kind = models.CharField(max_length=12, choices=SubjectKind.choices)
    resident = models.ForeignKey(
        "residents.Resident", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    membership = models.ForeignKey(
        "homes.Membership", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def person(self):
        return getattr(self, PERSON_FIELDS[self.kind])

    @property
    def person_id(self):
        return getattr(self, f"{PERSON_FIELDS[self.kind]}_id")

    @property
    def subject_name(self):
        if self.kind == SubjectKind.RELATIVE:
            return self.membership.user.full_name
        if self.kind == SubjectKind.RESIDENT:
            return self.resident.display_name
        return self.volunteer.full_name


class SubjectAccessRequest(AboutOnePerson):
    class Status(models.TextChoices):
        OPEN = "open", "Being prepared"
        SENT = "sent", "Sent"
        WITHDRAWN = "withdrawn", "Withdrawn"

    kind = models.CharField("whose data", max_length=12, choices=SubjectKind.choices)
    received_on = models.DateField("request received on")
    due_on = models.DateField("reply due by")
    requested_by = models.CharField(
        "who asked",
        max_length=200,
        help_text="The person themselves, or who asked for them and the authority they hold.",
    )
    identity_checked = models.CharField("how their identity was checked", max_length=300)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField("sent or withdrawn on", null=True, blank=True)
    close_note = models.CharField("how it was sent, or why it was withdrawn", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="One more on every edit (carehome.versions)."
    )

    class Meta:
        ordering = ["status", "due_on", "id"]
        indexes = [models.Index(fields=["home", "status", "due_on"], name="privacy_request_due_idx")]
        constraints = [
            _one_subject("privacy_request"),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("received_on")), name="privacy_request_due"
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_on__isnull=True)
                | ~Q(status="open") & Q(closed_on__isnull=False),
                name="privacy_request_closed_on",
            ),
        ]

    def __str__(self):
        return f"Request {self.reference} for the data of {self.subject_name}"

    @property
    def reference(self):
        return f"SAR-{self.pk}"

    def get_additional_data(self):
        return {"home_id": self.home_id}


class AccessExport(HomeScopedModel):
    """One export made for a request: who made it, when, in which format."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        JSON = "json", "JSON"

    request = models.ForeignKey(SubjectAccessRequest, on_delete=models.CASCADE, related_name="exports")
    format = models.CharField(max_length=4, choices=Format.choices)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)
    size = models.PositiveIntegerField("size in bytes")
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-made_at", "-id"]

    def __str__(self):
        return f"{self.get_format_display()} for {self.request.reference}"


class RetentionPolicy(models.Model):
    """How long an organisation keeps the records of people who left, before
    Kith anonymises them. The defaults follow the Records Management Code of
    Practice for Health and Social Care 2021 (adult social care records: eight
    years after care ended) and common practice for contacts and volunteers."""

    organisation = models.OneToOneField(
        "homes.Organisation", on_delete=models.CASCADE, related_name="retention_policy"
    )
    residents_years = models.PositiveSmallIntegerField(
        "years to keep a resident's records after they left or died", default=8
    )
    relatives_years = models.PositiveSmallIntegerField(
        "years to keep a relative's or friend's records after their last link ended", default=2
    )
    volunteers_years = models.PositiveSmallIntegerField(
        "years to keep a volunteer's records after they stopped", default=6
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="One more on every edit (carehome.versions)."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(residents_years__gte=1, residents_years__lte=30)
                & Q(relatives_years__gte=1, relatives_years__lte=30)
                & Q(volunteers_years__gte=1, volunteers_years__lte=30),
                name="privacy_retention_years",
            ),
        ]

    def __str__(self):
        return f"Retention at {self.organisation}"


class RetentionHold(AboutOnePerson):
    """Keep one person's records past their retention period, and why (a
    complaint or an investigation open, a claim expected)."""

    reason = models.CharField("why the records are kept", max_length=300)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    release_note = models.CharField("why the hold ended", max_length=300, blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            _one_subject("privacy_hold"),
            *_once_each("privacy_hold_one_live", Q(released_at__isnull=True)),
        ]

    def __str__(self):
        return f"Hold on the records of {self.kind} {self.person_id}"


class Anonymisation(AboutOnePerson):
    """One person's records anonymised, when, by whom (no one: the nightly
    task) and how many rows changed. What they held is gone; this row says it
    happened. Their name is not kept here either."""

    left_on = models.DateField("left on")
    due_on = models.DateField("due on")
    done_at = models.DateTimeField(default=timezone.now)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rows = models.PositiveIntegerField("rows changed", default=0)

    class Meta:
        ordering = ["-done_at", "-id"]
        constraints = [
            _one_subject("privacy_anonymisation"),
            *_once_each("privacy_anonymisation_once"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} anonymised on {self.done_at:%d %b %Y}"
