"""Kith scales out: web processes keep nothing of their own.

Two real gunicorn processes on two ports run the production settings against
one PostgreSQL (this run's test database) and one Redis: a person signed in
through one is signed in on the other (sessions in Redis), and a photo
uploaded through one is served by the other from an S3-compatible object store
(moto's server, a process of its own), still only to the people allowed to see
it. The replica router is tested in-process, on a second connection to the
test database standing in for the replica (carehome/settings_test.py).
"""

import contextlib
import html
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from io import BytesIO
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import boto3
import pytest
import redis
from auditlog.models import LogEntry
from django.conf import settings as django_settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image
from qsessions.models import Session

from accounts.tests.factories import PASSWORD
from carehome.dbrouter import PIN_COOKIE, replica_reads
from homes.models import Role
from homes.tests.factories import MembershipFactory
from residents.models import ConsentPurpose, Resident
from residents.tests.factories import RelativeLinkFactory
from tests.fixtures import agreed_to_uses
from tests.html import text_of
from tests.test_settings_guards import production, setting_values
from visits.models import SharedUpdate

BASE_DIR = Path(__file__).resolve().parent.parent
PORTS = range(18100, 18200)
READY_SECONDS = 60  # a deadline for a server to start, not an assertion about speed
REGION = "eu-west-2"


# --- The replica router, in-process ---------------------------------------------------


@pytest.fixture
def router(settings):
    """The replica router and its middleware, as settings install them when
    DATABASE_REPLICA_URL is set; "replica" is a second connection to the test
    database. Yields the query logs of both databases."""
    settings.DATABASE_ROUTERS = ["carehome.dbrouter.ReplicaRouter"]
    settings.MIDDLEWARE = ["carehome.dbrouter.PrimaryAfterWriteMiddleware", *settings.MIDDLEWARE]
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        yield primary, replica
    connections["replica"].close()


def resident_queries(log):
    return [q["sql"] for q in log.captured_queries if '"residents_resident"' in q["sql"]]


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_reads_go_to_the_primary_unless_the_code_asks_for_the_replica(world, router):
    primary, replica = router
    assert Resident.objects.filter(home=world.home).count() == 2
    assert resident_queries(primary) and not resident_queries(replica)

    with replica_reads():
        assert Resident.objects.filter(home=world.home).count() == 2
    assert len(resident_queries(replica)) == 1
    assert len(resident_queries(primary)) == 1


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_writes_go_to_the_primary_and_the_block_then_reads_its_own_writes(world, router):
    primary, replica = router
    with replica_reads():
        resident = Resident.objects.get(pk=world.resident.pk)  # from the replica
        resident.room = "14"
        resident.save(update_fields=["room"])  # loaded from the replica, saved to the primary
        # From the first write on, the block reads the primary, so the audit
        # log's "before" (read as the row is saved) and this read see it.
        assert Resident.objects.get(pk=resident.pk).room == "14"
    assert len(resident_queries(replica)) == 1
    assert all(sql.startswith("SELECT") for sql in resident_queries(replica))
    assert [sql.split()[0] for sql in resident_queries(primary)] == ["SELECT", "UPDATE", "SELECT"]
    entry = LogEntry.objects.get_for_object(resident).latest("timestamp")
    assert entry.changes_dict["room"] == [world.resident.room, "14"]


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_a_transaction_reads_from_the_primary_even_inside_a_replica_block(world, router):
    primary, replica = router
    with replica_reads(), transaction.atomic():
        Resident.objects.filter(home=world.home).count()
        Resident.objects.select_for_update().get(pk=world.resident.pk)
    assert not replica.captured_queries
    assert len(resident_queries(primary)) == 2


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_the_dashboard_reads_from_the_replica_but_not_just_after_a_form_was_sent(world, router, client_for):
    primary, replica = router
    staff = client_for(world.staff)
    dashboard = reverse("homes:dashboard", args=[world.home.slug])

    assert staff.get(dashboard).status_code == 200
    assert replica.captured_queries, "the dashboard read nothing from the replica"

    # Staff send a form (any POST): their next pages read from the primary.
    response = staff.post(
        reverse("visits:update_add", args=[world.home.slug, world.resident.pk]),
        {"text": "Peggy planted sweet peas today."},
    )
    assert response.status_code == 302
    assert PIN_COOKIE in response.cookies
    before = len(replica.captured_queries)
    page = staff.get(dashboard)
    assert page.status_code == 200
    assert len(replica.captured_queries) == before

    # Someone else's browser, which sent nothing, still reads from the replica,
    # and sees the news (the replica here has no lag).
    relative = client_for(world.relative)
    page = relative.get(dashboard)
    assert "Peggy planted sweet peas today." in page.content.decode()
    assert len(replica.captured_queries) > before


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_a_pin_that_has_run_out_reads_from_the_replica_again(world, router, client_for, settings):
    primary, replica = router
    settings.DATABASE_REPLICA_PIN_SECONDS = 30
    staff = client_for(world.staff)
    staff.cookies[PIN_COOKIE] = str(int(time.time()) - 31)
    assert staff.get(reverse("homes:dashboard", args=[world.home.slug])).status_code == 200
    assert replica.captured_queries


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_with_the_replica_unreachable_the_dashboard_is_read_from_the_primary(
    world, router, client_for, caplog
):
    replica = connections["replica"]
    replica.close()
    port = replica.settings_dict["PORT"]
    replica.settings_dict["PORT"] = str(free_port())  # nothing listens there: connection refused
    try:
        page = client_for(world.relative).get(reverse("homes:dashboard", args=[world.home.slug]))
    finally:
        replica.close()
        replica.settings_dict["PORT"] = port
    assert page.status_code == 200
    assert "Peggy" in text_of(page.content.decode())
    assert "The replica could not be reached" in caplog.text


