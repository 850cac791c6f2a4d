"""What one GET of each page costs, in process: Python's CPU time per request,
without wrk, gunicorn or the machine's drift between pages.

For working on a page's speed: ``make bench`` says whether a page is fast
enough; this says where a change moved it, in fractions of a millisecond, in a
minute. Run ``.venv/bin/python bench/page_cpu.py`` after ``bench/pages.py``
has seeded its database. It uses bench/pages.py's BENCH_DATABASE_URL,
BENCH_REDIS_URL and BENCH_PAGES (default: every page but booking), and:

    BENCH_REQUESTS   requests a round (default 300)
    BENCH_ROUNDS     rounds of every page, one page after another (default 3)
    BENCH_PROFILE    a page key: profile that page (cProfile) after the rounds and
                     print the 40 functions with the most time of their own;
                     the whole profile goes to var/bench/profile-KEY.prof

It signs in through the sign-in form as bench/pages.py's people (Django's
test client, production settings, the bench's for the rest), freezes what is
loaded out of the garbage collector as carehome/wsgi.py does, fetches each
page until it is warm, then times the rounds. It prints each page's median
CPU time per request, and the baseline's, and their ratio: what the page's
ratio in ``make bench`` would be if only the app's own work counted.
"""

import cProfile
import gc
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench import harness  # noqa: E402
from bench.booking_cpu import postgres_cpu_seconds  # noqa: E402
from bench.harness import BenchError, csrf_token, median  # noqa: E402
from bench.pages import BASELINE_PATH, DATABASE_URL, ONLY, PAGES, PASSWORD, PEOPLE, REDIS_URL  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
PROFILE = os.environ.get("BENCH_PROFILE", "")
WARM = 20


class TestClientPage:
    """bench/pages.py's resolve_pages reads a page through .get(path)."""

    def __init__(self, client):
        self.client = client

    def get(self, path):
        response = self.client.get(path)
        return response.status_code, response.headers, response.content.decode()


def signed_in(client_class, who):
    client = client_class(enforce_csrf_checks=True)
    token = csrf_token(client.get("/login/").content.decode())
    response = client.post(
        "/login/", {"username": PEOPLE[who], "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    if response.status_code != 302:
        raise BenchError(f"{PEOPLE[who]} could not sign in ({response.status_code})")
    return client


def fetch(client, path, count):
    for _ in range(count):
        response = client.get(path)
        if response.status_code != 200:
            raise BenchError(f"{path} answered {response.status_code}")


def cpu_ms(client, path):
    """(Python's, PostgreSQL's) CPU milliseconds per request."""
    database, started = postgres_cpu_seconds(), time.process_time()
    fetch(client, path, REQUESTS)
    python = (time.process_time() - started) * 1000 / REQUESTS
    return python, (postgres_cpu_seconds() - database) * 1000 / REQUESTS


def main():
    static_root = Path(tempfile.mkdtemp(prefix="kith-bench-static-"))
    env = harness.app_env(database_url=DATABASE_URL, redis_url=REDIS_URL, static_root=static_root)
    env["ALLOWED_HOSTS"] = "testserver"
    os.environ.update(env)
    harness.manage(["collectstatic", "--noinput", "-v0"], env, what="collectstatic")
    harness.flush_redis(REDIS_URL)
    import django

    django.setup()
    from django.test import Client
    from django.urls import get_resolver

    from bench.pages import resolve_pages
    from homes.scoping import crossing_homes

    get_resolver().url_patterns  # noqa: B018 - as carehome/wsgi.py does
    gc.freeze()
    clients = {who: signed_in(Client, who) for who in PEOPLE}
    wanted = ONLY or [p.key for p in PAGES if p.key != "book"]
    pages = [p for p in PAGES if p.key in wanted]
    with crossing_homes("the benchmark picks its resident and evaluation in Rowan House"):
        resolve_pages(pages, {who: TestClientPage(c) for who, c in clients.items()})
    pages = [p for p in pages if p.path]
    for page in pages:
        fetch(clients[page.who], page.path, WARM)
    fetch(clients["manager"], BASELINE_PATH, WARM)
    times = {p.key: [] for p in pages}
    baseline = []
    for _ in range(ROUNDS):
        baseline.append(cpu_ms(clients["manager"], BASELINE_PATH))
        for page in pages:
            times[page.key].append(cpu_ms(clients[page.who], page.path))

    def both(results):
        python, postgres = median([r[0] for r in results]), median([r[1] for r in results])
        return python, postgres, python + postgres

    base = both(baseline)
    print(f"CPU per request, median of {ROUNDS} rounds of {REQUESTS}: Python + PostgreSQL = both (ratio)")
    print(f"  {'baseline':<20} {base[0]:6.2f} + {base[1]:5.2f} = {base[2]:6.2f} ms")
    for page in pages:
        python, postgres, total = both(times[page.key])
        print(f"  {page.key:<20} {python:6.2f} + {postgres:5.2f} = {total:6.2f} ms  ({base[2] / total:.2f})")
    if PROFILE:
        page = next(p for p in pages if p.key == PROFILE)
        profile = cProfile.Profile()
        profile.runcall(fetch, clients[page.who], page.path, REQUESTS)
        dump = BASE_DIR / "var" / "bench" / f"profile-{page.key}.prof"
        dump.parent.mkdir(parents=True, exist_ok=True)
        profile.dump_stats(dump)
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(40)
        print(out.getvalue())
        print(f"The whole profile: {dump.relative_to(BASE_DIR)} (python -m pstats)")
    return 0


if __name__ == "__main__":
    harness.exit_with(main)
