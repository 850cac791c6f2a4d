"""Real things for the outbox's integration tests and the benchmark.

* ``SmtpSink`` — an aiosmtpd server on loopback that keeps every message it
  accepts (optionally slow: it sleeps in RCPT, before the body is sent).
* ``PrivateRedis`` — a redis-server of our own on a free port, so stopping it
  disturbs nothing else on the machine.
* ``CeleryProcess`` — ``celery -A carehome worker`` / ``beat`` as a
  subprocess in its own session (process group), so it can be SIGKILLed whole.
* ``in_thread_worker`` — Celery's test worker in a thread of this process,
  consuming a queue of its own on the real Redis.
"""

import asyncio
import contextlib
import email
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, timeout=30, interval=0.05):
    """Poll until ``condition()`` is true or ``timeout`` passes; return the last answer."""
    deadline = time.monotonic() + timeout
    while True:
        answer = condition()
        if answer or time.monotonic() >= deadline:
            return answer
        time.sleep(interval)


# --- SMTP sink ---------------------------------------------------------------------

REMINDER_HEADER = re.compile(rb"^X-Kith-Reminder: *(\d+)\r?$", re.MULTILINE | re.IGNORECASE)


class _SinkHandler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.sink.rcpt_delay:
            with self.sink.lock:
                self.sink.in_rcpt += 1
            try:
                await asyncio.sleep(self.sink.rcpt_delay)
            finally:
                with self.sink.lock:
                    self.sink.in_rcpt -= 1
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        # Kept as bytes, parsed when read: the sink must not be what limits a benchmark.
        content = envelope.original_content or envelope.content
        if self.sink.on_data is not None:
            self.sink.on_data(content)
        with self.sink.lock:
            self.sink.raw.append(content)
        return "250 Message accepted for delivery"


class SmtpSink:
    """An SMTP server on 127.0.0.1 that keeps what it is sent. Use as a context manager."""

    def __init__(self, *, rcpt_delay=0.0, port=None, on_data=None):
        self.rcpt_delay = rcpt_delay
        self.port = port or free_port()
        self.host = "127.0.0.1"
        # on_data(bytes) runs before the sink answers "250 accepted".
        self.on_data = on_data
        self.raw = []
        self.messages = []
        self.in_rcpt = 0
        self.lock = threading.Lock()
        self._controller = None

    def start(self):
        from aiosmtpd.controller import Controller  # noqa: PLC0415

        self._controller = Controller(_SinkHandler(self), hostname=self.host, port=self.port)
        self._controller.start()
        return self

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def count(self):
        with self.lock:
            return len(self.raw)

    def received(self):
        with self.lock:
            raw = self.raw[len(self.messages) :]
        parsed = [email.message_from_bytes(content) for content in raw]
        with self.lock:
            self.messages.extend(parsed)
            return list(self.messages)

    def per_reminder(self):
        """Counter {reminder id: messages received with that X-Kith-Reminder header}."""
        with self.lock:
            raw = list(self.raw)
        found = (REMINDER_HEADER.search(content) for content in raw)
        return Counter(int(match.group(1)) for match in found if match)

    def for_reminders(self, ids):
        wanted = {int(i) for i in ids}
        return [m for m in self.received() if m["X-Kith-Reminder"] and int(m["X-Kith-Reminder"]) in wanted]

    def clear(self):
        with self.lock:
            self.raw.clear()
            self.messages.clear()


def _serve_sink(port, path, ready):
    """One sink process: aiosmtpd on a socket shared with its sibling processes
    (SO_REUSEPORT: the kernel spreads connections across them), writing each
    message's X-Kith-Reminder id (or 0) as a line to ``path``."""
    import asyncio  # noqa: PLC0415

    from aiosmtpd.smtp import SMTP  # noqa: PLC0415

    out = open(path, "a", buffering=1)  # noqa: SIM115 - lives as long as the process

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            match = REMINDER_HEADER.search(envelope.original_content or envelope.content)
            out.write(f"{int(match.group(1)) if match else 0}\n")
            return "250 Message accepted for delivery"

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(128)

    async def serve():
        loop = asyncio.get_running_loop()
        await loop.create_server(lambda: SMTP(Handler(), hostname="sink.local"), sock=listener)
        ready.set()
        await asyncio.Event().wait()

    asyncio.run(serve())


