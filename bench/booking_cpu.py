"""What one booking costs, in process: Python's CPU time and PostgreSQL's, per
booking, without wrk, gunicorn or the machine's drift between pages.

For working on the booking's speed: ``make bench`` says whether it is fast
enough; this says where a change moved it, in milliseconds, in a minute.
Run ``.venv/bin/python bench/booking_cpu.py`` after ``bench/pages.py`` has
seeded its database (it books in the same free slots bench/booking.py finds).
It uses bench/pages.py's BENCH_DATABASE_URL and BENCH_REDIS_URL, and:

    BENCH_BOOKINGS   bookings a round (default 300)
    BENCH_ROUNDS     rounds, each in another home (default 3)

Each round signs in one home's relative through the sign-in form (Django's
test client, checking CSRF tokens as a browser's requests are; production
settings, the bench's for the rest), and posts that many bookings through
the booking page, each a real booking (a first round warms the process up
and is not counted). It prints, per booking: the Python process's CPU time,
PostgreSQL's (every server process's CPU time from /proc, so the database's
own background work counts too), and the wall time.
"""

import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qsl

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench import harness  # noqa: E402
from bench.harness import BenchError, csrf_token, median  # noqa: E402
from bench.pages import DATABASE_URL, REDIS_URL  # noqa: E402 - the page benchmark's database

BOOKINGS = int(os.environ.get("BENCH_BOOKINGS", "300"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
TICKS = os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds():
    """utime + stime of every PostgreSQL server process (Linux /proc)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # gone meanwhile
        name = text[text.index("(") + 1 : text.rindex(")")]
        if name == "postgres" or name.startswith("postgres:"):
            fields = text[text.rindex(")") + 2 :].split()
            total += int(fields[11]) + int(fields[12])
    return total / TICKS


def one_round(number, homes, client_class):
    from bench.booking import PASSWORD

    home = homes[number % len(homes)]
    client = client_class(enforce_csrf_checks=True)
    signing_in = csrf_token(client.get("/login/").content.decode())
    response = client.post(
        "/login/",
        {"username": home.membership.user.email, "password": PASSWORD, "csrfmiddlewaretoken": signing_in},
    )
    if response.status_code != 302:
        raise BenchError(f"{home.membership.user.email} could not sign in ({response.status_code})")
    client.cookies["kith_home"] = home.home.slug
    token = csrf_token(client.get(home.path).content.decode())
    home.sessions = [(dict(client.cookies.items()), token)]
    bodies = [dict(parse_qsl(home.line(0, slot)[2])) for slot in home.next_slots(BOOKINGS)]
    if len(bodies) < BOOKINGS:
        raise BenchError(f"{home.home.name} has only {len(bodies)} free slots left (BENCH_RESEED=1)")
    client.post(home.path, bodies.pop())  # the first of a process pays for its set-up
    database, cpu, wall = postgres_cpu_seconds(), time.process_time(), time.perf_counter()
    for body in bodies:
        response = client.post(home.path, body)
        if response.status_code != 302:
            raise BenchError(f"a booking answered {response.status_code}, not the visit's page")
        # A browser shows "Booked: …" on the visit's page, which takes the
        # message; kept, 300 of them would fill the cookie, and Django's
        # cookie storage would cost more than the booking.
        client.cookies.pop("messages", None)
    count = len(bodies)
    return {
        "python": (time.process_time() - cpu) * 1000 / count,
        "postgres": (postgres_cpu_seconds() - database) * 1000 / count,
        "wall": (time.perf_counter() - wall) * 1000 / count,
    }


def main():
    static_root = Path(tempfile.mkdtemp(prefix="kith-bench-static-"))
    env = harness.app_env(database_url=DATABASE_URL, redis_url=REDIS_URL, static_root=static_root)
    env["ALLOWED_HOSTS"] = "testserver"
    os.environ.update(env)
    harness.manage(["collectstatic", "--noinput", "-v0"], env, what="collectstatic")
    import django

    django.setup()
    from django.test import Client

    from bench.booking import Bookings
    from homes.scoping import crossing_homes

    with crossing_homes("the benchmark picks its homes and slots across homes"):
        homes = Bookings.find(0).homes
        # Homes from the far end: bench/pages.py books from the start.
        homes = homes[::-1]
        # A first round warms the process up (its caches, Python's own): not counted.
        rounds = [one_round(n, homes, Client) for n in range(ROUNDS + 1)][1:]
    print(f"Per booking, {ROUNDS} rounds of {BOOKINGS - 1} (median):")
    for key, label in (("python", "Python CPU"), ("postgres", "PostgreSQL CPU"), ("wall", "wall time")):
        values = ", ".join(f"{r[key]:.2f}" for r in rounds)
        print(f"  {label}: {median([r[key] for r in rounds]):.2f} ms ({values})")
    return 0


if __name__ == "__main__":
    harness.exit_with(main)