# --- Settings -------------------------------------------------------------------------


def test_production_keeps_sessions_photos_and_dashboards_off_the_web_process():
    values = setting_values(
        "SESSION_ENGINE",
        "CACHES",
        "STORAGES",
        "DATABASES",
        "DATABASE_ROUTERS",
        "MIDDLEWARE",
        **production(
            REDIS_URL="redis://cache.internal:6379/0",
            SESSION_REDIS_URL="redis://cache.internal:6379/2",
            KITH_S3_BUCKET="kith-photos",
            KITH_S3_ENDPOINT_URL="https://objects.example.org",
            KITH_S3_REGION="fr-par",
            DATABASE_REPLICA_URL="postgres://kith@replica.internal:5432/kith",
            DATABASE_DISABLE_SERVER_SIDE_CURSORS="1",
        ),
    )
    assert values["SESSION_ENGINE"] == "carehome.sessions"
    assert values["CACHES"]["sessions"]["LOCATION"] == "redis://cache.internal:6379/2"
    storage = values["STORAGES"]["default"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    expected = {
        "bucket_name": "kith-photos",
        "endpoint_url": "https://objects.example.org",
        "region_name": "fr-par",
        "addressing_style": "path",
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": 300,
        "file_overwrite": False,
    }
    assert {key: storage["OPTIONS"].get(key) for key in expected} == expected
    assert values["DATABASES"]["replica"]["HOST"] == "replica.internal"
    assert values["DATABASES"]["replica"]["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert values["DATABASES"]["default"]["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert values["DATABASE_ROUTERS"] == ["carehome.dbrouter.ReplicaRouter"]
    assert values["MIDDLEWARE"][0] == "carehome.dbrouter.PrimaryAfterWriteMiddleware"


def test_without_redis_a_bucket_or_a_replica_everything_stays_local():
    values = setting_values(
        "SESSION_ENGINE",
        "STORAGES",
        "DATABASES",
        "DATABASE_ROUTERS",
        "MIDDLEWARE",
        **production(REDIS_URL=""),
    )
    assert values["SESSION_ENGINE"] == "carehome.session_db"
    assert values["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert list(values["DATABASES"]) == ["default"]
    assert values["DATABASE_ROUTERS"] == []
    assert "carehome.dbrouter.PrimaryAfterWriteMiddleware" not in values["MIDDLEWARE"]


# --- Two web processes, one database, one Redis, one object store -----------------------


def free_port():
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail(f"No free port in {PORTS.start}-{PORTS.stop - 1}.")


class Server:
    """A process listening on 127.0.0.1:port, its output kept in files."""

    def __init__(self, name, command, *, port, env, logs):
        self.name = name
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.out = logs / f"{name}.out"
        self.err = logs / f"{name}.err"
        with self.out.open("wb") as out, self.err.open("wb") as err:
            self.process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=out, stderr=err)

    def output(self):
        """The end of what the process printed, to show when something fails."""
        parts = []
        for label, path in (("stdout", self.out), ("stderr", self.err)):
            parts.append(f"--- {self.name} {label} ---\n{path.read_text(errors='replace')[-4000:]}")
        return "\n".join(parts)

    def wait_until_listening(self):
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"{self.name} exited with {self.process.returncode}.\n{self.output()}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return
            time.sleep(0.1)
        pytest.fail(f"{self.name} did not listen on port {self.port} in {READY_SECONDS} s.\n{self.output()}")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


def database_url():
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{quote(db['USER'], safe='')}{password}@{host}{port}/{db['NAME']}"


def redis_url():
    return os.environ.get("REDIS_URL") or django_settings.REDIS_URL or "redis://127.0.0.1:6379/1"


@pytest.fixture(scope="module")
def stack(django_db_setup, tmp_path_factory):
    """moto's S3 server with a private bucket, then two gunicorn processes
    with the production settings: this run's test database, the test Redis,
    the bucket for uploaded photos and an empty MEDIA_ROOT of their own."""
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL (set DATABASE_URL).")
    try:
        redis.Redis.from_url(redis_url(), socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as error:
        pytest.skip(f"Needs Redis at {redis_url()} ({error}).")

    root = tmp_path_factory.mktemp("scale-out")
    logs = root / "logs"
    logs.mkdir()
    media = root / "media"
    media.mkdir()
    servers = []
    try:
        s3_port = free_port()
        s3 = Server(
            "moto",
            [sys.executable, "-m", "moto.server", "-p", str(s3_port)],
            port=s3_port,
            env=dict(os.environ),
            logs=logs,
        )
        servers.append(s3)
        s3.wait_until_listening()
        bucket = f"kith-photos-{secrets.token_hex(4)}"
        keys = {"AWS_ACCESS_KEY_ID": "kith-test", "AWS_SECRET_ACCESS_KEY": "kith-test-secret"}
        client = boto3.client(
            "s3",
            endpoint_url=s3.url,
            region_name=REGION,
            aws_access_key_id=keys["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=keys["AWS_SECRET_ACCESS_KEY"],
        )
        client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})

        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(
                ("DJANGO_", "DEBUG", "SECRET_KEY", "AWS_", "KITH_", "SESSION_", "DATABASE_")
            )
        }
        env.update(
            keys,
            DJANGO_SETTINGS_MODULE="carehome.settings",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="0",
            SECURE_COOKIES="0",
            SECURE_HSTS_SECONDS="0",
            ALLOW_CONSOLE_MESSAGES="1",
            DATABASE_URL=database_url(),
            REDIS_URL=redis_url(),
            KITH_S3_BUCKET=bucket,
            KITH_S3_ENDPOINT_URL=s3.url,
            KITH_S3_REGION=REGION,
            MEDIA_ROOT=str(media),
            STATIC_ROOT=str(root / "static"),
            LOG_FORMAT="text",
        )
        collected = subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert collected.returncode == 0, collected.stderr
        for name in ("web-1", "web-2"):
            port = free_port()
            command = [
                sys.executable,
                "-m",
                "gunicorn",
                "carehome.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                "1",
            ]
            servers.append(Server(name, command, port=port, env=env, logs=logs))
            servers[-1].wait_until_listening()
        yield {"one": servers[1], "two": servers[2], "s3": client, "bucket": bucket, "media": media}
    finally:
        for server in reversed(servers):
            server.stop()


class Browser:
    """A person's browser, reduced to its cookies: they go to both web
    processes alike (cookies are per host, not per port). Follows no redirect."""

    def __init__(self):
        self.cookies = {}

    def request(self, server, method, path, *, body=None, headers=None):
        address = urlsplit(server.url)
        http = HTTPConnection(address.hostname, address.port, timeout=60)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            http.request(method, path, body=body, headers=headers)
            response = http.getresponse()
            response.content = response.read()
        finally:
            http.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if response.status >= 500:
            pytest.fail(f"{method} {path} on {server.name}: {response.status}.\n{server.output()}")
        return response

    def get(self, server, path):
        return self.request(server, "GET", path)

    def post(self, server, path, data, *, files=False):
        if files:
            body, content_type = encode_multipart(BOUNDARY, data), MULTIPART_CONTENT
        else:
            body, content_type = urlencode(data).encode(), "application/x-www-form-urlencoded"
        return self.request(server, "POST", path, body=body, headers={"Content-Type": content_type})

    def sign_in(self, server, user):
        # The suite hashes passwords with MD5 for speed; production knows only
        # Argon2 and PBKDF2.
        user.password = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
        user.save(update_fields=["password"])
        form = hidden_inputs(self.get(server, "/login/"))
        response = self.post(server, "/login/", {**form, "username": user.email, "password": PASSWORD})
        assert response.status == 302, response.content.decode()[:2000]
        assert "/login/" not in response.getheader("Location")


def hidden_inputs(response, action=None):
    """The hidden fields (CSRF token, form token) of the page's last form that
    posts, or of the one that posts to ``action``."""
    page = response.content.decode()
    forms = re.findall(r'<form[^>]*method="post".*?</form>', page, re.S)
    if action is not None:
        forms = [form for form in forms if f'action="{action}"' in form]
    else:
        # Not the sign-out forms every signed-in page carries (the header's, the idle warning's).
        forms = [form for form in forms if 'id="idle-end"' not in form and "data-signs-out" not in form]
    form = forms[-1]
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form):
        if 'type="hidden"' in tag:
            name = re.search(r'name="([^"]*)"', tag).group(1)
            value = re.search(r'value="([^"]*)"', tag)
            fields[name] = html.unescape(value.group(1)) if value else ""
    return fields


