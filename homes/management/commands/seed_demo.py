"""Demo data: ``python manage.py seed_demo [--homes N] [--residents-per-home N] [--weeks W]``.

Idempotent: running it again adds only what is missing. Bulk inserts, so it
can grow the data for the benchmark. The core seeds the organisation, homes,
people and spaces; every feature adds its demo rows through the registry in
``homes.demo`` (filled from each app's ``AppConfig.ready()``) so a newcomer
sees it working.

``--weeks W`` (PostgreSQL only) adds W weeks of history to every home — a
provider's scale: residents who came and went, their connection log, visits,
wellbeing, volunteers' hours, the programme and its attendance, messages sent
— written by each app's registered history with COPY (``homes.bulkload``).
Then only the first homes (the ones the sign-ins name) get the detailed demo
areas; every other home gets its residents, plans and people from the
history. A home's history is written once.
"""

import importlib
import random
import socket
import time

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from homes import demo
from homes.audit import record_demo_history
from homes.bulkload import BulkLoad
from homes.demo import DOMAIN, SURNAMES, email
from homes.models import Home, Membership, Nation, Organisation, Role, Space
from homes.scoping import crossing_homes
from homes.setup import home_set_up

DEMO_PASSWORD = "kith-demo-2026"  # noqa: S105 - published demo logins
# With --weeks, the homes that get the detailed demo areas (the sign-ins name them).
SHOWCASE_HOMES = 2

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


def check_history_database(db=None):
    """``--weeks`` writes with PostgreSQL's COPY: refuse any other database plainly."""
    db = db or connection
    if db.vendor != "postgresql":
        raise CommandError(
            f"--weeks needs PostgreSQL (it writes the history with COPY); this database is {db.vendor}. "
            "Set DATABASE_URL=postgres://… or leave --weeks out."
        )


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
            "--weeks",
            type=int,
            default=0,
            help="Also write this many weeks of history for every home, up to today (PostgreSQL only; "
            "104 weeks for 250 homes of 60 takes a few minutes). Only the first homes then get the "
            "detailed demo areas.",
        )
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

    def handle(
        self, *args, homes, residents_per_home, quiet, sign_ins=False, when_up=None, weeks=0, **options
    ):
        self.verbosity = options.get("verbosity", 1)
        if sign_ins:
            if when_up and not _wait_until_up(when_up):
                return  # the site did not start: its own error says why
            if when_up:
                self.stdout.write("")
            self._print_logins(list(Home.objects.filter(organisation__slug="kith-demo-care").order_by("id")))
            if when_up:
                self.stdout.write(f"Kith is running at http://{when_up}/  (Ctrl+C to stop)")
            return
        if weeks < 0:
            raise CommandError("--weeks is a number of weeks: 0 or more.")
        if weeks:
            check_history_database()
        started = self.started = time.monotonic()
        with transaction.atomic():
            home_list, written = self._seed(homes, residents_per_home, weeks)
        if weeks and written and not connection.in_atomic_block:
            # Outside the transaction (a caller's, such as a test's, has none to spare):
            # the query planner's statistics and the visibility map, at once.
            began = time.monotonic()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            self._timing("VACUUM ANALYZE", began)
        if not quiet:
            if weeks:
                rows = sum(written.values())
                self.stdout.write(
                    f"History: {rows:,} rows in {len(written)} tables, {time.monotonic() - started:.0f} s."
                    if written
                    else "History: every home already has its history."
                )
            self._print_logins(home_list)

    def _seed(self, homes, residents_per_home, weeks):
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

        self._timing("organisation, homes, people and spaces", self.started)
        has_history = demo.homes_with_history(home_list) if weeks else set()
        showcase = home_list[:SHOWCASE_HOMES] if weeks else home_list
        for home in home_list:
            home_set_up(home=home)
            if home not in showcase or home.pk in has_history:
                # Its residents and the rest come with its history; a home with its
                # history has had its demo too, in the same transaction.
                continue
            demo.admit_residents(home=home, count=residents_per_home)
            self._seed_features(home)
            # Demo rows are bulk-created: their history says "created by the demo"
            # (rows of the history itself are past records and get no entry).
            record_demo_history(home)
        self._timing("homes set up and the demo areas", self.started)
        written = {}
        todo = [home for home in home_list if home.pk not in has_history]
        if weeks and todo:
            written = self._write_history(todo, weeks=weeks, residents_per_home=residents_per_home)
        return home_list, written

    def _write_history(self, homes, *, weeks, residents_per_home):
        """Each registered history writes its rows for every home (see ``homes.demo``)."""
        load = BulkLoad(connection)
        today = timezone.localdate()
        try:
            for area in demo.demo_histories():
                module = importlib.import_module(area.module)
                load.sync()  # what the histories before wrote is in; the next may read the database
                began = time.monotonic()
                module.history(
                    homes=homes, weeks=weeks, today=today, load=load, residents_per_home=residents_per_home
                )
                self._timing(area.module, began)
            began = time.monotonic()
            written = load.finish()
            self._timing("indexes and constraints made again", began)
        finally:
            load.close()
        demo.history_written(homes, weeks=weeks)
        return written

    def _timing(self, what, began):
        if self.verbosity >= 2:
            self.stdout.write(f"  {what}: {time.monotonic() - began:.1f} s")

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
                shared = "connector charity staff (community; the outcomes the home shares)"
                w(f"  {email('connector', home.slug):<40} {shared}")
        if homes:
            w("More relatives: family1 … family8 (see the README).")
