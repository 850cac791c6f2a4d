"""Demo data: ``python manage.py seed_demo [--homes N] [--residents-per-home N]``.

Idempotent: running it again adds only what is missing. Bulk inserts, so it
can grow the data for the benchmark. The core seeds the organisation, homes,
people and spaces; every feature adds its demo rows through the registry in
``homes.demo`` (filled from each app's ``AppConfig.ready()``) so a newcomer
sees it working.
"""

import importlib
import random
import socket
import time

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from homes import demo
from homes.audit import record_demo_history
from homes.demo import DOMAIN, SURNAMES, email
from homes.models import Home, Membership, Nation, Organisation, Role, Space
from homes.scoping import crossing_homes
from homes.setup import home_set_up

DEMO_PASSWORD = "kith-demo-2026"  # noqa: S105 - published demo logins

HOME_NAMES = [
    ("Rowan House", "12 Mill Lane\nKirkby Ashton", "KA1 4RH", "01632 960101"),
    ("Birch Court", "3 Station Road\nKirkton of Lenny", "KL2 7BC", "01632 960202"),
    ("Hazel Lodge", "48 Church Street\nLower Ashby", "LA3 2HL", "01632 960303"),
    ("Willow Bank", "7 Canal Walk\nUpper Heyford", "UH4 9WB", "01632 960404"),
]

# Homes outside England (the rest are in England): the checks volunteers need follow the nation.
NATIONS = {"Birch Court": Nation.SCOTLAND, "Willow Bank": Nation.WALES}
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
SPACES = [
    ("Lounge", Space.Kind.LOUNGE, 12, True, "A bright lounge with a piano and garden views."),
    ("Garden room", Space.Kind.GARDEN_ROOM, 8, True, "Glass on three sides; warm in winter."),
    ("Café corner", Space.Kind.CAFE, 6, True, "Tea, coffee and cake for visitors."),
    ("Family room", Space.Kind.PRIVATE_ROOM, 4, True, "Quiet and private, with a sofa."),
    ("Dining room", Space.Kind.DINING, 30, False, "Meals are served here; guests are welcome."),
    ("Garden", Space.Kind.GARDEN, 20, True, "Raised beds, a bird table and level paths."),
]


def _wait_until_up(address, seconds=60):
    """Wait until something accepts connections at ``host:port``; False if
    nothing did in time."""
    host, _, port = address.rpartition(":")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout=1):
                return True
        except OSError:
            time.sleep(0.3)
    return False


class Command(BaseCommand):
    help = "Create (or top up) demo data: an organisation, homes, people and residents."

    def execute(self, *args, **options):
        if not settings.DEBUG and not options.get("not_production"):
            raise CommandError(
                "seed_demo makes demo accounts, a superuser among them, whose password is published "
                f"({DEMO_PASSWORD}), and DEBUG is off, so this may be a real site. Run it with DEBUG=1 "
                "on your own machine (make run does), or add --i-know-this-is-not-production."
            )
        with crossing_homes("the demo seeds every home"):
            return super().execute(*args, **options)

    def add_arguments(self, parser):
        parser.add_argument("--homes", type=int, default=2)
        parser.add_argument("--residents-per-home", type=int, default=30)
        parser.add_argument("--quiet", action="store_true")
        parser.add_argument(
            "--sign-ins",
            action="store_true",
            dest="sign_ins",
            help="Only print the demo sign-ins (make run prints them last, after start-up).",
        )
        parser.add_argument(
            "--when-up",
            metavar="HOST:PORT",
            help="With --sign-ins: wait (up to a minute) until the site answers there, then print "
            "the sign-ins and the site's address.",
        )
        parser.add_argument(
            "--i-know-this-is-not-production",
            action="store_true",
            dest="not_production",
            help="Seed even though DEBUG is off (a test or staging copy, never real people's data).",
        )

    @transaction.atomic
    def handle(self, *args, homes, residents_per_home, quiet, sign_ins=False, when_up=None, **options):
        if sign_ins:
            if when_up and not _wait_until_up(when_up):
                return  # the site did not start: its own error says why
            if when_up:
                self.stdout.write("")
            self._print_logins(list(Home.objects.filter(organisation__slug="kith-demo-care").order_by("id")))
            if when_up:
                self.stdout.write(f"Kith is running at http://{when_up}/  (Ctrl+C to stop)")
            return
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
                    nation=NATIONS.get(HOME_NAMES[i % len(HOME_NAMES)][0], Nation.ENGLAND),
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
            home_set_up(home=home)
            demo.admit_residents(home=home, count=residents_per_home)
            self._seed_features(home)
            # Demo rows are bulk-created: their history says "created by the demo".
            record_demo_history(home)

        if not quiet:
            self._print_logins(home_list)

    def _seed_features(self, home):
        """Each registered area adds its demo rows (see ``homes.demo``)."""
        residents = demo.residents_for(home)
        staff = [
            m.user
            for m in Membership.objects.for_home(home)
            .filter(role__in=[Role.STAFF, Role.CHAMPION, Role.MANAGER], is_active=True)
            .select_related("user")
            .order_by("id")
        ]
        for area in demo.demo_areas():
            module = importlib.import_module(area.module)
            module.seed(
                home=home,
                residents=residents,
                staff=staff,
                today=timezone.localdate(),
                rng=random.Random(f"{area.module}-{home.slug}"),
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
                ("family6", "relative waiting to be approved as a regular visitor"),
                ("volunteer", "volunteer"),
            ]:
                w(f"  {email(local, home.slug):<40} {what}")
            if home.slug == "rowan-house":
                w(f"  {email('connector', home.slug):<40} connector charity staff (community only)")
        if homes:
            w("More relatives: family1 … family8 (see the README).")
