"""The tenancy core: organisations, homes, their spaces and who belongs."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from homes.scoping import HomeScopedManager, HomeScopedQuerySet, check_write, scoped_manager

__all__ = ["HomeScopedQuerySet"]  # re-exported: models of every app extend it


class Organisation(models.Model):
    class Kind(models.TextChoices):
        PROVIDER = "provider", "Care provider"
        CONNECTOR = "connector", "Connector charity"

    name = models.CharField(max_length=150)
    slug = models.SlugField(unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PROVIDER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Nation(models.TextChoices):
    """Where a home is decides the law it works under: the background check a
    volunteer needs (PVG in Scotland, DBS in England and Wales), the regulator."""

    ENGLAND = "england", "England"
    WALES = "wales", "Wales"
    SCOTLAND = "scotland", "Scotland"


class Home(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="homes")
    name = models.CharField(max_length=150)
    slug = models.SlugField(unique=True, help_text="Used in web addresses, e.g. /h/rowan-house/")
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=12, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    # Where the home is, for distances to partners and places and for the map.
    latitude = models.DecimalField(max_digits=8, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    nation = models.CharField(
        max_length=10,
        choices=Nation.choices,
        default=Nation.ENGLAND,
        help_text="Decides the background check volunteers need: PVG in Scotland, DBS in England and Wales.",
    )
    # The home's choice, made by its manager: connector charity staff who are
    # members of the home see its outcome figures (never residents' names)
    # only while this is on (homes.permissions.GRANTED_BY_HOME).
    shares_outcomes = models.BooleanField(
        "share the outcome figures with connector charity staff",
        default=False,
        help_text="Connector charity staff who are members of this home see its outcomes dashboard "
        "and latest ratings, never residents' names, plans or self-evaluations.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__gte=-90, latitude__lte=90) & Q(longitude__gte=-180, longitude__lte=180)),
                name="homes_home_location_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("homes:dashboard", kwargs={"home_slug": self.slug})

    @property
    def in_scotland(self):
        return self.nation == Nation.SCOTLAND


class HomeScopedModel(models.Model):
    """Base for every row that belongs to a home: a non-null, indexed ``home``."""

    home = models.ForeignKey(Home, on_delete=models.CASCADE, related_name="+")

    objects = HomeScopedManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # The tenant guard for writes: inside a home's scope, only that home's rows.
        check_write(self)
        if self._state.adding and self.pk is None:
            # A new row has nothing pointing at it yet: say so, so that reading a
            # reverse one-to-one (as the history's diff does) asks no query.
            for relation in self._meta.related_objects:
                if relation.one_to_one and not relation.is_cached(self):
                    relation.set_cached_value(self, None)
        super().save(*args, **kwargs)

    def get_additional_data(self):
        # Stored on every audit entry, so a home's history can be read by home.
        return {"home_id": self.home_id}


class Space(HomeScopedModel):
    class Kind(models.TextChoices):
        LOUNGE = "lounge", "Lounge"
        GARDEN_ROOM = "garden_room", "Garden room"
        CAFE = "cafe", "Café corner"
        PRIVATE_ROOM = "private_room", "Private room"
        DINING = "dining", "Dining room"
        GARDEN = "garden", "Garden"
        ACTIVITY_ROOM = "activity_room", "Activity room"
        TABLET = "tablet", "Tablet for video calls"
        PHONE = "phone", "Phone for calls"
        OTHER = "other", "Other"

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.LOUNGE)
    capacity = models.PositiveSmallIntegerField(help_text="How many people can comfortably use it at once.")
    bookable = models.BooleanField(
        default=True, help_text="Relatives and staff can reserve it for a visit or an activity."
    )
    description = models.TextField(blank=True)
    is_active = models.BooleanField("in use", default=True)
    photo = models.ImageField(upload_to="spaces/", blank=True)
    opens_at = models.TimeField("bookable from", default=datetime.time(9, 0))
    closes_at = models.TimeField("bookable until", default=datetime.time(20, 0))
    buffer_minutes = models.PositiveSmallIntegerField(
        "minutes to keep free between bookings", default=15, help_text="Time to tidy up and get ready."
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="One more on every edit (carehome.versions)."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "home", models.functions.Lower("name"), name="homes_space_unique_name_ci_per_home"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1) & Q(capacity__lte=500),
                name="homes_space_capacity_range",
            ),
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="homes_space_hours_order"),
            models.CheckConstraint(condition=Q(buffer_minutes__lte=240), name="homes_space_buffer_range"),
        ]

    def __str__(self):
        return self.name


class SpaceHold(HomeScopedModel):
    """A space held for a time: a family visit, an activity, or a partner using
    the home as a venue. Every booking of a space, whatever made it, holds it
    here, so PostgreSQL can refuse two overlapping holds of one space (an
    exclusion constraint over the held range, migration 0009): a choir in the
    lounge and a family visit in the lounge can never both be booked.

    The held range is the booking plus the space's buffer either side. The
    owner keeps a foreign key to its hold (``Visit.hold``,
    ``community.Occurrence.hold``); releasing a hold frees the space at once."""

    class HeldFor(models.TextChoices):
        VISIT = "visit", "A visit"
        ACTIVITY = "activity", "An activity"
        VENUE = "venue", "A community group"

    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="holds")
    held_for = models.CharField(max_length=10, choices=HeldFor.choices)
    label = models.CharField(
        max_length=200, help_text="What the calendar shows, e.g. “Choir (Rowan Singers)”."
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    blocked_from = models.DateTimeField()
    blocked_until = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["space", "blocked_from"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="homes_hold_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(blocked_from__lte=F("starts_at")) & Q(blocked_until__gte=F("ends_at")),
                name="homes_hold_blocked_covers_hold",
            ),
            # "No two live holds of one space overlap" is PostgreSQL-only: migration 0009.
        ]

    def __str__(self):
        return f"{self.space} held for {self.label}"


class Role(models.TextChoices):
    STAFF = "staff", "Care staff"
    CHAMPION = "champion", "Connection champion"
    MANAGER = "manager", "Home manager"
    FAMILY = "family", "Family or friend"
    VOLUNTEER = "volunteer", "Volunteer"
    ORG_ADMIN = "org_admin", "Organisation admin"
    # Staff of a connector charity that links the home with its community: they
    # see partners and the programme of the homes they serve, never residents' plans.
    CONNECTOR = "connector", "Connector charity staff"


class MembershipQuerySet(HomeScopedQuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)


class Membership(HomeScopedModel):
    """A person's role at one home. One person may belong to several homes."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    job_title = models.CharField(max_length=100, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = scoped_manager(MembershipQuerySet)

    class Meta:
        ordering = ["user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "home"], name="homes_membership_one_per_home"),
        ]
        indexes = [models.Index(fields=["home", "role"])]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} at {self.home}"

    def has_perm(self, perm):
        from homes.permissions import membership_has_perm

        return membership_has_perm(self, perm)


