"""Volunteers, their roles and where each is in recruitment."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from homes.models import HomeScopedModel, HomeScopedQuerySet, Interest, Membership, Organisation
from homes.scoping import scoped_manager
from volunteers.models.choices import CheckLevel, Weekday


def _version():
    return models.PositiveIntegerField(
        default=1, editable=False, help_text="One more on every edit (carehome.versions)."
    )


class VolunteerSettings(HomeScopedModel):
    """How a home recruits and checks volunteers: one row per home."""

    recruiting = models.BooleanField(
        "taking applications",
        default=True,
        help_text="The public “Volunteer with us” page takes applications.",
    )
    welcome = models.TextField(
        "what to tell people who might volunteer",
        blank=True,
        help_text="Shown at the top of the public page: what volunteers do here, who to ask.",
    )
    dbs_recheck_months = models.PositiveSmallIntegerField(
        "months before a DBS check is renewed",
        default=36,
        help_text="Your policy: a DBS certificate (or the last Update Service check) counts for this long.",
    )
    licence_check_months = models.PositiveSmallIntegerField(
        "months before a driving licence is checked again", default=12
    )
    recruit_through = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="recruiting_homes",
        help_text="Connector charities that also take applications for this home on their own page.",
    )
    version = _version()

    class Meta:
        verbose_name_plural = "volunteer settings"
        constraints = [
            models.UniqueConstraint(fields=["home"], name="volunteers_settings_one_per_home"),
            models.CheckConstraint(
                condition=Q(dbs_recheck_months__gte=1) & Q(dbs_recheck_months__lte=120),
                name="volunteers_settings_dbs_months_range",
            ),
            models.CheckConstraint(
                condition=Q(licence_check_months__gte=1) & Q(licence_check_months__lte=60),
                name="volunteers_settings_licence_months_range",
            ),
        ]

    def __str__(self):
        return f"Volunteering at {self.home}"


class VolunteerRole(HomeScopedModel):
    """Something volunteers do here, and what it needs of them first."""

    name = models.CharField(max_length=80, help_text="e.g. Befriender, Activity helper, Minibus driver")
    description = models.TextField(blank=True)
    check_level = models.CharField(
        "background check",
        max_length=20,
        choices=CheckLevel.choices,
        default=CheckLevel.ENHANCED_BARRED,
        help_text="In Scotland, a role that needs a check needs PVG scheme membership.",
    )
    references_needed = models.PositiveSmallIntegerField("satisfactory references needed", default=2)
    needs_identity = models.BooleanField("identity check", default=True)
    needs_interview = models.BooleanField("interview", default=False)
    needs_induction = models.BooleanField("induction", default=True)
    training = models.ManyToManyField(
        "volunteers.TrainingModule",
        blank=True,
        related_name="roles",
        verbose_name="training needed",
        help_text="Each must be completed and in date.",
    )
    meets_residents = models.BooleanField(
        "spends time with residents",
        default=True,
        help_text="Volunteers in this role can be matched to residents and visit them.",
    )
    drives = models.BooleanField(
        "drives", default=False, help_text="Volunteers in this role are in the driver bank."
    )
    is_active = models.BooleanField("in use", default=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = _version()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("home", Lower("name"), name="volunteers_role_unique_name_ci_per_home"),
            models.CheckConstraint(
                condition=Q(references_needed__lte=3), name="volunteers_role_references_range"
            ),
        ]

    def __str__(self):
        return self.name


class VolunteerQuerySet(HomeScopedQuerySet):
    def for_member(self, membership):
        """Everyone for a co-ordinator; a volunteer only themselves; no one else."""
        qs = self.filter(home_id=membership.home_id)
        if membership.has_perm("volunteers.manage"):
            return qs
        if membership.has_perm("volunteer.portal"):
            return qs.filter(user_id=membership.user_id)
        return qs.none()

    def current(self):
        """Everyone who has not left."""
        return self.exclude(status=Volunteer.Status.LEFT)


class Volunteer(HomeScopedModel):
    class Status(models.TextChoices):
        APPLIED = "applied", "Applied"
        REFERENCES = "references", "References"
        CHECKS = "checks", "Checks"
        INDUCTION = "induction", "Induction"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        LEFT = "left", "Left"

    class Source(models.TextChoices):
        HOME_PAGE = "home_page", "The home's “Volunteer with us” page"
        ORGANISATION_PAGE = "organisation_page", "An organisation's “Volunteer with us” page"
        STAFF = "staff", "Added by staff"

    full_name = models.CharField("full name", max_length=150)
    preferred_name = models.CharField("what they like to be called", max_length=80, blank=True)
    email = models.EmailField("email address", blank=True)
    phone = models.CharField("phone number", max_length=30, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    what_to_do = models.TextField("what they would like to do", blank=True)
    roles = models.ManyToManyField(VolunteerRole, blank=True, related_name="volunteers")
    interests = models.ManyToManyField(
        Interest, blank=True, related_name="volunteers", verbose_name="skills and hobbies"
    )
    skills_notes = models.TextField("more about their skills and hobbies", blank=True)
    over_16 = models.BooleanField("16 or over", default=False)
    consent_to_checks = models.BooleanField("agreed to background checks", default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.APPLIED)
    status_changed_at = models.DateTimeField(default=timezone.now)
    left_reason = models.CharField("why they left", max_length=300, blank=True)
    # Identity and interview (the other checks are rows of their own).
    identity_checked_on = models.DateField("identity checked on", null=True, blank=True)
    identity_documents = models.CharField("documents seen", max_length=200, blank=True)
    identity_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    interviewed_on = models.DateField("interviewed on", null=True, blank=True)
    interview_notes = models.TextField("interview notes", blank=True)
    interviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    contact = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteers_supported",
        verbose_name="their contact in the home",
        help_text="A member of staff trained in managing volunteers.",
    )
    # Their Kith account, once they accept an invitation to the portal.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteering",
    )
    invitation = models.ForeignKey(
        "homes.Invitation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.STAFF)
    # One application on an organisation's page can be for several homes.
    application_group = models.UUIDField(null=True, blank=True)
    applied_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    version = _version()

    objects = scoped_manager(VolunteerQuerySet)

    class Meta:
        ordering = ["full_name", "id"]
        indexes = [models.Index(fields=["home", "status"])]
        constraints = [
            models.UniqueConstraint(
                "home",
                Lower("email"),
                condition=~Q(email="") & ~Q(status="left"),
                name="volunteers_volunteer_one_open_per_email",
            ),
            models.UniqueConstraint(
                fields=["home", "user"],
                condition=Q(user__isnull=False),
                name="volunteers_volunteer_one_per_user",
            ),
            models.CheckConstraint(
                condition=~Q(status="left") | ~Q(left_reason=""), name="volunteers_volunteer_left_reason"
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def short_name(self):
        return self.preferred_name or self.full_name.split(" ")[0]

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE


class StatusChange(HomeScopedModel):
    """Every move through the pipeline: from, to, when, by whom and why."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Volunteer.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Volunteer.Status.choices)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["volunteer", "-changed_at"])]

    def __str__(self):
        return f"{self.get_to_status_display()} on {self.changed_at:%-d %B %Y}"


class Availability(HomeScopedModel):
    """A time in the week someone is usually free: a volunteer, or a driver
    (who may be a member of staff)."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, null=True, blank=True, related_name="availability"
    )
    driver = models.ForeignKey(
        "volunteers.Driver", on_delete=models.CASCADE, null=True, blank=True, related_name="availability"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts_at = models.TimeField("from")
    ends_at = models.TimeField("until")

    class Meta:
        ordering = ["weekday", "starts_at"]
        verbose_name_plural = "availability"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="volunteers_availability_order"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="volunteers_availability_weekday"),
            models.CheckConstraint(
                condition=Q(volunteer__isnull=False, driver__isnull=True)
                | Q(volunteer__isnull=True, driver__isnull=False),
                name="volunteers_availability_one_owner",
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"