def a_jpeg():
    out = BytesIO()
    Image.new("RGB", (320, 240), (40, 120, 90)).save(out, format="JPEG")
    return out.getvalue()


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_someone_signed_in_through_one_web_process_is_signed_in_on_the_other(world, stack):
    one, two = stack["one"], stack["two"]
    dashboard = f"/h/{world.home.slug}/"
    linda = Browser()
    assert linda.get(two, dashboard).status == 302  # not signed in yet

    linda.sign_in(one, world.relative.user)
    # The session is read from Redis, and kept in the database both processes share.
    session_key = linda.cookies["sessionid"]
    sessions = redis.Redis.from_url(redis_url())
    assert sessions.exists(f":1:qsessions.q_cached_db{session_key}")
    assert Session.objects.filter(session_key=session_key).exists()

    page = linda.get(two, dashboard)
    assert page.status == 200
    text = text_of(page.content.decode())
    assert "Sign out" in text and "Linda — your account" in text
    assert "Peggy" in text  # her mother, on her page

    # Redis emptied (restarted without its data): still signed in, on both.
    sessions.flushdb()
    assert linda.get(one, dashboard).status == 200
    page = linda.get(two, dashboard)
    assert page.status == 200
    assert sessions.exists(f":1:qsessions.q_cached_db{session_key}")  # refilled

    # Signing out on the second ends the session on the first too.
    linda.post(two, "/logout/", hidden_inputs(page, action="/logout/"))
    assert linda.get(one, dashboard).status == 302


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_photo_uploaded_through_one_is_served_by_the_other_from_the_object_store(world, stack):
    one, two = stack["one"], stack["two"]
    peggy = world.resident
    agreed_to_uses(peggy, purposes=[ConsentPurpose.PHOTOS_HOME, ConsentPurpose.PHOTOS_FAMILY])
    other_relative = MembershipFactory(home=world.home, role=Role.FAMILY, user__full_name="Tom Hughes")
    RelativeLinkFactory(resident=world.unlinked_resident, membership=other_relative)

    # A member of staff shares news with a photo, through the first process.
    staff = Browser()
    staff.sign_in(one, world.staff.user)
    share = reverse("visits:update_add", args=[world.home.slug, peggy.pk])
    form = hidden_inputs(staff.get(one, share))
    assert "form_token" in form
    photo = SimpleUploadedFile("IMG_2041 Peggy in the garden.jpg", a_jpeg(), content_type="image/jpeg")
    response = staff.post(one, share, {**form, "text": "Peggy in the garden.", "photo": photo}, files=True)
    assert response.status == 302, response.content.decode()[:2000]

    update = SharedUpdate.objects.get(resident=peggy)
    stored = stack["s3"].get_object(Bucket=stack["bucket"], Key=update.photo.name)["Body"].read()
    assert stored[:3] == b"\xff\xd8\xff"  # a JPEG, re-encoded by Kith
    assert not [path for path in stack["media"].rglob("*") if path.is_file()]
    grants = stack["s3"].get_object_acl(Bucket=stack["bucket"], Key=update.photo.name)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner's only: private
    assert all("URI" not in grant["Grantee"] for grant in grants)

    # Peggy's daughter, through the second process, finds it on her page.
    linda = Browser()
    linda.sign_in(two, world.relative.user)
    page = linda.get(two, f"/h/{world.home.slug}/").content.decode()
    address = reverse("visits:update_photo", args=[world.home.slug, update.pk])
    assert f'src="{address}"' in page
    served = linda.get(two, address)
    assert served.status == 200
    assert served.getheader("Content-Type") == "image/jpeg"
    assert "no-store" in served.getheader("Cache-Control")
    assert served.content == stored

    # A relative of another resident at the same home is told there is nothing there.
    tom = Browser()
    tom.sign_in(two, other_relative.user)
    refused = tom.get(two, address)
    assert refused.status == 404
    assert refused.content != stored
    assert tom.get(one, address).status == 404

    # Gone from the store (a bucket restored from an old backup): 404, not an error.
    stack["s3"].delete_object(Bucket=stack["bucket"], Key=update.photo.name)
    assert linda.get(one, address).status == 404


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_fragments_read_from_the_replica_are_keyed_by_the_replicas_generation(world, router, client_for):
    """A lagging replica's rows must never be stored under the primary's newer
    generation: the dashboard's fragments take their key from the replica."""
    primary, replica = router
    assert client_for(world.staff).get(reverse("homes:dashboard", args=[world.home.slug])).status_code == 200
    assert [q for q in replica.captured_queries if "homes_datachange" in q["sql"]]