class Invitation(HomeScopedModel):
    """An emailed link that makes a person a member of a home in a role.

    The link carries a signed (pk, nonce) pair; re-sending changes the nonce,
    so only the newest link works. Accepting it once uses it up.
    """

    email = models.EmailField()
    full_name = models.CharField("their name", max_length=150)
    role = models.CharField(max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message = models.TextField("a personal note (optional)", blank=True)
    token_nonce = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    sent_nonce = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(default=0)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Only one open invitation per person per home.
            models.UniqueConstraint(
                "home",
                models.functions.Lower("email"),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="homes_invitation_one_open_per_email",
            ),
        ]

    def __str__(self):
        return f"Invitation for {self.email} to {self.home}"

    @property
    def is_expired(self):
        return timezone.now() >= self.expires_at

    @property
    def status(self):
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "withdrawn"
        if self.is_expired:
            return "expired"
        return "waiting"


class Interest(models.Model):
    """One shared taxonomy of interests and hobbies.

    Residents' plans, volunteers' skills and community partners' offers are all
    tagged from this list, so "things in common" can be found across them.
    """

    class Category(models.TextChoices):
        ARTS = "arts", "Arts, crafts and music"
        OUTDOORS = "outdoors", "Nature and the outdoors"
        SPORT = "sport", "Sport and games"
        HOME = "home", "Home, food and making"
        LEARNING = "learning", "Learning, history and talk"
        FAITH = "faith", "Faith and community"
        ANIMALS = "animals", "Animals"
        TECHNOLOGY = "technology", "Technology"
        OTHER = "other", "Other"

    name = models.CharField(max_length=60, unique=True)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class FormSubmission(HomeScopedModel):
    """One create form, sent once: the form's one-time token, who sent it and
    what it created. The unique token makes a resubmitted or double-tapped
    create save once (``homes.submissions.submission_once``)."""

    token = models.UUIDField(unique=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["home", "created_at"])]

    def __str__(self):
        return f"Form {self.token} at {self.home}"


class DataChange(models.Model):
    """A statement changed a home's data: one row per home per statement, written
    by PostgreSQL triggers (``homes.changes``), never by Kith's own code. The
    newest row's id is the home's data generation, which keys its cached page
    fragments; ``home_id`` is empty for data shared between homes (people's
    names, the partner directory, interests). Old rows are pruned every hour."""

    id = models.BigAutoField(primary_key=True)
    # Not a foreign key: a trigger inserting here must never wait on the home's row.
    home_id = models.BigIntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["home_id", "id"], name="homes_datachange_home_id")]

    def __str__(self):
        return f"Change {self.id} at home {self.home_id or 'shared'}"
