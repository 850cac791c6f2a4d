"""The machinery of the page benchmark (bench/pages.py): the data set kept in
its own database, gunicorn with production settings, a small HTTP client that
signs in through the real form, and wrk with a Lua script that reports in JSON.
"""

import hashlib
import html.parser
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
WRK_SCRIPTS = Path(__file__).resolve().parent / "wrk"
MANAGE = [sys.executable, str(BASE_DIR / "manage.py")]
SECRET_KEY = "kith-bench-only-not-secret"  # noqa: S105 - a throwaway site on loopback
HOST = "127.0.0.1"


class BenchError(Exception):
    """Something the benchmark needs did not work; the message says what."""


# --- wrk -----------------------------------------------------------------------


def ensure_wrk():
    """wrk from Debian, installed on demand (as ``make chromium`` does for the browser)."""
    if shutil.which("wrk"):
        return
    print("Installing Debian's wrk for the page benchmark...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]):
        subprocess.run(command, stdout=subprocess.DEVNULL, env=env, check=False)  # noqa: S603
    if not shutil.which("wrk"):
        raise BenchError("wrk is not installed and apt-get could not install it: apt-get install -y wrk")


def run_wrk(url, *, seconds, connections, threads, headers=(), latency=False, script="report.lua", args=()):
    """One wrk run; its JSON summary with req/s and latencies in ms added."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-s", str(WRK_SCRIPTS / script)]
    for header in headers:
        command += ["-H", header]
    if latency:
        command.append("--latency")
    command.append(url)
    if args:
        command += ["--", *[str(a) for a in args]]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    line = next((line for line in done.stdout.splitlines() if line.startswith("KITH_WRK ")), None)
    if done.returncode != 0 or line is None:
        raise BenchError(f"wrk failed ({done.returncode}): {done.stderr.strip()[-500:]} {done.stdout[-500:]}")
    result = json.loads(line.removeprefix("KITH_WRK "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6) if result["duration_us"] else 0.0
    for key in ("mean", "p50", "p90", "p99", "max"):
        result[f"{key}_ms"] = result[key] / 1000
    result["socket_errors"] = sum(result[k] for k in ("connect", "read", "write", "timeout"))
    return result


# --- The database and its data set -------------------------------------------------


def _pg_connect(url, dbname=None):
    import psycopg2

    parts = urlparse(url)
    return psycopg2.connect(
        host=parts.hostname or HOST,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname=dbname or parts.path.lstrip("/"),
    )


def database_name(url):
    return urlparse(url).path.lstrip("/")


def demo_code_hash():
    """A fingerprint of the demo data's code, to say when the stored data set
    was made by other code (the bench then suggests BENCH_RESEED=1)."""
    digest = hashlib.sha256()
    files = sorted(BASE_DIR.glob("*/demo.py")) + sorted(BASE_DIR.glob("*/demo/*.py"))
    files.append(BASE_DIR / "homes" / "management" / "commands" / "seed_demo.py")
    for path in files:
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def stored_dataset(url):
    """The marker row of the data set in the database (a dict), or None when
    the database, the table or the row is missing."""
    import psycopg2

    try:
        connection = _pg_connect(url)
    except psycopg2.OperationalError:
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('bench_dataset')")
            if cursor.fetchone()[0] is None:
                return None
            cursor.execute(
                "SELECT homes, residents, weeks, seeded_at, seconds, demo_hash FROM bench_dataset "
                "ORDER BY seeded_at DESC LIMIT 1"
            )
            row = cursor.fetchone()
    finally:
        connection.close()
    if row is None:
        return None
    keys = ("homes", "residents", "weeks", "seeded_at", "seconds", "demo_hash")
    return dict(zip(keys, row, strict=True))


def recreate_database(url):
    from psycopg2 import sql

    connection = _pg_connect(url, dbname="postgres")
    connection.autocommit = True
    name = database_name(url)
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def record_dataset(url, *, homes, residents, weeks, seconds):
    connection = _pg_connect(url)
    with connection, connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_dataset (homes integer, residents integer, weeks integer, "
            "seeded_at timestamptz, seconds double precision, demo_hash text)"
        )
        cursor.execute(
            "INSERT INTO bench_dataset VALUES (%s, %s, %s, now(), %s, %s)",
            [homes, residents, weeks, seconds, demo_code_hash()],
        )
    connection.close()


def vacuum_analyze(url):
    """What autovacuum would do after a bulk load or many deletes: fresh planner
    statistics, and dead rows cleared."""
    connection = _pg_connect(url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.close()


def autovacuum(url):
    """The server's autovacuum setting: "on" or "off"."""
    connection = _pg_connect(url)
    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        found = cursor.fetchone()[0]
    connection.close()
    return found


def biggest_tables(url, count=12):
    """[(table, estimated rows)] of the biggest tables (after ANALYZE the estimate is close)."""
    connection = _pg_connect(url)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.reltuples::bigint FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname = 'public' ORDER BY c.reltuples DESC LIMIT %s",
            [count],
        )
        rows = cursor.fetchall()
    connection.close()
    return rows


