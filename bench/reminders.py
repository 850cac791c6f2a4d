"""Reminder throughput: due reminders through the outbox and Celery workers
to a local SMTP sink, against a baseline measured in the same run: a plain
single-process loop sending the same emails over one reused SMTP connection
(Django's SMTP backend, the messages composed beforehand, so the baseline pays
for sending only — the outbox also renders every message).

Run it with ``make bench`` (or ``.venv/bin/python bench/reminders.py``). It
uses, from the environment:

    BENCH_DATABASE_URL  a PostgreSQL database it DROPS and re-creates
                        (default postgres://postgres@127.0.0.1:5432/kith_bench)
    BENCH_REDIS_URL     the broker; a Redis database number of its own, and the
                        queue "kith-bench" (default redis://127.0.0.1:6379/14)
    BENCH_COUNT         how many reminders per run (default 10000)
    BENCH_WORKERS       the worker counts to measure (default "1,2")
    BENCH_ROUNDS        rounds per worker count, outbox then plain loop (default 5)
    BENCH_SEND_CONNECTIONS  the workers' NOTIFY_SEND_CONNECTIONS (default: the setting's)
    BENCH_TIMEOUT       seconds to wait for one outbox run (default 900)

What happens: drop/create/migrate the bench database; for each worker count,
start two aiosmtpd sinks, each in a process of its own (one for the outbox,
one for the plain loop), and that many ``celery -A carehome worker``
processes (Celery's default concurrency: one pool process per core,
production settings module) on the bench database and broker. Then, BENCH_ROUNDS
times: create BENCH_COUNT / BENCH_ROUNDS reminders with ``reminders_schedule``
(one home, one address each); time the outbox from the first sweep (which
hands them out in batches of NOTIFY_BATCH_SIZE; a sweep runs every second, as
beat would) until all are recorded sent; then time the plain loop sending the
same messages. The rounds alternate so that this shared machine's drifting
speed hits both sides alike. It counts, from the sink, duplicates (messages
per X-Kith-Reminder > 1) and lost reminders (not received, or row not "sent").
Both must be 0, and one worker must at least match the baseline (ratio >=
1.0): the exit status is 1 otherwise.
"""

import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kith_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
COUNT = int(os.environ.get("BENCH_COUNT", "10000"))
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "900"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
CONNECTIONS = os.environ.get("BENCH_SEND_CONNECTIONS", "")
WORKERS = [int(n) for n in os.environ.get("BENCH_WORKERS", "1,2").split(",") if n.strip()]
QUEUE = "kith-bench"
KIND = "notifications.test_message"


def recreate_database(url):
    import psycopg2  # noqa: PLC0415
    from psycopg2 import sql  # noqa: PLC0415

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    connection = psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def clear_queue(url):
    import redis  # noqa: PLC0415

    client = redis.Redis.from_url(url)
    client.delete(QUEUE, f"_kombu.binding.{QUEUE}", "unacked", "unacked_index", "unacked_mutex")
    client.close()


def setup_django():
    os.environ.update(
        DJANGO_SETTINGS_MODULE="carehome.settings",
        SECRET_KEY=os.environ.get("SECRET_KEY", "kith-bench-only-not-secret"),
        DEBUG="0",
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        LOG_FORMAT="text",
        LOG_LEVEL="WARNING",
        EMAIL_HOST="127.0.0.1",
        ALLOW_CONSOLE_MESSAGES="1",  # the bench sends emails only; texts would be printed
    )
    for name in [key for key in os.environ if key.startswith(("CELERY_", "NOTIFY_"))]:
        del os.environ[name]
    import django  # noqa: PLC0415

    django.setup()


def create_reminders(count, run):
    from django.db import transaction  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415

    from homes.tests.factories import HomeFactory  # noqa: PLC0415
    from notifications.models import Reminder  # noqa: PLC0415
    from notifications.services import reminders_schedule  # noqa: PLC0415

    home = HomeFactory(name=f"Rowan House {run}", slug=f"rowan-{run}")
    # Due a moment from now, so nothing is handed out on commit: the sweeper does it.
    due = timezone.now() + timezone.timedelta(seconds=1)
    with transaction.atomic():
        created = reminders_schedule(
            home=home,
            kind=KIND,
            obj=home,
            recipients=[f"relative{n}@example.org" for n in range(count)],
            due=due,
        )
    assert created == count, created
    while timezone.now() <= due:
        time.sleep(0.05)
    return set(Reminder.objects.filter(home=home).values_list("pk", flat=True))


def run_outbox(ids, sink, workers):
    from notifications import delivery  # noqa: PLC0415
    from notifications.models import Reminder  # noqa: PLC0415

    # Counted by id range, not a 10,000-long IN list: polling must stay cheap,
    # since the sink shares this process (and its GIL).
    sent = Reminder.objects.filter(pk__gte=min(ids), pk__lte=max(ids), status=Reminder.Status.SENT)
    started = time.monotonic()
    next_sweep = started
    done = 0
    while time.monotonic() - started < TIMEOUT:
        if time.monotonic() >= next_sweep:
            delivery.sweep()
            next_sweep += 1.0
        done = sent.count()
        if done == len(ids):
            break
        for worker in workers:
            if not worker.alive():
                raise SystemExit(f"a worker died:\n{worker.output()[-3000:]}")
        time.sleep(0.05)
    elapsed = time.monotonic() - started
    per_reminder = sink.per_reminder()
    duplicates = sum(n - 1 for pk, n in per_reminder.items() if n > 1 and pk in ids)
    not_received = ids - set(per_reminder)
    not_sent = ids - set(sent.values_list("pk", flat=True))
    lost = len(not_received | not_sent)
    return {"elapsed": elapsed, "sent": done, "duplicates": duplicates, "lost": lost, "messages": sink.count}


