"""Demo volunteers: someone at every stage of recruitment (one waiting for a
reference), the home's checks for its nation (PVG in Scotland, DBS in England
and Wales), the training register for volunteers and staff (the activity
co-ordinator trained to manage volunteers), and the driver bank (one driver in
it, one out of it because their licence check is overdue).

Idempotent: nothing is added to a home that already has volunteers. Bulk writes.
"""

from datetime import time, timedelta

from django.utils import timezone

from carehome.timeutils import add_months
from homes.demo import email
from homes.models import Interest, Membership, Nation, Role
from volunteers.models import (
    Availability,
    BackgroundCheck,
    CheckLevel,
    Driver,
    Reference,
    StatusChange,
    TrainingModule,
    TrainingRecord,
    Volunteer,
    VolunteerRole,
    VolunteerSettings,
)
from volunteers.models.checks import PVG_YEARS

WELCOME = (
    "Volunteers make a real difference here: a chat over a cup of tea, a game of dominoes, help in the "
    "garden, or sharing a hobby with someone who loved it too. Tell us what you enjoy and when you are "
    "free, and our activity co-ordinator will be in touch."
)

# name, what the role needs (check level, references, interview), training, meets residents, drives
ROLES = [
    ("Befriender", "Regular one-to-one visits: a chat, a hobby shared, a walk in the garden.", False,
     ["safeguarding-adults", "dementia-awareness"], True, False),
    ("Activity helper", "Helping with group activities: singing, quizzes, crafts and the garden club.", False,
     ["safeguarding-adults"], True, False),
    ("Volunteer driver", "Driving residents to appointments and on outings, in the minibus or your own car.",
     True, ["safeguarding-adults"], True, True),
]  # fmt: skip

# local part of a demo sign-in (or None), name, status, days in that status, roles, interests, notes
PEOPLE = [
    ("volunteer", "Beryl Hutchins", Volunteer.Status.ACTIVE, 200, ["Befriender"],
     ["Model making", "Military history", "Radio", "DIY and woodwork"],
     "Retired aircraft engineer. Builds model aircraft (Spitfires and Lancasters) and brings a kit along."),
    ("volunteer2", "Kwame Asante", Volunteer.Status.ACTIVE, 150, ["Volunteer driver", "Activity helper"],
     ["Football", "Music", "Cars and motorbikes"], "Drives the minibus on outings; plays the guitar."),
    (None, "Nadia Rahman", Volunteer.Status.APPLIED, 2, ["Activity helper"], ["Baking", "Cooking"],
     "Would like to run a baking club on Saturday mornings."),
    (None, "Graham Pike", Volunteer.Status.REFERENCES, 21, ["Befriender"],
     ["Crosswords and puzzles", "Reading"], "Retired teacher; happy to read the paper with people."),
    (None, "Emily Carr", Volunteer.Status.CHECKS, 12, ["Activity helper"], ["Singing", "Music"],
     "Sings with a community choir; would help with the singing group."),
    (None, "Oliver Bennett", Volunteer.Status.INDUCTION, 5, ["Befriender"], ["Gardening", "Birdwatching"],
     "University student; free on Wednesday afternoons."),
    (None, "Margaret Doyle", Volunteer.Status.PAUSED, 40, ["Befriender"], ["Knitting and sewing"],
     "Knitting circle on Fridays."),
    (None, "Peter Quinn", Volunteer.Status.LEFT, 90, ["Activity helper"], ["Quizzes"],
     "Ran the Thursday quiz."),
]  # fmt: skip
PIPELINE = [
    Volunteer.Status.APPLIED,
    Volunteer.Status.REFERENCES,
    Volunteer.Status.CHECKS,
    Volunteer.Status.INDUCTION,
    Volunteer.Status.ACTIVE,
]
WANTS = {
    Volunteer.Status.ACTIVE: "Sit with someone who shares my hobby, once a week.",
    Volunteer.Status.APPLIED: "Help with baking and the Saturday coffee morning.",
    Volunteer.Status.REFERENCES: "Read the paper with people and help with the crossword.",
    Volunteer.Status.CHECKS: "Help with the singing group.",
}
REASONS = {
    Volunteer.Status.PAUSED: "Recovering from an operation; hopes to be back in the spring.",
    Volunteer.Status.LEFT: "Moved away to be near family.",
}
# weekday, from, until for each volunteer in PEOPLE order
AVAILABILITY = [
    [(1, time(13, 0), time(17, 0)), (3, time(10, 0), time(12, 0))],
    [(0, time(9, 0), time(17, 0)), (3, time(9, 0), time(17, 0))],
    [(5, time(9, 30), time(12, 30))],
    [(2, time(10, 0), time(12, 0))],
    [(4, time(14, 0), time(16, 0))],
    [(2, time(13, 0), time(17, 0))],
    [(4, time(10, 0), time(12, 0))],
    [(3, time(14, 0), time(16, 0))],
]
REFEREES = [
    ("Sheila Marsh", "Neighbour for 20 years"),
    ("Rev. David Allan", "Minister at her church"),
    ("Carol Whitley", "Former line manager"),
    ("Tom Reid", "Football club secretary"),
]