def seed_supports_weeks(env):
    done = subprocess.run(  # noqa: S603
        [*MANAGE, "seed_demo", "--help"], capture_output=True, text=True, env=env, cwd=BASE_DIR, check=False
    )
    return "--weeks" in done.stdout


def manage(args, env, *, what, timeout=None):
    try:
        done = subprocess.run(  # noqa: S603
            [*MANAGE, *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=BASE_DIR,
            check=False,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"{what} did not finish in {timeout} s: {(error.stderr or b'')[-2000:]!r}") from None
    if done.returncode != 0:
        errors = (
            done.stderr if len(done.stderr) < 6000 else f"{done.stderr[:2500]}\n...\n{done.stderr[-3000:]}"
        )
        raise BenchError(f"{what} failed:\n{done.stdout[-2000:]}\n{errors}")
    return done.stdout


# --- The environment of the app (production settings) ------------------------------


def app_env(*, database_url, redis_url, static_root, settings_module="carehome.settings", **extra):
    """Production settings (DEBUG unset), plain http on loopback, the bench's
    database and Redis, persistent database connections, the bench view on."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "NOTIFY_", "SECURE_", "EMAIL_", "SMS_", "AXES_"))
        and key not in {"DEBUG", "DATABASE_URL", "REDIS_URL", "CONN_MAX_AGE", "ALLOWED_HOSTS", "BEHIND_PROXY"}
        and not key.startswith(("DATABASE_", "SESSION_", "KITH_S3_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS=f"{HOST},localhost",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
        ALLOW_CONSOLE_MESSAGES="1",  # nothing is sent: confirmations wait in the bench's Redis
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CONN_MAX_AGE="600",
        KITH_BENCH="1",
        STATIC_ROOT=str(static_root),
        LOG_LEVEL="WARNING",
        LOG_FORMAT="text",
        **extra,
    )
    return env


def flush_redis(url):
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()


# --- gunicorn ------------------------------------------------------------------------


class Server:
    """``gunicorn carehome.wsgi -w 2`` (sync workers) on loopback, started and
    stopped by the bench; its log goes to a file."""

    def __init__(self, *, port, env, log, workers=2):
        self.port = port
        self.env = env
        self.log = log
        self.workers = workers
        self.process = None

    def __enter__(self):
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "carehome.wsgi",
                    "-w",
                    str(self.workers),
                    "-b",
                    f"{HOST}:{self.port}",
                    "--log-level",
                    "warning",
                ],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn stopped at start:\n{self.log.read_text()[-3000:]}")
            try:
                status, _, _ = Client(self.port).get("/login/")
            except OSError:
                status = None
            if status == 200:
                return self
            time.sleep(0.3)
        self.stop()
        raise BenchError(f"gunicorn did not answer within 90 s:\n{self.log.read_text()[-3000:]}")

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    @property
    def url(self):
        return f"http://{HOST}:{self.port}"


# --- A small HTTP client with cookies -------------------------------------------------

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')
SIGN_IN_PAGE = 'id="id_password"'


class Client:
    """One person's browser, as far as the bench needs: cookies, GET, form POST,
    no redirects followed."""

    def __init__(self, port, cookies=None):
        self.port = port
        self.cookies = dict(cookies or {})

    def request(self, method, path, fields=None):
        connection = http.client.HTTPConnection(HOST, self.port, timeout=120)
        headers = {"Host": f"{HOST}:{self.port}"}
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            if "expires=Thu, 01 Jan 1970" in cookie or "Max-Age=0" in cookie:
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value.strip().strip('"')
        return response.status, response.headers, data.decode("utf-8", "replace")

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields):
        return self.request("POST", path, fields)

    def cookie_header(self):
        return "; ".join(f"{name}={value}" for name, value in sorted(self.cookies.items()))

    def sign_in(self, email, password):
        """Through the sign-in page's form, as a person does."""
        status, _, page = self.get("/login/")
        token = csrf_token(page)
        if status != 200 or token is None:
            raise BenchError(f"the sign-in page answered {status} without a form")
        status, headers, _ = self.post(
            "/login/", {"username": email, "password": password, "csrfmiddlewaretoken": token}
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise BenchError(f"signing in as {email} failed (answer {status}): is the data set seeded?")
        return self


def csrf_token(page):
    match = CSRF_INPUT.search(page)
    return match.group(1) if match else None


class _Selects(html.parser.HTMLParser):
    """The options of every <select> on a page: {name: [value, ...]}."""

    def __init__(self):
        super().__init__()
        self.options = {}
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self._current = attrs.get("name")
            self.options.setdefault(self._current, [])
        elif tag == "option" and self._current is not None:
            self.options[self._current].append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._current = None


def select_options(page):
    parser = _Selects()
    parser.feed(page)
    return parser.options


def exit_with(main):
    """A benchmark script's end: exit with ``main()``'s status, or with 1 and the
    error said when the benchmark could not run (BenchError)."""
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"FAILED: {error}", file=sys.stderr)
        sys.exit(1)


def median(values):
    values = sorted(values)
    if not values:
        return 0.0
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
