"""Faults, against real servers: a Redis outage, a Celery worker killed in the middle of a task,
a PostgreSQL restart. Nothing is lost and nothing happens twice.

The shared servers are never touched: each test starts its own Redis, worker, PostgreSQL
cluster or web server on free ports, and stops them. Skipped when the binaries are missing,
unless REQUIRE_SERVICES is set (as in CI), where a missing binary fails the test.
"""

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from celery import Celery
from celery import _state as celery_state
from django.db import connection
from django.urls import reverse

import accounts.tasks  # noqa: F401 - registers the shared tasks on the producer app
from accounts.models import OutboxMessage
from forums.models import Proposal, ProposalEvent
from platforms.models import Party, Platform, PlatformEvent
from platforms.services import membership_grant
from tests.factories import TerritoryFactory, UserFactory
from tests.support.worker import wait_for

ROOT = Path(__file__).resolve().parent.parent
REDIS_SERVER = shutil.which("redis-server")
PG_BIN = next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)), None)
Status = OutboxMessage.Status

pytestmark = [
    pytest.mark.faults,
    # one at a time, on one xdist worker: they start and kill processes
    pytest.mark.xdist_group("faults"),
    pytest.mark.django_db(transaction=True),
]


def need(condition: bool, reason: str) -> None:
    if condition:
        return
    if os.environ.get("REQUIRE_SERVICES"):
        pytest.fail(f"REQUIRE_SERVICES is set but {reason}")
    pytest.skip(reason)


def need_postgresql():
    need(connection.vendor == "postgresql", "the worker shares the test database: PostgreSQL only")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_database_url() -> str:
    d = connection.settings_dict
    auth = d["USER"] + (f":{d['PASSWORD']}" if d.get("PASSWORD") else "")
    return f"postgres://{auth}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


# --- the private servers ----------------------------------------------------------------------


class PrivateRedis:
    """A redis-server of this test only, with no persistence: a restart starts it empty."""

    def __init__(self):
        need(REDIS_SERVER is not None, "redis-server is not installed")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(  # noqa: S603 - a fixed local binary
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        assert wait_for(lambda: self._answers(client), timeout=10), "private Redis did not start"

    @staticmethod
    def _answers(client) -> bool:
        try:
            return client.ping()
        except redis.exceptions.ConnectionError:
            return False

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_dir():
    with tempfile.TemporaryDirectory(prefix="op-faults-mail-") as directory:
        yield Path(directory)


def delivered(mail_dir: Path) -> list[str]:
    """Subjects of the e-mails the worker delivered, one per message."""
    return [p.read_text().splitlines()[1] for p in mail_dir.glob("*.eml")]


def subprocess_env(broker_url: str, mail_dir: Path, **extra) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.support.settings_faults",
        "DATABASE_URL": test_database_url(),
        "FAULT_BROKER_URL": broker_url,
        "FAULT_MAIL_DIR": str(mail_dir),
        "REDIS_URL": "",
        **extra,
    }


