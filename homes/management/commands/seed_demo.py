"""Demo data: ``python manage.py seed_demo [--homes N] [--residents-per-home N]``.

Idempotent: running it again adds only what is missing. Bulk inserts, so it
can grow the data for the benchmark. Every feature adds its demo rows here
(or in a ``seed_demo`` hook of its own app) so a newcomer sees it working.
"""

import importlib
import importlib.util
import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from homes.models import Home, Membership, Organisation, Role, Space
from residents.models import RelativeLink, Resident

# Feature demo data, in order (plans before connections: calls need people who matter).
DEMO_AREAS = [
    "residents.demo.residents",
    "residents.demo.plans",
    "residents.demo.peers",
    "residents.demo.wellbeing",
    "residents.demo.connections",
    "residents.demo.coproduction",
    "visits.demo.info",
    "visits.demo.family",
    "visits.demo.access",
    "visits.demo.booking",
    "visits.demo.events",
    "notifications.demo.preferences",
    "visits.demo.reminders",
    "residents.demo.reminders",
]

DEMO_PASSWORD = "kith-demo-2026"  # noqa: S105 - published demo logins
DOMAIN = "example.com"

HOME_NAMES = [
    ("Rowan House", "12 Mill Lane\nKirkby Ashton", "KA1 4RH", "01632 960101"),
    ("Birch Court", "3 Station Road\nNether Wallop", "NW2 7BC", "01632 960202"),
    ("Hazel Lodge", "48 Church Street\nLower Ashby", "LA3 2HL", "01632 960303"),
    ("Willow Bank", "7 Canal Walk\nUpper Heyford", "UH4 9WB", "01632 960404"),
]

RESIDENT_FIRST = [
    ("Margaret", "Peggy"),
    ("Dorothy", "Dot"),
    ("Joan", ""),
    ("Elizabeth", "Betty"),
    ("Jean", ""),
    ("Patricia", "Pat"),
    ("Eileen", ""),
    ("Mary", ""),
    ("Irene", ""),
    ("Doris", ""),
    ("Elsie", ""),
    ("Edna", ""),
    ("Sheila", ""),
    ("Brenda", ""),
    ("Iris", ""),
    ("Vera", ""),
    ("Maureen", "Mo"),
    ("Audrey", ""),
    ("Pauline", ""),
    ("Winifred", "Winnie"),
    ("George", ""),
    ("Arthur", ""),
    ("Harold", "Harry"),
    ("Albert", "Bert"),
    ("Frank", ""),
    ("Kenneth", "Ken"),
    ("Stanley", "Stan"),
    ("Ronald", "Ron"),
    ("Dennis", ""),
    ("Walter", "Wally"),
    ("Eric", ""),
    ("Leonard", "Len"),
    ("Frederick", "Fred"),
    ("Norman", ""),
    ("Raymond", "Ray"),
    ("Bernard", "Bernie"),
    ("Douglas", "Doug"),
    ("Gurdeep", ""),
    ("Rashida", ""),
    ("Krystyna", ""),
]
SURNAMES = [
    "Thompson",
    "Patel",
    "Hughes",
    "Walker",
    "Robertson",
    "MacDonald",
    "Evans",
    "O'Brien",
    "Khan",
    "Campbell",
    "Fraser",
    "Wilson",
    "Murray",
    "Baxter",
    "Jenkins",
    "Clarke",
    "Kowalski",
    "Okafor",
    "Stewart",
    "Reid",
    "Singh",
    "Henderson",
    "Davies",
    "Morgan",
    "Price",
    "Shaw",
    "Harper",
    "Doyle",
    "Fletcher",
    "Ahmed",
    "Lloyd",
    "Gallagher",
]
STAFF = [
    "Aisha Bello",
    "Tom Whitfield",
    "Priya Nair",
    "Callum Ross",
    "Grace Mensah",
    "Lewis Hart",
    "Hannah Quinn",
    "Marek Nowak",
    "Sophie Turner",
    "Daniel Osei",
]
UNITS = ["Ground floor", "First floor", "Garden wing"]
SPACES = [
    ("Lounge", Space.Kind.LOUNGE, 12, True, "A bright lounge with a piano and garden views."),
    ("Garden room", Space.Kind.GARDEN_ROOM, 8, True, "Glass on three sides; warm in winter."),
    ("Café corner", Space.Kind.CAFE, 6, True, "Tea, coffee and cake for visitors."),
    ("Family room", Space.Kind.PRIVATE_ROOM, 4, True, "Quiet and private, with a sofa."),
    ("Dining room", Space.Kind.DINING, 30, False, "Meals are served here; guests are welcome."),
    ("Garden", Space.Kind.GARDEN, 20, True, "Raised beds, a bird table and level paths."),
]
RELATIONSHIPS = ["daughter", "son", "niece", "grandson", "friend", "neighbour", "wife", "husband"]