class SmtpSinkProcess:
    """An SMTP sink of ``processes`` processes sharing one port, as a provider
    serves many connections at once; it shares no GIL with the sender or with
    whatever measures it (the benchmark). Counts messages and reminder ids from
    the files its processes write."""

    def __init__(self, directory, *, processes=4):
        self.port = free_port()
        self.paths = [Path(directory) / f"sink-{self.port}-{n}.txt" for n in range(processes)]
        self.processes = []

    def __enter__(self):
        import multiprocessing  # noqa: PLC0415

        context = multiprocessing.get_context("spawn")
        for path in self.paths:
            path.write_text("")
            ready = context.Event()
            process = context.Process(target=_serve_sink, args=(self.port, str(path), ready), daemon=True)
            process.start()
            if not ready.wait(30):
                raise RuntimeError("the SMTP sink process did not start")
            self.processes.append(process)
        return self

    def __exit__(self, *exc):
        for process in self.processes:
            process.kill()
            process.join(10)

    @property
    def count(self):
        total = 0
        for path in self.paths:
            with open(path, "rb") as lines:
                total += sum(
                    chunk.count(b"\n") for chunk in iter(lambda lines=lines: lines.read(1 << 16), b"")
                )
        return total

    def per_reminder(self):
        return Counter(int(line) for path in self.paths for line in path.read_text().split() if line != "0")


# --- A private Redis ---------------------------------------------------------------


class PrivateRedis:
    """``redis-server`` on a free port, keeping nothing on disk. Stop and start it
    again on the same port to simulate an outage."""

    def __init__(self, port=None, workdir=None):
        self.port = port or free_port()
        self.workdir = str(workdir or BASE_DIR)
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def ping(self):
        import redis  # noqa: PLC0415
        from redis.backoff import NoBackoff  # noqa: PLC0415
        from redis.retry import Retry  # noqa: PLC0415

        client = redis.Redis(
            host="127.0.0.1", port=self.port, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0)
        )
        try:
            return client.ping()
        except redis.exceptions.RedisError:
            return False
        finally:
            client.close()

    def start(self):
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--daemonize", "no", "--dir", self.workdir, "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        if not wait_for(self.ping, timeout=10):
            self.stop()
            raise RuntimeError(f"redis-server did not start on port {self.port}")
        return self

    def stop(self):
        if self.process is not None:
            _end(self.process, signal.SIGKILL)
            self.process = None


# --- Celery subprocesses -----------------------------------------------------------


def database_url(settings_dict):
    """A DATABASE_URL for the database Django is using in this process (the test database)."""
    user = settings_dict.get("USER") or "postgres"
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}" if password else user
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{auth}@{host}:{port}/{settings_dict['NAME']}"


def celery_env(*, database, redis_url, smtp_port, **extra):
    """The environment a Kith worker or beat runs with: production settings
    (``carehome.settings``), our database, broker and SMTP sink."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CELERY_", "NOTIFY_", "EMAIL_", "PYTEST", "DJANGO_"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="carehome.settings",
        SECRET_KEY=os.environ.get("SECRET_KEY") or "kith-tests-only-not-secret",
        DEBUG="0",
        ALLOWED_HOSTS="localhost",
        DATABASE_URL=database,
        CONN_MAX_AGE="0",
        REDIS_URL=redis_url,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_TIMEOUT="10",
        LOG_FORMAT="text",
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
        # Text messages (none in these tests' kinds) would be printed: allowed here.
        ALLOW_CONSOLE_MESSAGES="1",
    )
    environment.update({key: str(value) for key, value in extra.items()})
    return environment


def _end(process, sig):
    """Signal a subprocess's whole process group and reap it."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