def seed(*, home, residents, staff, today, rng):
    if Volunteer.objects.for_home(home).exists():
        return
    members = {
        m.user.email: m
        for m in Membership.objects.for_home(home)
        .filter(is_active=True)
        .select_related("user")
        .order_by("id")
    }
    coordinator = members.get(email("champion", home.slug)) or members.get(email("manager", home.slug))
    demo = _Demo(home, today, rng, coordinator, members)
    VolunteerSettings.objects.get_or_create(home=home, defaults={"welcome": WELCOME})
    demo.roles()
    demo.people()
    for index, volunteer in enumerate(demo.volunteers):
        demo.pipeline(index, volunteer, PEOPLE[index])
    demo.save()
    demo.staff_training()
    demo.drivers()


class _Demo:
    def __init__(self, home, today, rng, coordinator, members):
        self.home, self.today, self.rng, self.members = home, today, rng, members
        self.coordinator = coordinator
        self.actor = coordinator.user if coordinator else None
        self.now = timezone.now()
        self.modules = {m.slug: m for m in TrainingModule.objects.all()}
        self.interests = {i.name: i for i in Interest.objects.all()}
        self.role_by_name, self.volunteers = {}, []
        self.changes, self.checks, self.references, self.records, self.availability = [], [], [], [], []

    def roles(self):
        for name, description, interview, training, meets, drives in ROLES:
            role = VolunteerRole.objects.create(
                home=self.home,
                name=name,
                description=description,
                check_level=CheckLevel.ENHANCED_BARRED,
                needs_interview=interview,
                meets_residents=meets,
                drives=drives,
            )
            role.training.set([self.modules[slug] for slug in training if slug in self.modules])
            self.role_by_name[name] = role

    def people(self):
        for local, full_name, status, days, _, _, notes in PEOPLE:
            since = self.now - timedelta(days=days)
            address = email(local, self.home.slug) if local else None
            user = self.members[address].user if address in self.members else None
            first, last = full_name.split()[0].lower(), full_name.split()[-1].lower()
            self.volunteers.append(
                Volunteer(
                    home=self.home,
                    full_name=full_name,
                    email=user.email if user else f"{first}.{last}@example.com",
                    phone=f"07700 900{len(self.volunteers):03d}",
                    what_to_do=WANTS.get(
                        status, "Whatever helps most: a chat, a game, a walk in the garden."
                    ),
                    skills_notes=notes,
                    over_16=True,
                    consent_to_checks=True,
                    status=status,
                    status_changed_at=since,
                    left_reason=REASONS[status] if status == Volunteer.Status.LEFT else "",
                    source=Volunteer.Source.STAFF if user else Volunteer.Source.HOME_PAGE,
                    applied_at=since - timedelta(days=10 if status in PIPELINE[:4] else 60),
                    user=user,
                    contact=self.coordinator,
                )
            )
        Volunteer.objects.bulk_create(self.volunteers)
        through_roles, through_interests = Volunteer.roles.through, Volunteer.interests.through
        pairs = list(zip(self.volunteers, PEOPLE, strict=True))
        through_roles.objects.bulk_create(
            [
                through_roles(volunteer_id=v.pk, volunteerrole_id=self.role_by_name[name].pk)
                for v, person in pairs
                for name in person[4]
            ]
        )
        through_interests.objects.bulk_create(
            [
                through_interests(volunteer_id=v.pk, interest_id=self.interests[name].pk)
                for v, person in pairs
                for name in person[5]
                if name in self.interests
            ]
        )

    def pipeline(self, index, volunteer, person):
        status, role_names = person[2], person[4]
        reached = PIPELINE.index(status) if status in PIPELINE else PIPELINE.index(Volunteer.Status.ACTIVE)
        self._history(volunteer, status, reached)
        self._references(index, volunteer, reached)
        if reached >= 3:  # identity, interview and the check are back
            self._screening(index, volunteer)
        if reached >= 4:  # induction and the role's training done
            done = (volunteer.status_changed_at - timedelta(days=3)).date()
            for slug in ["induction", *sorted({s for name in role_names for s in _training_of(name)})]:
                if module := self.modules.get(slug):
                    self._trained(module, done, volunteer=volunteer, provider="The home's training team")
        for weekday, starts_at, ends_at in AVAILABILITY[index % len(AVAILABILITY)]:
            self.availability.append(
                Availability(
                    home=self.home, volunteer=volunteer, weekday=weekday, starts_at=starts_at, ends_at=ends_at
                )
            )

    def _history(self, volunteer, status, reached):
        """Each step so far, dated and by whom (a pause or leaving came a month after starting)."""
        steps = PIPELINE[: reached + 1]
        end = volunteer.status_changed_at - (timedelta(0) if status in PIPELINE else timedelta(days=30))
        gap = (end - volunteer.applied_at) / max(len(steps) - 1, 1)
        previous = ""
        for position, step in enumerate(steps):
            self.changes.append(
                StatusChange(
                    home=self.home,
                    volunteer=volunteer,
                    from_status=previous,
                    to_status=step,
                    changed_at=volunteer.applied_at + gap * position,
                    changed_by=None if step == Volunteer.Status.APPLIED else self.actor,
                )
            )
            previous = step
        if status not in PIPELINE:
            self.changes.append(
                StatusChange(
                    home=self.home,
                    volunteer=volunteer,
                    from_status=Volunteer.Status.ACTIVE,
                    to_status=status,
                    changed_at=volunteer.status_changed_at,
                    changed_by=self.actor,
                    reason=REASONS[status],
                )
            )

    def _references(self, index, volunteer, reached):
        """Asked when they reached "references"; the first back then, both once past it."""
        for position, (name, relationship) in enumerate(self.rng.sample(REFEREES, 2)):
            asked = (volunteer.applied_at + timedelta(days=3)).date() if reached >= 1 else None
            back = asked is not None and (reached >= 2 or position == 0)
            self.references.append(
                Reference(
                    home=self.home,
                    volunteer=volunteer,
                    name=name,
                    relationship=relationship,
                    email=f"{name.split()[-1].lower()}{index}@example.com",
                    requested_on=asked,
                    received_on=asked + timedelta(days=6 + position) if back else None,
                    satisfactory=True if back else None,
                    recorded_by=self.actor,
                )
            )

    def _screening(self, index, volunteer):
        volunteer.identity_checked_on = (volunteer.applied_at + timedelta(days=4)).date()
        volunteer.identity_documents = "Passport and a council tax bill"
        volunteer.identity_checked_by = self.actor
        volunteer.interviewed_on = volunteer.identity_checked_on
        volunteer.interview_notes = "Warm, patient, a good listener. Keen to share their hobby."
        volunteer.interviewed_by = self.actor
        issued = volunteer.identity_checked_on + timedelta(days=14)
        if self.home.nation == Nation.SCOTLAND:
            left = volunteer.status == Volunteer.Status.LEFT
            check = BackgroundCheck(
                scheme=BackgroundCheck.Scheme.PVG,
                membership_number=f"1234{self.home.pk:04d}{index:08d}",
                valid_until=add_months(issued, PVG_YEARS * 12),  # 29 February: 28 February
                left_notified_on=volunteer.status_changed_at.date() + timedelta(days=2) if left else None,
            )
        else:
            check = BackgroundCheck(
                scheme=BackgroundCheck.Scheme.DBS,
                level=CheckLevel.ENHANCED_BARRED,
                certificate_number=f"00{self.home.pk:04d}{index:06d}",
                update_service=BackgroundCheck.UpdateService.YES,
                update_service_checked_on=issued,
                valid_until=issued + timedelta(days=3 * 365),
            )
        check.home, check.volunteer, check.issued_on, check.recorded_by = (
            self.home,
            volunteer,
            issued,
            self.actor,
        )
        self.checks.append(check)

    def _trained(self, module, done, *, volunteer=None, member=None, provider="", renew=None):
        self.records.append(
            TrainingRecord(
                home=self.home,
                volunteer=volunteer,
                member=member,
                module=module,
                completed_on=done,
                expires_on=renew or _renew_by(module, done),
                provider=provider,
                recorded_by=self.actor,
            )
        )

    def save(self):
        Volunteer.objects.bulk_update(
            self.volunteers,
            [
                "identity_checked_on",
                "identity_documents",
                "identity_checked_by",
                "interviewed_on",
                "interview_notes",
                "interviewed_by",
            ],
        )
        StatusChange.objects.bulk_create(self.changes)
        Reference.objects.bulk_create(self.references)
        BackgroundCheck.objects.bulk_create(self.checks)
        Availability.objects.bulk_create(self.availability)

    def staff_training(self):
        """Safeguarding for the staff (one due to renew within the month) and
        volunteer management for the activity co-ordinator."""
        self.staff_members = [
            m for m in self.members.values() if m.role in (Role.STAFF, Role.CHAMPION, Role.MANAGER)
        ]
        safeguarding = self.modules["safeguarding-adults"]
        for position, member in enumerate(self.staff_members):
            done = self.today - timedelta(days=200 + 37 * position)
            renew = None
            if position == 2:
                done = self.today - timedelta(days=3 * 365 - 20)
                renew = done + timedelta(days=3 * 365)
            self._trained(safeguarding, done, member=member, provider="County council training", renew=renew)
        if self.coordinator is not None:
            module = self.modules["volunteer-management"]
            self._trained(
                module, self.today - timedelta(days=120), member=self.coordinator, provider="Volunteer Centre"
            )
        TrainingRecord.objects.bulk_create(self.records)

    def drivers(self):
        """Kwame drives the minibus (in the bank); a carer who drives their own car
        is out of it until her licence is checked again."""
        kwame = self.volunteers[1]
        rows = [
            Driver(
                home=self.home,
                volunteer=kwame,
                licence_categories=["B", "D1"],
                licence_checked_on=self.today - timedelta(days=60),
                drives_minibus=True,
                recorded_by=self.actor,
            )
        ]
        midas = self.modules["midas"]
        TrainingRecord.objects.create(
            home=self.home,
            volunteer=kwame,
            module=midas,
            completed_on=self.today - timedelta(days=300),
            expires_on=_renew_by(midas, self.today - timedelta(days=300)),
            provider="Community Transport Association",
            recorded_by=self.actor,
        )
        carer = next((m for m in self.staff_members if m.role == Role.STAFF), None)
        if carer is not None:
            rows.append(
                Driver(
                    home=self.home,
                    member=carer,
                    licence_categories=["B"],
                    licence_checked_on=self.today - timedelta(days=400),
                    drives_own_car=True,
                    insurance_expires_on=self.today + timedelta(days=150),
                    vehicle_check_expires_on=self.today + timedelta(days=25),
                    notes="Happy to take one resident to hospital appointments.",
                    recorded_by=self.actor,
                )
            )
        Driver.objects.bulk_create(rows)
        Availability.objects.bulk_create(
            [
                Availability(
                    home=self.home, driver=rows[0], weekday=day, starts_at=time(9, 0), ends_at=time(17, 0)
                )
                for day in (0, 3)
            ]
        )


def _training_of(role_name):
    for name, _, _, training, _, _ in ROLES:
        if name == role_name:
            return training
    return []


def _renew_by(module, done):
    return add_months(done, module.valid_months) if module.valid_months else None
