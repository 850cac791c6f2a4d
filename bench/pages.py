"""Every page at provider scale, against a baseline measured in the same run:
a signed-in view through Kith's whole middleware that makes one trivial query
(``/bench/baseline/``, served only when KITH_BENCH is on).

Run it with ``make bench`` (or ``make bench-pages``, or
``.venv/bin/python bench/pages.py``). It uses, from the environment:

    BENCH_DATABASE_URL  a PostgreSQL database of its own, kept between runs
                        (default postgres://postgres@127.0.0.1:5432/kith_bench_pages)
    BENCH_REDIS_URL     cache and broker; a Redis database number of its own,
                        emptied at the start and the end (default redis://127.0.0.1:6379/9)
    BENCH_HOMES         homes in the data set (default 250)
    BENCH_RESIDENTS     residents per home (default 60)
    BENCH_WEEKS         weeks of history (default 104; passed to seed_demo when it
                        knows --weeks; 0: none)
    BENCH_RESEED        1: seed again even if the database holds that data set
    BENCH_SECONDS       seconds of load per page (default 10)
    BENCH_PAGES         a comma list of page keys to run, in that order (default: all, in
                        the order of PAGES)
    BENCH_PORT          the first of two loopback ports (default 18201)
    BENCH_SEED_TIMEOUT  seconds seeding may take before the bench gives up (default 3600)

What happens: install wrk if missing (Debian). Seed ``seed_demo`` into the
database unless it already holds the data set asked for (a row in its table
``bench_dataset`` says which, and how long seeding took), then migrate,
``VACUUM ANALYZE`` and collect the static files (manifest storage) into a
temporary folder; prune the homes' change notes as the housekeeper does every
ten minutes, then ``VACUUM ANALYZE`` as autovacuum would (it may be off).
Serve the app with ``gunicorn carehome.wsgi -w 2`` (sync workers) with
production settings (DEBUG off, Redis cache, persistent
database connections) on loopback, and sign in through the sign-in form as
Rowan House's manager, a relative, and the organisation admin. For every page:
fetch it once to check it answers 200 (not the sign-in page) and read how many
queries it made (header X-Kith-Queries); warm up (wrk, 2 s; every page once
before any is measured, and again before its own turn); requests per
second with ``wrk -t2 -c8``; then p50 and p99 latency with one client
(``wrk -t1 -c1 -d5s``). The baseline runs before every fourth page and at the
end. This shared machine drifts (one run's baselines went from 830 to 527
req/s), so each page is compared with the baselines either side of its group
of four: its ratio is to their mean. The baseline's own row is their median.
Booking a visit (POST) makes a real booking with every request (bench/booking.py)
and counts how many were booked. Then the same baseline view behind Django's
default middleware only (bench/settings_plain.py, a second gunicorn, idle
while the first is measured) and through Kith's, in five turns (each first in turn): Kith's
per-request cost, as the median of the turns' ratios.

Targets (ratio to the baseline): staff and family pages 0.40, dashboards
0.30, the organisation dashboard 0.10, booking a visit 0.20; p99 with one
client at most 100 ms on every page; every request answered 2xx/3xx; at least
95% of booking requests booked; and the baseline through Kith's middleware at
least 0.8 of the same view behind Django's default middleware. The table goes
to stdout, var/bench/pages.md and var/bench/pages.json; the exit status is 1
when a target is missed (each miss is listed).
"""