def run_baseline(ids, sink):
    """The same emails, composed beforehand, sent by a plain loop in one process
    over one SMTP connection."""
    from django.conf import settings  # noqa: PLC0415
    from django.core.mail import EmailMultiAlternatives, get_connection  # noqa: PLC0415

    from notifications.delivery import compose  # noqa: PLC0415
    from notifications.models import Reminder  # noqa: PLC0415

    settings.EMAIL_PORT = sink.port
    reminders = Reminder.objects.filter(pk__in=ids).select_related("home", "user").order_by("pk")
    composed = [(reminder, compose(reminder, reminder.home)) for reminder in reminders]
    started = time.monotonic()
    with get_connection(backend="django.core.mail.backends.smtp.EmailBackend") as connection:
        for reminder, message_parts in composed:
            message = EmailMultiAlternatives(
                subject=message_parts.subject,
                body=message_parts.text,
                to=[reminder.recipient.split(":", 1)[1]],
                headers=message_parts.headers,
                connection=connection,
            )
            message.attach_alternative(message_parts.html, "text/html")
            message.send()
    return {"elapsed": time.monotonic() - started, "messages": sink.count}


def measure(workers, run, logs):
    """``workers`` worker processes against the plain loop, in ROUNDS rounds:
    each round's reminders go through the outbox, then the same messages through
    the plain loop, so a drift in this machine's speed hits both alike."""
    from tests.outbox_harness import SmtpSinkProcess, celery_env, start_worker_process  # noqa: PLC0415

    totals = {"elapsed": 0.0, "baseline": 0.0, "sent": 0, "duplicates": 0, "lost": 0}
    with SmtpSinkProcess(logs) as sink, SmtpSinkProcess(logs) as plain_sink:
        extra = {"NOTIFY_SEND_CONNECTIONS": CONNECTIONS} if CONNECTIONS else {}
        env = celery_env(
            database=DATABASE_URL, redis_url=REDIS_URL, smtp_port=sink.port, LOG_LEVEL="WARNING", **extra
        )
        started = []
        try:
            for n in range(workers):
                started.append(
                    start_worker_process(
                        env,
                        logs / f"worker-{run}-{n}.log",
                        concurrency=None,
                        queues=[QUEUE],
                        name=f"bench{run}-{n}@%h",
                    )
                )
            for round_number in range(ROUNDS):
                ids = create_reminders(COUNT // ROUNDS, f"{run}-{round_number}")
                result = run_outbox(ids, sink, started)
                for key in ("elapsed", "sent", "duplicates", "lost"):
                    totals[key] += result[key]
                totals["baseline"] += run_baseline(ids, plain_sink)["elapsed"]
        finally:
            for worker in started:
                worker.stop()
            clear_queue(REDIS_URL)
    count = ROUNDS * (COUNT // ROUNDS)
    return {
        **totals,
        "count": count,
        "rate": count / totals["elapsed"],
        "baseline_rate": count / totals["baseline"],
    }


def main():
    from homes.scoping import crossing_homes  # noqa: PLC0415

    print(
        f"Reminder throughput: {COUNT:,} reminders a run, workers {WORKERS}, "
        f"database {DATABASE_URL}, broker {REDIS_URL}"
    )
    recreate_database(DATABASE_URL)
    setup_django()
    from celery import current_app  # noqa: PLC0415
    from django.core.management import call_command  # noqa: PLC0415

    call_command("migrate", verbosity=0, interactive=False)
    current_app.conf.task_routes = {"*": {"queue": QUEUE}}
    clear_queue(REDIS_URL)
    logs = Path(tempfile.mkdtemp(prefix="kith-bench-"))

    with crossing_homes("the benchmark counts every home's reminders"):
        runs = {workers: measure(workers, run, logs) for run, workers in enumerate(WORKERS)}

    rows = [("reminders a run", f"{COUNT:,}")]
    failed = False
    for workers, result in runs.items():
        label = f"{workers} worker{'s' if workers > 1 else ''}"
        rows += [
            (
                f"plain loop, same messages, rounds alternating with the {label} run: emails / second",
                f"{result['baseline_rate']:,.0f}",
            ),
            (f"outbox, {label} (default concurrency): wall time", f"{result['elapsed']:.2f} s"),
            (f"outbox, {label}: reminders / second", f"{result['rate']:,.0f}"),
            (f"outbox, {label}: duplicates", f"{result['duplicates']}"),
            (f"outbox, {label}: lost", f"{result['lost']}"),
            (f"outbox, {label}: ratio to the baseline", f"{result['rate'] / result['baseline_rate']:.2f}"),
        ]
        failed = failed or bool(result["duplicates"] or result["lost"] or result["sent"] != result["count"])
    width = max(len(label) for label, _ in rows)
    print()
    for label, value in rows:
        print(f"  {label.ljust(width)}  {value:>10}")
    print(f"\n  worker logs: {logs}")
    if failed:
        print("FAILED: every reminder must be delivered exactly once.", file=sys.stderr)
        return 1
    if 1 in runs and runs[1]["rate"] < runs[1]["baseline_rate"]:
        print("FAILED: one worker is slower than the plain loop.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