class Worker:
    """`celery worker` as a separate process, as in production."""

    def __init__(self, env: dict, *, pool: str = "prefork"):
        self.log = Path(env["FAULT_MAIL_DIR"]) / f"worker-{uuid.uuid4().hex[:6]}.log"
        self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "celery", "-A", "config.celery:app", "worker",
             "--pool", pool, "--concurrency", "1", "--loglevel", "INFO",
             "--without-mingle", "--without-gossip", "--hostname", f"{self.log.stem}@faults"],
            cwd=ROOT, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        if not wait_for(lambda: "ready." in self.output(), timeout=40):
            self.kill()
            pytest.fail(f"the worker did not start:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def kill(self):
        """SIGKILL to the whole worker (its pool children too): no shutdown, no acknowledgement."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


@contextmanager
def worker(env: dict, *, pool: str = "prefork"):
    w = Worker(env, pool=pool)
    try:
        yield w
    finally:
        w.kill()


@contextmanager
def producer(broker_url: str):
    """The web process's Celery app on the private broker (the suite's app is eager)."""
    app = Celery("open_platforms_faults")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url=broker_url, task_always_eager=False)
    app.finalize()
    previous = celery_state.default_app
    app.set_default()
    app.set_current()
    try:
        yield app
    finally:
        celery_state.set_default_app(previous)
        previous.set_current()


# --- Redis stopped ------------------------------------------------------------------------------


def test_with_redis_stopped_citizens_still_act_and_the_mail_follows_when_it_returns(
    client, forum, council, alice, sam, cyril, private_redis, mail_dir, settings
):
    """A citizen registers a forum and a member submits a proposal while Redis (cache and
    broker) is down; when Redis is back the next relay delivers every notification, once."""
    need_postgresql()
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FailOpenRedisCache",
            "LOCATION": private_redis.url.replace("/0", "/1"),
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    lsg = UserFactory()
    membership_grant(platform=council, user=lsg, party=Party.LSG, actor=None, check=False)
    village = TerritoryFactory(parent=council.territory, name_en="Kok-Jar")
    env = subprocess_env(private_redis.url, mail_dir)
    with producer(private_redis.url) as app, worker(env):
        private_redis.stop()
        started = time.monotonic()

        client.force_login(cyril)
        response = client.post(
            reverse("platforms:register"), {"name": "Kok-Jar forum", "territory": village.pk}
        )
        assert response.status_code == 302
        draft = Platform.objects.get(name="Kok-Jar forum")
        step = lambda s: reverse("platforms:register_step", args=[draft.slug, s])  # noqa: E731
        client.post(step("aims"), {"aims": "Safe roads", "problems": "", "membership_criteria": ""})
        client.post(step("group"), {"name": "Gulnara", "email": ""})
        client.post(step("group"), {"name": "Bakyt", "email": UserFactory().email})
        assert client.post(step("review")).status_code == 302

        client.force_login(alice)
        response = client.post(
            reverse("forums:proposal_new", kwargs={"slug": forum.slug}),
            {"title": "Lights", "body": "The street is dark.", "category": "school",
             "save_as": "submit"},
        )  # fmt: skip
        assert response.status_code == 302
        outage_seconds = time.monotonic() - started

        draft.refresh_from_db()
        assert draft.status == Platform.Status.SUBMITTED
        proposal = Proposal.objects.get(title="Lights")
        assert proposal.state == Proposal.State.SUBMITTED
        assert proposal.events.filter(kind=ProposalEvent.Kind.SUBMITTED).count() == 1
        assert PlatformEvent.objects.filter(platform=draft, new="submitted").count() == 1
        waiting = list(OutboxMessage.objects.values_list("subject", flat=True))
        # lsg hears of the registration, sam (the secretariat) of the proposal, the invited
        # member of the initiative group of their invitation
        assert len(waiting) >= 3
        assert not OutboxMessage.objects.exclude(status=Status.PENDING).exists()
        assert delivered(mail_dir) == []

        private_redis.start()
        app.send_task("accounts.tasks.relay_outbox")  # the beat's next tick (every minute)
        assert wait_for(
            lambda: not OutboxMessage.objects.exclude(status=Status.SENT).exists(), timeout=40
        ), OutboxMessage.objects.values_list("status", "last_error")
    assert sorted(delivered(mail_dir)) == sorted(waiting)  # every one, once
    assert outage_seconds < 20  # a dead Redis costs short timeouts, not hung requests


# --- a worker killed mid-task ---------------------------------------------------------------


def _queue_mail(n: int) -> list[str]:
    subjects = ["[slow] Vote opened", *[f"Meeting {i}" for i in range(1, n)]]
    for subject in subjects:
        OutboxMessage.objects.create(to="member@example.org", subject=subject, body="Body")
    return subjects


def test_a_pool_process_killed_mid_task_runs_it_again_and_mails_once(private_redis, mail_dir):
    """SIGKILL to the pool process sending mail: with late acknowledgement and
    reject-on-worker-lost the task is queued again at once, and the relay, being idempotent,
    sends each message exactly once."""
    need_postgresql()
    subjects = _queue_mail(4)
    env = subprocess_env(private_redis.url, mail_dir)
    with producer(private_redis.url) as app, worker(env, pool="prefork") as w:
        app.send_task("accounts.tasks.relay_outbox")
        marker = mail_dir / "slow.pid"
        assert wait_for(marker.exists, timeout=20), w.output()
        child = int(marker.read_text())
        assert child != w.proc.pid  # the pool process, not the worker's main process
        os.kill(child, signal.SIGKILL)
        assert wait_for(
            lambda: OutboxMessage.objects.filter(status=Status.SENT).count() == 4, timeout=30
        ), w.output()
        assert "WorkerLostError" in w.output() or "SIGKILL" in w.output()
    assert sorted(delivered(mail_dir)) == sorted(subjects)
    assert OutboxMessage.objects.filter(status=Status.SENT).count() == 4


def test_a_whole_worker_killed_mid_task_is_redelivered_to_the_next_worker(private_redis, mail_dir):
    """SIGKILL to the whole worker (the solo pool runs the task in the main process): the
    unacknowledged message goes back to the queue after the visibility timeout and the next
    worker runs it; each message is sent exactly once."""
    need_postgresql()
    subjects = _queue_mail(3)
    env = subprocess_env(private_redis.url, mail_dir)
    with producer(private_redis.url) as app:
        with worker(env, pool="solo") as first:
            app.send_task("accounts.tasks.relay_outbox")
            marker = mail_dir / "slow.pid"
            assert wait_for(marker.exists, timeout=20), first.output()
            assert int(marker.read_text()) == first.proc.pid
            first.kill()
        assert OutboxMessage.objects.filter(status=Status.SENT).count() == 0
        with worker(env, pool="solo") as second:
            assert wait_for(
                # the visibility timeout (5 s) plus a new worker's start, which on a loaded
                # two-core machine has taken over 40 s
                lambda: OutboxMessage.objects.filter(status=Status.SENT).count() == 3,
                timeout=120,
            ), second.output()
    assert sorted(delivered(mail_dir)) == sorted(subjects)


# --- PostgreSQL restarted -------------------------------------------------------------------


class PrivatePostgres:
    """A throw-away PostgreSQL cluster (initdb) on a free port, run as the postgres user."""

    def __init__(self):
        need(PG_BIN is not None, "PostgreSQL server binaries are not installed")
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="op-faults-pg-", dir="/tmp"))
        self.data = self.dir / "data"
        self.as_owner: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root
            need(shutil.which("runuser") is not None, "runuser is needed to run initdb as root")
            shutil.chown(self.dir, "postgres", "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]

    def run(self, *args, **kwargs):
        return subprocess.run([*self.as_owner, *args], check=True, capture_output=True, **kwargs)  # noqa: S603

    def pg_ctl(self, *args):
        self.run(f"{PG_BIN}/pg_ctl", "-D", str(self.data), "-w", "-t", "30", *args)

    def start(self):
        self.run(f"{PG_BIN}/initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                 "-E", "UTF8", "--no-sync")  # fmt: skip
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off"
        self.pg_ctl("-o", options, "-l", str(self.dir / "log"), "start")

    def restart(self):
        # -l again: without it the server would inherit pg_ctl's captured stdout
        self.pg_ctl("-m", "fast", "-l", str(self.dir / "log"), "restart")

    def stop(self):
        try:
            self.pg_ctl("-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


def copy_test_database(target: PrivatePostgres, name: str) -> None:
    """The test database (schema, triggers and rows) into the private cluster."""
    d = connection.settings_dict
    source = ["-h", d["HOST"] or "127.0.0.1", "-p", str(d["PORT"] or 5432), "-U", d["USER"]]
    subprocess.run(  # noqa: S603
        [f"{PG_BIN}/createdb", "-h", "127.0.0.1", "-p", str(target.port), "-U", "postgres", name],
        check=True,
    )
    dump = subprocess.run(  # noqa: S603
        [f"{PG_BIN}/pg_dump", *source, "-Fc", "--no-owner", d["NAME"]],
        check=True, capture_output=True, env={**os.environ, "PGPASSWORD": d.get("PASSWORD") or ""},
    ).stdout  # fmt: skip
    subprocess.run(  # noqa: S603
        [f"{PG_BIN}/pg_restore", "-h", "127.0.0.1", "-p", str(target.port), "-U", "postgres",
         "--no-owner", "-d", name],
        input=dump, check=True, capture_output=True,
    )  # fmt: skip


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 - our own server
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_after_a_postgresql_restart_the_next_requests_succeed_without_restarting_the_web(
    forum, mail_dir
):
    """A web server (gunicorn, persistent connections) keeps serving across a database
    restart: the dead connection is noticed by the health check and replaced."""
    need_postgresql()
    pg = PrivatePostgres()
    pg.start()
    web = None
    try:
        copy_test_database(pg, "op_tb_faults")
        port = free_port()
        env = subprocess_env("memory://", mail_dir, DATABASE_URL=pg.url("op_tb_faults"))
        env["DB_CONN_MAX_AGE"] = "600"
        log = (mail_dir / "web.log").open("w")
        web = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", "1",
             "--bind", f"127.0.0.1:{port}", "--timeout", "60"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        page = f"{base}{forum.get_absolute_url()}"  # reads the platform from the database
        assert wait_for(lambda: _up(f"{base}/healthz"), timeout=30), (
            mail_dir / "web.log"
        ).read_text()
        assert get(page) == 200
        pg.restart()
        statuses = [get(page) for _ in range(5)]
        assert statuses == [200] * 5, (mail_dir / "web.log").read_text()
        assert web.poll() is None  # the same web process, never restarted
    finally:
        if web is not None:
            web.terminate()
            web.wait(timeout=10)
        pg.stop()


def _up(url: str) -> bool:
    try:
        return get(url) == 200
    except OSError:
        return False
