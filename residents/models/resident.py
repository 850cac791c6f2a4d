from django.conf import settings
from django.db import models
from django.db.models import Q

from homes.models import Home, HomeScopedModel, HomeScopedQuerySet, Role
from homes.scoping import scoped_manager


class ResidentQuerySet(HomeScopedQuerySet):
    def for_member(self, membership):
        """The residents this membership may see: all of the home's for staff,
        only actively linked ones for a relative, none for anyone else."""
        return self.for_member_of(
            membership.home_id,
            membership.pk,
            sees_all=membership.has_perm("residents.view"),
            family=membership.role == Role.FAMILY,
        )

    def for_member_of(self, home_id, membership_id, *, sees_all, family):
        """``for_member`` from ids and what the membership may see
        (``carehome.prepared`` compiles it with stand-in ids)."""
        qs = self.filter(home_id=home_id)
        if sees_all:
            return qs
        if family:
            return qs.filter(
                relative_links__membership_id=membership_id,
                relative_links__status=RelativeLink.Status.ACTIVE,
            )
        return qs.none()

    def current(self):
        """Living here now (including a stay in hospital)."""
        return self.filter(status__in=[Resident.Status.CURRENT, Resident.Status.HOSPITAL])


class Resident(HomeScopedModel):
    class Status(models.TextChoices):
        CURRENT = "current", "Living here"
        HOSPITAL = "hospital", "In hospital"
        LEFT = "left", "Moved out"
        DIED = "died", "Died"

    class VisitingPriority(models.TextChoices):
        """Anne's Law: at the end of life, or after a significant deterioration,
        the person's essential care supporters and named relatives keep visiting
        whatever restriction is in force."""

        NONE = "", "No"
        END_OF_LIFE = "end_of_life", "At the end of life"
        DETERIORATED = "deteriorated", "Condition has significantly deteriorated"

    full_name = models.CharField(max_length=150)
    preferred_name = models.CharField("preferred name", max_length=80, blank=True)
    date_of_birth = models.DateField("date of birth", null=True, blank=True)
    room = models.CharField(max_length=20, blank=True)
    unit = models.CharField("unit or floor", max_length=60, blank=True)
    admitted_on = models.DateField("admission date")
    key_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="key_residents",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CURRENT)
    left_on = models.DateField("date of leaving", null=True, blank=True)
    leaving_reason = models.TextField("reason for leaving", blank=True)
    photo = models.ImageField(upload_to="residents/photos/%Y/", blank=True)
    photo_consent = models.BooleanField(
        "consent to keep a photo",
        default=False,
        help_text="The person (or whoever speaks for them) agreed to a photo being kept here.",
    )
    photo_consent_note = models.CharField("who gave consent, and how", max_length=200, blank=True)
    # The old tick box for news photos. Carried over to the consent register
    # (PHOTOS_FAMILY, migration 0011) and read nowhere now: the register decides.
    # The column and its constraint go in a later migration.
    photo_share_family = models.BooleanField(
        "consent to share photos with their family (no longer used)",
        default=False,
        help_text="Replaced by the consent register: “Photos shared with families of the home”.",
    )
    visiting_priority = models.CharField(
        "end of life or significant deterioration",
        max_length=20,
        choices=VisitingPriority.choices,
        default=VisitingPriority.NONE,
        blank=True,
        help_text="Their essential care supporters and named relatives can visit whatever restriction "
        "is in force.",
    )
    visiting_priority_since = models.DateField("since", null=True, blank=True)
    visiting_priority_note = models.CharField("a note", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="One more on every edit (carehome.versions)."
    )

    objects = scoped_manager(ResidentQuerySet)

    class Meta:
        ordering = ["full_name"]
        indexes = [
            models.Index(fields=["home", "status", "full_name"]),
            models.Index(fields=["home", "key_worker"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(photo="") | Q(photo_consent=True),
                name="residents_resident_photo_needs_consent",
            ),
            models.CheckConstraint(
                condition=Q(photo_share_family=False) | Q(photo_consent=True),
                name="residents_resident_sharing_needs_photo_consent",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["left", "died"]) | Q(left_on__isnull=True),
                name="residents_resident_left_on_only_when_left",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        if self.preferred_name and self.preferred_name not in self.full_name.split():
            return f"{self.full_name} ({self.preferred_name})"
        return self.full_name

    @property
    def short_name(self):
        return self.preferred_name or self.full_name.split(" ")[0]

    @property
    def has_left(self):
        return self.status in (self.Status.LEFT, self.Status.DIED)


class KeyWorkerAssignment(HomeScopedModel):
    """Who was a resident's key worker, and when: continuity of staff matters."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="key_worker_history")
    key_worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(ended_on__isnull=True),
                name="residents_keyworker_one_current",
            ),
        ]


class RelativeLink(HomeScopedModel):
    """A family or friend membership linked to a resident they may follow."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        ENDED = "ended", "Ended"

    membership = models.ForeignKey(
        "homes.Membership", on_delete=models.CASCADE, related_name="relative_links"
    )
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="relative_links")
    relationship = models.CharField(max_length=60, help_text="e.g. daughter, friend, neighbour")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.CharField("reason for pausing or ending", max_length=300, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        "residents.PersonWhoMatters",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="account_links",
        help_text="The person in the resident's plan this account belongs to.",
    )
    regular_visitor_approved_at = models.DateTimeField(null=True, blank=True)
    regular_visitor_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "resident"], name="residents_relativelink_unique"),
        ]

    def __str__(self):
        return f"{self.membership.user} ({self.relationship}) → {self.resident}"

    @property
    def is_regular_visitor(self):
        return self.status == self.Status.ACTIVE and self.regular_visitor_approved_at is not None


class HomeConnectionSettings(models.Model):
    """Per-home choices for the worklist and the loneliness measure.

    Not clinical cut-offs: each home decides what "a while" means for it.
    """

    home = models.OneToOneField(Home, on_delete=models.CASCADE, related_name="connection_settings")
    quiet_days = models.PositiveSmallIntegerField(
        "days without a meaningful connection before someone is on the list",
        default=7,
    )
    no_visitor_days = models.PositiveSmallIntegerField(
        "days without an in-person visit from someone who matters before it shows", default=28
    )
    lonely_threshold = models.PositiveSmallIntegerField(
        "loneliness score (3–9) at or above which someone shows as often lonely", default=7
    )
    loneliness_every_days = models.PositiveSmallIntegerField(
        "days between loneliness checks (the three questions)", default=90
    )

    class Meta:
        verbose_name = "connection settings"
        verbose_name_plural = "connection settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(quiet_days__gte=1, quiet_days__lte=90), name="residents_settings_quiet_days"
            ),
            models.CheckConstraint(
                condition=Q(no_visitor_days__gte=7, no_visitor_days__lte=365),
                name="residents_settings_no_visitor_days",
            ),
            models.CheckConstraint(
                condition=Q(lonely_threshold__gte=3, lonely_threshold__lte=9),
                name="residents_settings_lonely_threshold",
            ),
            models.CheckConstraint(
                condition=Q(loneliness_every_days__gte=14, loneliness_every_days__lte=365),
                name="residents_settings_loneliness_every_days",
            ),
        ]

    def __str__(self):
        return f"Connection settings for {self.home}"

    def get_additional_data(self):
        return {"home_id": self.home_id}