class CeleryProcess:
    """``celery -A carehome <args>`` in a session of its own, its output in ``log``."""

    def __init__(self, args, *, env, log):
        self.args = args
        self.env = env
        self.log = Path(log)
        self.process = None
        self._log_file = None

    def start(self):
        self._log_file = open(self.log, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "carehome", *self.args],
            cwd=BASE_DIR,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    @property
    def pgid(self):
        return os.getpgid(self.process.pid)

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def output(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_ready(self, text, timeout=60):
        if not wait_for(lambda: text in self.output() or not self.alive(), timeout=timeout, interval=0.1):
            raise RuntimeError(f"celery {self.args[0]} not ready after {timeout}s:\n{self.output()[-3000:]}")
        if not self.alive():
            raise RuntimeError(f"celery {self.args[0]} exited:\n{self.output()[-3000:]}")
        return self

    def kill(self):
        """SIGKILL the whole process group (main process and pool children) at once."""
        if self.process is not None:
            os.killpg(self.pgid, signal.SIGKILL)
            self.process.wait(timeout=15)

    def stop(self):
        if self.process is not None:
            _end(self.process, signal.SIGTERM)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None


def start_worker_process(env, log, *, concurrency=2, queues=None, name=None):
    """A prefork worker; ``concurrency=None`` keeps Celery's default (one process per core)."""
    args = ["worker", "--loglevel=INFO", "--pool=prefork"]
    if concurrency:
        args.append(f"--concurrency={concurrency}")
    args += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    args += ["-n", name or f"kith-{uuid.uuid4().hex[:8]}@%h"]
    if queues:
        args += ["-Q", ",".join(queues)]
    return CeleryProcess(args, env=env, log=log).start().wait_ready(" ready.")


def start_beat_process(env, log, schedule_dir):
    args = ["beat", "--loglevel=INFO", "-s", str(Path(schedule_dir) / "beat")]
    return CeleryProcess(args, env=env, log=log).start().wait_ready("beat: Starting")


# --- A worker in a thread of this process ------------------------------------------


def _reconnect(app):
    """Forget the broker connections, producers and routes made under the old configuration."""
    app.close()
    amqp = app.amqp
    amqp._producer_pool = None
    amqp.__dict__.pop("router", None)
    amqp.flush_routes()


@contextlib.contextmanager
def in_thread_worker(app, broker_url):
    """Celery's test worker (solo pool, a thread) on ``broker_url``, consuming a
    fresh queue that every task is routed to for the duration, so another
    worker on the same Redis cannot take the messages. Yields the queue name."""
    import redis  # noqa: PLC0415
    from celery.contrib.testing.worker import start_worker  # noqa: PLC0415

    queue = f"kith-test-{uuid.uuid4().hex[:12]}"
    conf = app.conf
    saved = {
        "task_always_eager": conf.task_always_eager,
        "broker_url": conf.broker_url,
        "task_routes": conf.task_routes,
        "worker_hijack_root_logger": conf.worker_hijack_root_logger,
    }
    root = logging.getLogger()
    saved_logging = (list(root.handlers), root.level)
    conf.update(
        task_always_eager=False,
        broker_url=broker_url,
        task_routes={"*": {"queue": queue}},
        worker_hijack_root_logger=False,
    )
    _reconnect(app)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue]):
            yield queue
    finally:
        # The queue and its kombu binding records, so repeated runs leave nothing behind.
        redis.Redis.from_url(broker_url).delete(
            queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
        )
        conf.update(**saved)
        _reconnect(app)
        root.handlers[:], root.level = saved_logging


@contextlib.contextmanager
def publishing_to(app, broker_url):
    """Tasks sent from this process go to ``broker_url`` (not run eagerly)."""
    conf = app.conf
    saved = {"task_always_eager": conf.task_always_eager, "broker_url": conf.broker_url}
    conf.update(task_always_eager=False, broker_url=broker_url)
    _reconnect(app)
    try:
        yield
    finally:
        conf.update(**saved)
        _reconnect(app)