import json
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench import harness  # noqa: E402
from bench.harness import BenchError, Client, median  # noqa: E402

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kith_bench_pages")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
HOMES = int(os.environ.get("BENCH_HOMES", "250"))
RESIDENTS = int(os.environ.get("BENCH_RESIDENTS", "60"))
WEEKS = int(os.environ.get("BENCH_WEEKS", "104"))
RESEED = os.environ.get("BENCH_RESEED", "") not in ("", "0")
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
ONLY = [key.strip() for key in os.environ.get("BENCH_PAGES", "").split(",") if key.strip()]
PORT = int(os.environ.get("BENCH_PORT", "18201"))
SEED_TIMEOUT = int(os.environ.get("BENCH_SEED_TIMEOUT", "3600"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
WARM_SECONDS = 2
LATENCY_SECONDS = 5
BASELINE_EVERY = 4
OUT_DIR = BASE_DIR / "var" / "bench"

HOME = "rowan-house"
ORGANISATION = "kith-demo-care"
PASSWORD = "kith-demo-2026"  # noqa: S105 - the published demo password
PEOPLE = {
    "manager": f"manager@{HOME}.example.com",
    "relative": f"family@{HOME}.example.com",
    "admin": "admin@kith-demo.example.com",
}
BASELINE_PATH = "/bench/baseline/"

STAFF, DASHBOARD, ORGANISATION_TARGET, BOOKING = 0.40, 0.30, 0.10, 0.20
P99_MS = 100.0
MIDDLEWARE_RATIO = 0.8
MIDDLEWARE_ROUNDS = 5
BOOKED_SHARE = 0.95
SKIPPED = "skipped: no organisation dashboard in the URLconf yet"


@dataclass
class Page:
    key: str
    label: str
    who: str
    url_name: str
    target: float
    kwargs: dict = field(default_factory=dict)
    query: str = ""
    path: str = ""
    result: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    # The baselines measured just before and just after the page's group.
    around: tuple = ()


# Staff pages as Rowan House's manager, then the dashboards, the relative's
# pages, and booking a visit. "resident" is filled with the resident chosen.
PAGES = [
    Page("residents", "Resident list", "manager", "residents:list", STAFF),
    Page("residents-filtered", "Resident list, filtered", "manager", "residents:list", STAFF),
    Page("overview", "Resident overview", "manager", "residents:detail", STAFF, {"pk": "resident"}),
    Page("plan", "Personal plan", "manager", "residents:plan", STAFF, {"pk": "resident"}),
    Page("timeline", "Timeline", "manager", "residents:timeline", STAFF, {"pk": "resident"}),
    Page("worklist", "Who needs connection", "manager", "residents:worklist", STAFF),
    Page("log-connection", "Log a connection (form)", "manager", "residents:connection_add", STAFF),
    Page("visits-day", "Visits of the day", "manager", "visits:day", STAFF),
    Page("messages", "Messages", "manager", "notifications:outbox", STAFF),
    Page("programme", "Programme week", "manager", "community:programme", STAFF),
    Page("volunteers", "Volunteers", "manager", "volunteers:home", STAFF),
    Page("dashboard", "Home dashboard", "manager", "homes:dashboard", DASHBOARD),
    Page("outcomes", "Outcomes dashboard", "manager", "evaluation:dashboard", DASHBOARD),
    Page("self-evaluation", "Self-evaluation", "manager", "evaluation:detail", STAFF, {"pk": "evaluation"}),
    Page(
        "pack",
        "Evidence pack (PDF)",
        "manager",
        "evaluation:pack",
        DASHBOARD,
        {"pk": "evaluation"},
        query="format=pdf",
    ),
    Page("organisation", "Organisation dashboard", "admin", "", ORGANISATION_TARGET),
    Page("family-dashboard", "Relative's home page", "relative", "homes:dashboard", DASHBOARD),
    Page("family-home", "My relatives", "relative", "residents:family", STAFF),
    Page("booking-page", "Book a visit (form)", "relative", "visits:book", STAFF),
    Page("free-times", "Free times (htmx)", "relative", "visits:free_times", STAFF),
    Page("book", "Booking a visit (POST)", "relative", "visits:book", BOOKING),
]

KEYS = ", ".join(p.key for p in PAGES)


def log(message):
    print(message, flush=True)


# --- Set-up -------------------------------------------------------------------------


def ensure_dataset(env):
    """Seed the data set unless the database holds it; migrate either way."""
    weeks = WEEKS if WEEKS and harness.seed_supports_weeks(env) else None
    stored = harness.stored_dataset(DATABASE_URL)
    wanted = {"homes": HOMES, "residents": RESIDENTS, "weeks": weeks}
    info = {**wanted, "weeks_asked": WEEKS, "seeded_now": False}
    if not RESEED and stored and all(stored[k] == v for k, v in wanted.items()):
        log(f"Reusing the data set seeded {stored['seeded_at']:%Y-%m-%d %H:%M} in {stored['seconds']:.0f} s")
        harness.manage(["migrate", "--noinput", "-v0"], env, what="migrate")
        if stored["demo_hash"] != harness.demo_code_hash():
            log("  (the demo data's code has changed since: BENCH_RESEED=1 seeds it again)")
        return {**info, "seed_seconds": stored["seconds"], "seeded_at": str(stored["seeded_at"])}
    if RESEED:
        why = "BENCH_RESEED"
    elif stored:
        why = f"the database holds {stored['homes']} x {stored['residents']}, weeks {stored['weeks'] or 0}"
    else:
        why = "the database holds no data set"
    log(f"Seeding {HOMES} homes x {RESIDENTS} residents, {weeks or 'no'} weeks of history ({why})...")
    harness.recreate_database(DATABASE_URL)
    harness.manage(["migrate", "--noinput", "-v0"], env, what="migrate")
    args = ["seed_demo", "--homes", str(HOMES), "--residents-per-home", str(RESIDENTS)]
    args += ["--weeks", str(weeks)] if weeks else []
    args += ["--quiet", "--i-know-this-is-not-production"]
    started = time.monotonic()
    harness.manage(args, env, what="seed_demo", timeout=SEED_TIMEOUT)
    seconds = time.monotonic() - started
    started = time.monotonic()
    harness.vacuum_analyze(DATABASE_URL)
    analyse = time.monotonic() - started
    harness.record_dataset(DATABASE_URL, homes=HOMES, residents=RESIDENTS, weeks=weeks, seconds=seconds)
    log(f"  seeded in {seconds:.1f} s; VACUUM ANALYZE {analyse:.1f} s")
    return {**info, "seeded_now": True, "seed_seconds": seconds, "analyse_seconds": analyse}


def setup_django(env):
    os.environ.update(env)
    import django

    django.setup()


def organisation_page():
    """(url name, kwargs) of an organisation dashboard, if the URLconf has one."""
    from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

    from homes.models import Organisation

    organisation = Organisation.objects.get(slug=ORGANISATION)

    def walk(patterns, prefix="", namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name:
                yield (f"{namespace}:{p.name}" if namespace else p.name), prefix + str(p.pattern)

    for name, route in walk(get_resolver().url_patterns):
        if not re.search(r"org", name) or not re.search(r"dashboard|overview", f"{name} {route}"):
            continue
        kwargs = {}
        for arg in re.findall(r"<(?:\w+:)?(\w+)>", route):
            if arg == "home_slug":
                kwargs[arg] = HOME
            elif "slug" in arg:
                kwargs[arg] = organisation.slug
            else:
                kwargs[arg] = organisation.pk
        try:
            return name, reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None, None


def resolve_pages(pages, clients):
    """Fill each page's path: the resident with the most connections logged,
    the resident list's first unit and key worker, tomorrow's free times."""
    from django.db.models import Count
    from django.urls import reverse
    from django.utils import timezone

    from evaluation.models import Evaluation
    from homes.models import Home
    from residents.models import Resident
    from visits.selectors.booking import DEVICE_KINDS, bookable_spaces

    home = Home.objects.get(slug=HOME)
    resident = (
        Resident.objects.for_home(home)
        .current()
        .annotate(logged=Count("connections"))
        .order_by("-logged", "pk")
        .first()
    )
    details = {"resident": f"{resident.display_name} (pk {resident.pk}, {resident.logged} connections)"}
    # The self-evaluation pages and the pack: the home's latest self-evaluation (the demo makes two).
    evaluation = Evaluation.objects.for_home(home).order_by("-period_end", "-id").first()
    for page in pages:
        if page.key == "organisation":
            name, path = organisation_page()
            if name is None:
                page.problems.append(SKIPPED)
                continue
            page.url_name, page.path = name, path
            continue
        kwargs = {"home_slug": HOME, **{k: resident.pk for k, v in page.kwargs.items() if v == "resident"}}
        kwargs.update({k: evaluation.pk for k, v in page.kwargs.items() if v == "evaluation"})
        page.path = reverse(page.url_name, kwargs=kwargs)
        if page.key == "residents-filtered":
            _, _, html = clients["manager"].get(page.path)
            options = harness.select_options(html)
            chosen = {"status": "here"}
            for name in ("unit", "key_worker"):
                values = [v for v in options.get(name, []) if v]
                if values:
                    chosen[name] = values[0]
            page.query = urlencode(chosen)
            details["filters"] = page.query
        if page.key == "free-times":
            space = next(s for s in bookable_spaces(home) if s.kind not in DEVICE_KINDS)
            tomorrow = timezone.localdate() + timezone.timedelta(days=1)
            page.query = f"kind=visit&space={space.pk}&date={tomorrow:%Y-%m-%d}"
        if page.query:
            page.path = f"{page.path}?{page.query}"
    return details


# --- Measuring ----------------------------------------------------------------------


def check_page(port, cookies, path):
    """Fetch twice (the second is warm): 200, not the sign-in page; the queries."""
    for _ in range(2):
        status, headers, body = Client(port, cookies).get(path)
    if status != 200:
        raise BenchError(f"answered {status} {headers.get('Location', '')}".strip())
    if harness.SIGN_IN_PAGE in body:
        raise BenchError("answered with the sign-in page")
    return int(headers.get("X-Kith-Queries", "-1"))


def warm_up(url, cookie):
    harness.run_wrk(url, seconds=WARM_SECONDS, connections=2, threads=1, headers=[f"Cookie: {cookie}"])


def measure_get(url, cookie):
    headers = [f"Cookie: {cookie}"]
    warm_up(url, cookie)
    load = harness.run_wrk(url, seconds=SECONDS, connections=8, threads=2, headers=headers)
    one = harness.run_wrk(
        url, seconds=LATENCY_SECONDS, connections=1, threads=1, headers=headers, latency=True
    )
    return summarise(load, one)


def summarise(load, one):
    return {
        "rps": load["rps"],
        "requests": load["requests"] + one["requests"],
        "p50_ms": one["p50_ms"],
        "p99_ms": one["p99_ms"],
        "one_client_rps": one["rps"],
        "load_p99_ms": load["p99_ms"],
        "not_2xx_3xx": load["status"] + one["status"],
        "socket_errors": load["socket_errors"] + one["socket_errors"],
    }


def measure_booking(server, bookings, baseline):
    """Booking under load: every request a real booking in a free slot."""
    before = bookings.booked()
    workdir = Path(tempfile.mkdtemp(prefix="kith-bench-book-"))
    url = f"{server.url}/"  # each line names its own path

    def run(count, **options):
        bookings.clear_messages()
        lines = workdir / f"lines-{options['connections']}-{time.monotonic_ns()}.txt"
        lines.write_text("\n".join(bookings.lines(count)) + "\n")
        return harness.run_wrk(url, script="book.lua", args=(lines, options["threads"]), **options)

    # One booking by hand, to read the answer and the queries.
    probe_path, probe_cookie, probe_body = bookings.lines(1)[0].split("\t")
    cookies = dict(part.split("=", 1) for part in probe_cookie.split("; "))
    status, headers, _ = Client(server.port, cookies).post(probe_path, dict(parse_qsl(probe_body)))
    if status != 302 or "/visits/" not in headers.get("Location", ""):
        raise BenchError(f"a booking answered {status} {headers.get('Location', '')}, not the visit's page")
    queries = int(headers.get("X-Kith-Queries", "-1"))
    attempts = 1
    warm = run(int(baseline["rps"] * WARM_SECONDS) + 50, seconds=WARM_SECONDS, connections=2, threads=1)
    rate = max(warm["rps"], 1.0)
    load = run(int(min(baseline["rps"], rate * 4) * SECONDS) + 100, seconds=SECONDS, connections=8, threads=2)
    one = run(
        int(min(baseline["one_client_rps"], rate * 3) * LATENCY_SECONDS) + 50,
        seconds=LATENCY_SECONDS,
        connections=1,
        threads=1,
        latency=True,
    )
    bookings.clear_messages()
    runs = (warm, load, one)
    # Sent, not answered: a request in flight when wrk stops is still booked.
    attempts += sum(r["sent"] for r in runs)
    booked = bookings.booked() - before
    result = {**summarise(load, one), "queries": queries, "attempts": attempts, "booked": booked}
    result["not_2xx_3xx"] += warm["status"]
    result["socket_errors"] += warm["socket_errors"]
    result["ran_out"] = any(r["stopped_early"] for r in runs)
    result["not_booked_answers"] = sum(r["other_answers"] for r in runs)
    return result


# --- Report -------------------------------------------------------------------------


def verdicts(page, base_rps):
    """The page's misses (empty: it passed)."""
    r = page.result
    misses = list(page.problems)
    if not r:
        return misses
    r["ratio"] = r["rps"] / base_rps if base_rps else 0.0
    if r["ratio"] < page.target:
        misses.append(f"{shown(r['ratio'], page.target)} of the baseline, target {page.target:.2f}")
    if r["p99_ms"] > P99_MS:
        misses.append(f"p99 {r['p99_ms']:.0f} ms with one client, target {P99_MS:.0f} ms")
    if r["not_2xx_3xx"] or r["socket_errors"]:
        misses.append(f"{r['not_2xx_3xx']} answers not 2xx/3xx, {r['socket_errors']} socket errors")
    if "booked" in r:
        if r["booked"] < BOOKED_SHARE * r["attempts"]:
            misses.append(
                f"only {r['booked']} of {r['attempts']} requests booked "
                f"({r['not_booked_answers']} answered with the form again)"
            )
        if r["ran_out"]:
            misses.append("wrk ran out of prepared bookings (req/s understated)")
    return misses


def shown(ratio, target=None):
    """Two decimals, or three when two would round a miss up to the target."""
    if target is not None and ratio < target <= round(ratio, 2):
        return f"{ratio:.3f}"
    return f"{ratio:.2f}"


def table(rows):
    head = ["page", "as", "req/s", "ratio", "p50 ms", "p99 ms", "queries", "target", "result"]
    widths = [max(len(str(row[i])) for row in [head, *rows]) for i in range(len(head))]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = [
        "| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |" for row in rows
    ]
    return "\n".join([line, rule, *body])


def row(label, who, r, *, base_rps, target, misses):
    """A table row; ``target`` is the ratio asked for, or a word."""
    wanted = target if isinstance(target, float) else None
    target = f">= {target:.2f}" if wanted is not None else target
    if not r:
        return [label, who, "-", "-", "-", "-", "-", target, "; ".join(misses) or "-"]
    ratio = r["rps"] / base_rps if base_rps else 0.0
    return [
        label,
        who,
        f"{r['rps']:,.0f}",
        shown(ratio, wanted),
        f"{r['p50_ms']:.1f}",
        f"{r['p99_ms']:.1f}",
        str(r.get("queries", "-")),
        target,
        "pass" if not misses else "FAIL: " + "; ".join(misses),
    ]


def main():  # noqa: PLR0915 - one run, start to end, reads best in one place
    started = time.monotonic()
    log(
        f"Page benchmark: {HOMES} homes x {RESIDENTS} residents, {WEEKS} weeks; {SECONDS} s a page; "
        f"database {DATABASE_URL}; Redis {REDIS_URL}"
    )
    unknown = set(ONLY) - {p.key for p in PAGES}
    if unknown:
        raise BenchError(f"BENCH_PAGES names no such page: {', '.join(sorted(unknown))}; pages: {KEYS}")
    harness.ensure_wrk()
    static_root = Path(tempfile.mkdtemp(prefix="kith-bench-static-"))
    logs = Path(tempfile.mkdtemp(prefix="kith-bench-logs-"))
    env = harness.app_env(database_url=DATABASE_URL, redis_url=REDIS_URL, static_root=static_root)
    plain_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.settings_plain"}
    harness.flush_redis(REDIS_URL)
    dataset = ensure_dataset(env)
    collect = time.monotonic()
    harness.manage(["collectstatic", "--noinput", "-v0"], env, what="collectstatic")
    log(f"Static files collected in {time.monotonic() - collect:.1f} s")
    dataset["tables"] = harness.biggest_tables(DATABASE_URL)
    setup_django(env)
    from homes import changes

    # What the housekeeper does every ten minutes (homes.tasks.prune_data_changes):
    # the change notes earlier runs and seeding left would otherwise be counted
    # by every request to their home.
    log(f"Change notes pruned, as the housekeeper does every ten minutes: {changes.prune()}")
    # And what autovacuum does after that, and after the bookings of earlier
    # runs. This machine's PostgreSQL runs with autovacuum off: the change
    # notes' dead rows, which every request's generation read walks past,
    # would otherwise pile up run after run (60,000 after a day of runs, when
    # the pages measured 10-20% slower than in the first run of the day).
    began = time.monotonic()
    harness.vacuum_analyze(DATABASE_URL)
    seconds, autovacuum = time.monotonic() - began, harness.autovacuum(DATABASE_URL)
    log(f"VACUUM ANALYZE in {seconds:.1f} s (the server's autovacuum: {autovacuum})")

    from bench.booking import Bookings
    from homes.scoping import crossing_homes

    # In the order given, so a page can be measured early or late in the run.
    by_key = {p.key: p for p in PAGES}
    pages = [by_key[key] for key in dict.fromkeys(ONLY)] if ONLY else PAGES
    baselines, pairs = [], []
    kith = harness.Server(port=PORT, env=env, log=logs / "gunicorn-kith.log", workers=WORKERS)
    with crossing_homes("the benchmark picks its pages and slots across homes"), kith:
        clients = {
            who: Client(PORT, {"kith_home": HOME}).sign_in(email, PASSWORD) for who, email in PEOPLE.items()
        }
        cookie = {who: client.cookie_header() for who, client in clients.items()}
        details = resolve_pages(pages, clients)
        for name, value in details.items():
            log(f"  {name}: {value}")

        def baseline():
            check_page(PORT, clients["manager"].cookies, BASELINE_PATH)
            result = measure_get(kith.url + BASELINE_PATH, cookie["manager"])
            baselines.append(result)
            log(f"  baseline: {result['rps']:,.0f} req/s, p99 {result['p99_ms']:.1f} ms")
            return result

        # Every page once for a moment first: the pages measured first were
        # measured slower (a new server's first minutes), whatever they were.
        log("\nWarming up: every page for a moment, nothing measured")
        for page in pages:
            if page.path and page.key != "book":
                warm_up(kith.url + page.path, cookie[page.who])

        log("\nMeasuring (baseline before every fourth page):")
        for number, page in enumerate(pages):
            if number % BASELINE_EVERY == 0:
                baseline()
            page.around = (len(baselines) - 1, len(baselines))  # the one after: measured later
            if not page.path:
                log(f"  {page.key}: {'; '.join(page.problems)}")
                continue
            try:
                if page.key == "book":
                    bookings = Bookings.find(PORT)
                    page.result = measure_booking(kith, bookings, median_result(baselines))
                else:
                    queries = check_page(PORT, clients[page.who].cookies, page.path)
                    page.result = {**measure_get(kith.url + page.path, cookie[page.who]), "queries": queries}
            except Exception as error:  # noqa: BLE001 - one page's failure is reported, the rest still run
                page.problems.append(str(error) if isinstance(error, BenchError) else repr(error))
                log(f"  {page.key}: {page.problems[-1]}")
                continue
            log(
                f"  {page.key}: {page.result['rps']:,.0f} req/s, p50 {page.result['p50_ms']:.1f} ms, "
                f"p99 {page.result['p99_ms']:.1f} ms, {page.result['queries']} queries"
            )
        baseline_queries = check_page(PORT, clients["manager"].cookies, BASELINE_PATH)
        baseline()

        # Both servers up, only one under load at a time, in turns: the drift
        # of this shared machine hits both alike.
        log("\nKith's middleware against Django's default middleware (the same view, in turns):")
        plain_server = harness.Server(
            port=PORT + 1, env=plain_env, log=logs / "gunicorn-plain.log", workers=WORKERS
        )
        with plain_server:
            plain_queries = check_page(plain_server.port, clients["manager"].cookies, BASELINE_PATH)
            for turn in range(MIDDLEWARE_ROUNDS):
                # Each goes first in turn, so a drift of the machine within a turn favours neither.
                order = (kith, plain_server) if turn % 2 == 0 else (plain_server, kith)
                measured = {
                    server: measure_get(server.url + BASELINE_PATH, cookie["manager"]) for server in order
                }
                pair = [measured[kith], measured[plain_server]]
                pairs.append(pair)
                log(f"  Kith {pair[0]['rps']:,.0f} req/s, Django default {pair[1]['rps']:,.0f} req/s")
    harness.flush_redis(REDIS_URL)

    return report(
        pages=pages,
        baselines=baselines,
        pairs=pairs,
        queries={"kith": baseline_queries, "plain": plain_queries},
        dataset=dataset,
        details=details,
        minutes=(time.monotonic() - started) / 60,
        logs=logs,
    )


def median_result(results):
    """The run with the median req/s (its latencies with it)."""
    ordered = sorted(results, key=lambda r: r["rps"])
    return {**ordered[(len(ordered) - 1) // 2], "rps": median([r["rps"] for r in results])}


def bracketing_rps(page, baselines):
    """The mean req/s of the baselines either side of the page's group."""
    runs = [baselines[i]["rps"] for i in page.around if 0 <= i < len(baselines)]
    return sum(runs) / len(runs) if runs else median([r["rps"] for r in baselines])


def report(*, pages, baselines, pairs, queries, dataset, details, minutes, logs):
    base = median_result(baselines)
    base["queries"] = queries["kith"]
    plain = [p for _, p in pairs]
    kith_pair = [k for k, _ in pairs]
    plain_result = {**median_result(plain), "queries": queries["plain"]}
    kith_rps = median([r["rps"] for r in kith_pair])
    # The median of each turn's ratio.
    middleware_ratio = median([k["rps"] / p["rps"] if p["rps"] else 0.0 for k, p in pairs])
    misses = {}
    base_misses = []
    if base["p99_ms"] > P99_MS:
        base_misses.append(f"p99 {base['p99_ms']:.0f} ms")
    if any(r["not_2xx_3xx"] or r["socket_errors"] for r in baselines + plain + kith_pair):
        base_misses.append("errors in a baseline run")
    middleware_misses = []
    if middleware_ratio < MIDDLEWARE_RATIO:
        middleware_misses.append(
            f"Kith's middleware {shown(middleware_ratio, MIDDLEWARE_RATIO)} of Django's default"
        )
    rows = [
        row(
            f"Baseline, Kith middleware (median of {len(baselines)})",
            "manager",
            base,
            base_rps=base["rps"],
            target="p99",
            misses=base_misses,
        ),
        row(
            "Baseline, Django default middleware",
            "manager",
            plain_result,
            base_rps=base["rps"],
            target="-",
            misses=[],
        ),
        [
            f"Kith / Django default middleware (median of {len(pairs)} turns)",
            "",
            f"{kith_rps:,.0f} / {plain_result['rps']:,.0f}",
            shown(middleware_ratio, MIDDLEWARE_RATIO),
            "",
            "",
            "",
            f">= {MIDDLEWARE_RATIO:.2f}",
            "pass" if not middleware_misses else "FAIL",
        ],
    ]
    for label, found in (("baseline", base_misses), ("middleware", middleware_misses)):
        if found:
            misses[label] = found
    for page in pages:
        page_base = bracketing_rps(page, baselines)
        if page.result:
            page.result["baseline_rps"] = page_base
        found = verdicts(page, page_base)
        label = page.label
        if page.key == "book" and page.result:
            label += f" ({page.result['booked']} booked of {page.result['attempts']} sent)"
        rows.append(row(label, page.who, page.result, base_rps=page_base, target=page.target, misses=found))
        if page.key == "organisation" and not page.result and page.problems[:1] == [SKIPPED]:
            rows[-1][-1] = SKIPPED
        elif found:
            misses[page.key] = found
    text = table(rows)
    tables = ", ".join(f"{name} {count:,}" for name, count in dataset["tables"])
    runs = ", ".join(f"{r['rps']:,.0f}" for r in baselines)
    seeded = (
        f"seeded in this run in {dataset['seed_seconds']:.0f} s"
        if dataset["seeded_now"]
        else f"reused (seeded {dataset.get('seeded_at', '?')[:16]} in {dataset['seed_seconds']:.0f} s)"
    )
    weeks = dataset["weeks"] or ("none" if not WEEKS else f"none ({WEEKS} asked: seed_demo has no --weeks)")
    header = [
        f"# Kith page benchmark, {datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"Data set: {dataset['homes']} homes x {dataset['residents']} residents, weeks: {weeks}; {seeded}.",
        f"Biggest tables (rows, estimated): {tables}.",
        *[f"{name.capitalize()}: {value}." for name, value in details.items()],
        f"Server: gunicorn {WORKERS} sync workers, production settings, on loopback; {os.cpu_count()} cores.",
        f"Load: wrk -t2 -c8 -d{SECONDS}s after a {WARM_SECONDS} s warm-up; latency: wrk -t1 -c1 "
        f"-d{LATENCY_SECONDS}s. Baseline runs, in order: {runs} req/s; each page's ratio is to the "
        "mean of the two either side of its group of four.",
        f"Targets: p99 with one client <= {P99_MS:.0f} ms on every page; booking: >= "
        f"{BOOKED_SHARE:.0%} of requests booked. Took {minutes:.1f} minutes.",
        "",
    ]
    failed = [f"- {key}: {'; '.join(found)}" for key, found in misses.items()]
    footer = ["", "Missed:" if failed else "Every target met.", *failed]
    markdown = "\n".join([*header, text, *footer]) + "\n"
    print("\n" + markdown)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUT_DIR / "pages.md").write_text(markdown)
    data = {
        "dataset": {**dataset, "tables": dict(dataset["tables"])},
        "details": details,
        "baseline": {"kith": baselines, "middleware_turns": pairs, "queries": queries},
        "middleware_ratio": middleware_ratio,
        "pages": [
            {"key": p.key, "label": p.label, "who": p.who, "path": p.path, "target": p.target, **p.result}
            | {"problems": misses.get(p.key, [])}
            for p in pages
        ],
        "missed": misses,
        "seconds": SECONDS,
    }
    (OUT_DIR / "pages.json").write_text(json.dumps(data, indent=2, default=str))
    print(f"Written to var/bench/pages.md and var/bench/pages.json; server logs in {logs}")
    if failed:
        print(f"FAILED: {len(failed)} target(s) missed.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    harness.exit_with(main)
