"""Real services a fault test may break: its own redis-server, its own Celery worker, its
own PostgreSQL cluster.  The machine's shared PostgreSQL and Redis are never stopped.

Each helper starts a real process (or cluster), waits until it answers, and can stop it
the way an outage would (``SHUTDOWN NOSAVE``, SIGKILL, ``pg_ctlcluster stop``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, *, timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(interval)


class RedisServer:
    """A redis-server of the test's own on a free port, no persistence."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.ping, timeout=10, what=f"redis-server on {self.port}")

    def stop(self) -> None:
        """Stop it as an outage would: SHUTDOWN NOSAVE (whatever it held is gone)."""
        import redis

        if self.proc is None:
            return
        # The server closes the connection as it goes, which redis-py reports as an error.
        with contextlib.suppress(redis.RedisError):
            redis.Redis(port=self.port, socket_connect_timeout=0.5).shutdown(nosave=True)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None


class Worker:
    """A real ``celery worker`` process (solo pool) on the given broker and queue."""

    def __init__(self, *, broker_url: str, queue: str, env: dict[str, str], log: Path):
        self.broker_url, self.queue, self.env, self.log = broker_url, queue, env, log
        self.proc: subprocess.Popen | None = None
        self.hostname = f"{queue}-{uuid.uuid4().hex[:4]}@{os.uname().nodename}"

    def start(self, app) -> None:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "retail.settings_test", **self.env}
        env["REDIS_URL"] = self.broker_url
        self.hostname = f"{self.queue}-{uuid.uuid4().hex[:4]}@{os.uname().nodename}"
        with self.log.open("a") as out:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "retail",
                    "worker",
                    "--pool=solo",
                    "--concurrency=1",
                    "-Q",
                    self.queue,
                    "--without-heartbeat",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel=WARNING",
                    f"--hostname={self.hostname}",
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

        def up():
            if self.proc.poll() is not None:
                raise AssertionError(f"celery worker exited early:\n{self.log.read_text()}")
            return app.control.ping(destination=[self.hostname], timeout=0.5)

        wait_for(up, timeout=60, what="celery worker")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no acknowledgement, its transaction cut off mid-way."""
        if self.proc is not None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
            self.proc = None

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None


def _reset_celery_connections(app) -> None:
    # kombu keeps one pool per broker in a registry of its own: close them AND empty it, or
    # the next test on the suite's broker gets the closed pool ("Acquire on closed pool").
    from kombu import pools

    pools.reset()
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@contextmanager
def celery_on(app, *, url: str, queue: str) -> Iterator[None]:
    """Point this process's Celery app at ``url`` (broker and results) and ``queue``."""
    keys = ("broker_url", "result_backend", "task_always_eager", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(
        broker_url=url, result_backend=url, task_always_eager=False, task_default_queue=queue
    )
    _reset_celery_connections(app)
    try:
        yield
    finally:
        app.conf.update(saved)
        _reset_celery_connections(app)


# ---- a private PostgreSQL cluster ----------------------------------------------------------


def _pg_version() -> str | None:
    base = Path("/usr/lib/postgresql")
    versions = sorted((p.name for p in base.iterdir() if (p / "bin" / "initdb").exists()), key=int)
    return versions[-1] if versions else None


def private_postgres_problem() -> str | None:
    if not shutil.which("pg_createcluster") or not shutil.which("pg_ctlcluster"):
        return "needs postgresql-common (pg_createcluster, pg_ctlcluster)"
    if os.geteuid() != 0:
        return "needs root to create a PostgreSQL cluster as the postgres user"
    if not Path("/usr/lib/postgresql").exists() or _pg_version() is None:
        return "needs a PostgreSQL server package"
    return None


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own (``pg_createcluster``), trust auth on loopback.

    Dropped first if a killed run left it behind, so a second run works.
    """

    def __init__(self, name: str = "retail_faults"):
        self.version = _pg_version()
        self.name = name
        self.port = free_port()

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(args, check=check, capture_output=True, text=True, timeout=120)

    def create(self) -> None:
        self._run("pg_dropcluster", "--stop", self.version, self.name, check=False)
        self._run(
            "pg_createcluster",
            self.version,
            self.name,
            "-p",
            str(self.port),
            "--start-conf=manual",
            "--start",
            "--",
            "--auth=trust",
            "--no-sync",
        )
        self.wait_ready()

    def ready(self) -> bool:
        done = self._run("pg_isready", "-h", "127.0.0.1", "-p", str(self.port), "-q", check=False)
        return done.returncode == 0

    def wait_ready(self) -> None:
        wait_for(self.ready, timeout=30, what=f"PostgreSQL cluster {self.name}", interval=0.2)

    def stop(self) -> None:
        self._run("pg_ctlcluster", self.version, self.name, "stop", "-m", "fast")

    def start(self) -> None:
        self._run("pg_ctlcluster", self.version, self.name, "start")
        self.wait_ready()

    def drop(self) -> None:
        self._run("pg_dropcluster", "--stop", self.version, self.name, check=False)

    def copy_database(self, *, source: dict, name: str) -> None:
        """Copy a database (schema and rows) from ``source`` (Django settings) into this cluster."""
        host, port = source["HOST"] or "127.0.0.1", str(source["PORT"] or 5432)
        user = source["USER"] or "postgres"
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        dump = subprocess.Popen(
            ["pg_dump", "-h", host, "-p", port, "-U", user, "--no-owner", source["NAME"]],
            stdout=subprocess.PIPE,
        )
        restore = subprocess.run(
            [
                "psql",
                "-q",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                name,
                "-v",
                "ON_ERROR_STOP=1",
            ],
            stdin=dump.stdout,
            capture_output=True,
            timeout=120,
        )
        dump.stdout.close()
        assert dump.wait(timeout=120) == 0, "pg_dump failed"
        assert restore.returncode == 0, restore.stderr.decode()


# ---- a web process -------------------------------------------------------------------------


class WebProcess:
    """Django's WSGI application behind a real one-thread HTTP server, as a gunicorn sync
    worker runs it: one thread, one persistent database connection, and Django's own
    request signals (``close_old_connections`` at the start and end of every request,
    which the test client switches off).  ``url`` is where it listens.
    """

    def __init__(self):
        from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

        from django.core.handlers.wsgi import WSGIHandler

        class QuietHandler(WSGIRequestHandler):
            def log_message(self, *args):
                pass

        class Server(WSGIServer):
            request_queue_size = 16

        self.server = make_server(
            "127.0.0.1", 0, WSGIHandler(), server_class=Server, handler_class=QuietHandler
        )
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = None

    def _serve(self) -> None:
        from django.db import connections

        try:
            self.server.serve_forever(poll_interval=0.05)
        finally:
            connections.close_all()

    def start(self) -> None:
        import threading

        self.thread = threading.Thread(target=self._serve, name="web-process", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self.thread is not None:
            self.thread.join(timeout=10)