def email(local, home_slug=None):
    return f"{local}@{home_slug}.{DOMAIN}" if home_slug else f"{local}@kith-demo.{DOMAIN}"


def resident_names(count, rng):
    combos = [(f, s) for f in RESIDENT_FIRST for s in SURNAMES]
    rng.shuffle(combos)
    names = []
    initials = "ABCDEFGHJKLMNPRSTW"
    round_ = 0
    while len(names) < count:
        for (first, preferred), surname in combos:
            if len(names) >= count:
                break
            middle = f" {initials[(round_ - 1) % len(initials)]}." if round_ else ""
            names.append((f"{first}{middle} {surname}", preferred))
        round_ += 1
    return names


class Command(BaseCommand):
    help = "Create (or top up) demo data: an organisation, homes, people and residents."

    def add_arguments(self, parser):
        parser.add_argument("--homes", type=int, default=2)
        parser.add_argument("--residents-per-home", type=int, default=30)
        parser.add_argument("--quiet", action="store_true")

    @transaction.atomic
    def handle(self, *args, homes, residents_per_home, quiet, **options):
        password = make_password(DEMO_PASSWORD)
        org, _ = Organisation.objects.get_or_create(
            slug="kith-demo-care", defaults={"name": "Kith Demo Care Group"}
        )
        home_rows = []
        for i in range(homes):
            name, address, postcode, phone = HOME_NAMES[i % len(HOME_NAMES)]
            if i >= len(HOME_NAMES):
                name = f"{name} {i // len(HOME_NAMES) + 1}"
            slug = name.lower().replace(" ", "-")
            home_rows.append(
                Home(
                    organisation=org,
                    name=name,
                    slug=slug,
                    address=address,
                    postcode=postcode,
                    phone=phone,
                    email=f"hello@{slug}.{DOMAIN}",
                )
            )
        Home.objects.bulk_create(home_rows, ignore_conflicts=True)
        home_list = list(Home.objects.filter(slug__in=[h.slug for h in home_rows]).order_by("id"))

        # People: per home a manager, a champion, staff, relatives, volunteers;
        # across homes an organisation admin and a bank carer.
        users = [
            User(
                email=email("admin"),
                full_name="Sam Okoro",
                is_staff=True,
                is_superuser=True,
                password=password,
            ),
            User(email=email("bank"), full_name="Jo Lindqvist", password=password),
        ]
        plan = []  # (email, home, role, job title)
        for home in home_list:
            s = home.slug
            rng = random.Random(s)
            staff_names = STAFF[:]
            rng.shuffle(staff_names)
            people = [
                (
                    "manager",
                    "Ruth Adeyemi" if home == home_list[0] else "Iain Sutherland",
                    Role.MANAGER,
                    "Home manager",
                ),
                ("champion", staff_names[0], Role.CHAMPION, "Activity co-ordinator"),
                ("staff", staff_names[1], Role.STAFF, "Senior carer"),
            ]
            people += [(f"staff{n}", staff_names[n], Role.STAFF, "Carer") for n in range(2, 8)]
            people += [
                ("family", "Linda Baxter" if home == home_list[0] else "Mohammed Khan", Role.FAMILY, "")
            ]
            people += [
                (
                    f"family{n}",
                    f"{rng.choice(['Claire', 'David', 'Julie', 'Mark', 'Asha', 'Neil'])} {SURNAMES[n]}",
                    Role.FAMILY,
                    "",
                )
                for n in range(1, 9)
            ]
            people += [("volunteer", "Beryl Hutchins", Role.VOLUNTEER, "Befriender")]
            people += [("volunteer2", "Kwame Asante", Role.VOLUNTEER, "Driver")]
            for local, full_name, role, title in people:
                users.append(User(email=email(local, s), full_name=full_name, password=password))
                plan.append((email(local, s), home, role, title))
            plan.append((email("admin"), home, Role.ORG_ADMIN, "Operations director"))
            plan.append((email("bank"), home, Role.STAFF, "Bank carer"))
        User.objects.bulk_create(users, ignore_conflicts=True)
        by_email = {u.email: u for u in User.objects.filter(email__in=[u.email for u in users])}
        Membership.objects.bulk_create(
            [Membership(user=by_email[e], home=h, role=r, job_title=t) for e, h, r, t in plan],
            ignore_conflicts=True,
        )

        Space.objects.bulk_create(
            [
                Space(home=h, name=n, kind=k, capacity=c, bookable=b, description=d)
                for h in home_list
                for n, k, c, b, d in SPACES
            ],
            ignore_conflicts=True,
        )

        for home in home_list:
            self._seed_residents(home, residents_per_home, by_email)
            self._seed_features(home)

        if not quiet:
            self._print_logins(home_list)

    def _seed_residents(self, home, count, by_email):
        rng = random.Random(f"residents-{home.slug}")
        names = resident_names(count, rng)
        existing = set(Resident.objects.for_home(home).values_list("full_name", flat=True))
        key_workers = [
            by_email[email(local, home.slug)]
            for local in ["staff", "champion"] + [f"staff{n}" for n in range(2, 8)]
        ]
        today = timezone.localdate()
        new = []
        for n, (full_name, preferred) in enumerate(names):
            if full_name in existing:
                continue
            new.append(
                Resident(
                    home=home,
                    full_name=full_name,
                    preferred_name=preferred,
                    room=str(n + 1),
                    unit=UNITS[n % len(UNITS)],
                    admitted_on=today - timedelta(days=rng.randint(20, 2400)),
                    key_worker=key_workers[n % len(key_workers)],
                    status=Resident.Status.HOSPITAL if n % 29 == 7 else Resident.Status.CURRENT,
                )
            )
        Resident.objects.bulk_create(new, batch_size=1000)

        residents = list(Resident.objects.for_home(home).order_by("id")[:10])
        memberships = {
            m.user.email: m
            for m in Membership.objects.for_home(home).filter(role=Role.FAMILY).select_related("user")
        }
        links = []
        family_locals = ["family"] + [f"family{n}" for n in range(1, 9)]
        for n, local in enumerate(family_locals):
            m = memberships.get(email(local, home.slug))
            if m and n < len(residents):
                links.append(
                    RelativeLink(
                        home=home,
                        membership=m,
                        resident=residents[n],
                        relationship=RELATIONSHIPS[n % len(RELATIONSHIPS)],
                    )
                )
        # The main demo relative follows two people (mother and her friend).
        lead = memberships.get(email("family", home.slug))
        if lead and len(residents) > 9:
            links.append(
                RelativeLink(home=home, membership=lead, resident=residents[9], relationship="family friend")
            )
        RelativeLink.objects.bulk_create(links, ignore_conflicts=True)

    def _seed_features(self, home):
        """Each feature area adds its demo rows: ``<app>/demo/<area>.py`` has
        ``seed(*, home, residents, staff, today, rng)``, idempotent and bulk."""
        residents = list(Resident.objects.for_home(home).order_by("id"))
        staff = [
            m.user
            for m in Membership.objects.for_home(home)
            .filter(role__in=[Role.STAFF, Role.CHAMPION, Role.MANAGER], is_active=True)
            .select_related("user")
            .order_by("id")
        ]
        for module_name in DEMO_AREAS:
            if importlib.util.find_spec(module_name) is None:
                continue
            module = importlib.import_module(module_name)
            module.seed(
                home=home,
                residents=residents,
                staff=staff,
                today=timezone.localdate(),
                rng=random.Random(f"{module_name}-{home.slug}"),
            )

    def _print_logins(self, homes):
        w = self.stdout.write
        w(self.style.SUCCESS("Demo data is ready."))
        w(f"Every demo account uses the password: {DEMO_PASSWORD}")
        w(f"  {email('admin'):<40} organisation admin for every home (and the admin site)")
        w(f"  {email('bank'):<40} bank carer who works in every home (shows the home switcher)")
        for home in homes[:2]:
            w(f"{home.name}:")
            for local, what in [
                ("manager", "home manager"),
                ("champion", "connection champion"),
                ("staff", "care staff (key worker)"),
                ("family", "relative (linked to two residents)"),
                ("volunteer", "volunteer"),
            ]:
                w(f"  {email(local, home.slug):<40} {what}")
