"""The production layout as real processes: gunicorn, celery worker(s) and beat.

Used by ``tests/runtime/`` (the journey over HTTP) and ``bench/load.py``.  Each
stack gets a fresh PostgreSQL database of its own (dropped and created on the
server the given URL names), migrated and seeded with ``seed_demo``, and the
production settings (``retail.settings``, ``DJANGO_DEBUG=0``).
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# The lines of seed_demo's key table: client name, channel, optional store, key.
KEY_LINE = re.compile(
    r"^  (?P<client>\S.*?)\s+[A-Z]{3}-[A-Z]{2}\s+(?:[A-Z]{2}-[A-Z0-9]+)?\s*"
    r"(?P<key>[A-Za-z0-9]{8}\.[A-Za-z0-9]{32})$",
    re.MULTILINE,
)
# What a load balancer in front of gunicorn adds: the production settings redirect plain HTTP.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def with_database(url: str, name: str) -> str:
    """``url`` naming database ``name`` instead."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def database_recreate(url: str) -> None:
    """Drop (if any) and create the database ``url`` names, on its server."""
    name = urlsplit(url).path.lstrip("/")
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise ValueError(f"refusing to recreate database {name!r}")
    server = with_database(url, "postgres").replace("postgres://", "postgresql://", 1)
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def database_drop(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    server = with_database(url, "postgres").replace("postgres://", "postgresql://", 1)
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def sql_connect(url: str) -> psycopg.Connection:
    """A plain connection to the stack's database, for checks from outside."""
    return psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True)


@dataclass
class Stack:
    """One running production layout; ``stop()`` ends what ``start_*`` started."""

    database_url: str
    redis_url: str
    workdir: Path
    port: int = field(default_factory=free_port)
    extra_env: dict[str, str] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def mail_dir(self) -> Path:
        return self.workdir / "mail"

    def log(self, name: str) -> Path:
        return self.workdir / f"{name}.log"

    def env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "CELERY_", "PYTEST", "EMAIL_"))
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "retail.settings",
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": "runtime-" + secrets.token_urlsafe(48),
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DATABASE_URL": self.database_url,
                "REDIS_URL": self.redis_url,
                "CACHE_KEY_PREFIX": f"runtime-{self.port}",
                "DJANGO_STATIC_ROOT": str(self.workdir / "static"),
                "DJANGO_MEDIA_ROOT": str(self.workdir / "media"),
                # Four slashes: django-environ drops the first of the path.
                "EMAIL_URL": f"filemail:///{self.mail_dir}",
                "ORDERS_SMS_BACKEND": "orders.notifications.sms.FileSmsBackend",
                "ORDERS_SMS_FILE_PATH": str(self.workdir / "sms.log"),
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.extra_env)
        return env

    def manage(self, *args: str, timeout: float = 300) -> str:
        """Run ``manage.py`` with the stack's environment; return its output."""
        done = subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def prepare(self, *, seed_args: tuple[str, ...] = (), static: bool = False) -> None:
        """Create the database, migrate, seed the demo and read its API keys."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        database_recreate(self.database_url)
        self.manage("migrate", "--noinput", "-v", "0")
        if static:
            self.manage("collectstatic", "--noinput", "-v", "0")
        out = self.manage("seed_demo", *seed_args)
        self.keys = {m["client"].strip(): m["key"] for m in KEY_LINE.finditer(out)}

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen:
        handle = self.log(name).open("w")
        proc = subprocess.Popen(
            argv, cwd=ROOT, env=self.env(), stdout=handle, stderr=subprocess.STDOUT
        )
        handle.close()
        self.procs[name] = proc
        return proc

    def start_web(self, *, workers: int = 2, threads: int = 1) -> None:
        self._spawn(
            "gunicorn",
            [
                str(BIN / "gunicorn"),
                "retail.wsgi",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={workers}",
                f"--threads={threads}",
                "--graceful-timeout=20",
                "--log-level=info",
            ],
        )

    def start_worker(self, name: str = "worker", *, queues: str = "", concurrency: int = 2):
        argv = [
            str(BIN / "celery"),
            "-A",
            "retail",
            "worker",
            "--loglevel=INFO",
            f"--concurrency={concurrency}",
            f"--hostname={name}-{self.port}@%h",
        ]
        if queues:
            argv.append(f"--queues={queues}")
        return self._spawn(name, argv)

    def start_beat(self) -> None:
        self._spawn(
            "beat",
            [
                str(BIN / "celery"),
                "-A",
                "retail",
                "beat",
                "--loglevel=INFO",
                f"--schedule={self.workdir / 'celerybeat-schedule'}",
            ],
        )

    def wait_ready(self, timeout: float = 60) -> None:
        """Wait until gunicorn answers /healthz and every worker logged it is ready."""
        deadline = time.monotonic() + timeout
        pending = {name for name in self.procs if name != "beat"}
        while pending and time.monotonic() < deadline:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited early:\n{self.log(name).read_text()}")
            for name in list(pending):
                if name == "gunicorn":
                    if self._healthz_ok():
                        pending.discard(name)
                elif " ready." in self.log(name).read_text():
                    pending.discard(name)
            time.sleep(0.2)
        if pending:
            raise RuntimeError(f"not ready within {timeout} s: {sorted(pending)}")

    def _healthz_ok(self) -> bool:
        try:
            answer = requests.get(f"{self.base_url}/healthz", headers=PROXY_HEADERS, timeout=2)
        except requests.RequestException:
            return False
        return answer.status_code == 200

    def stop(self, timeout: float = 30) -> dict[str, int | None]:
        """SIGTERM every process (web first, beat last); return their exit codes."""
        order = sorted(self.procs, key=lambda n: (n != "gunicorn", n == "beat"))
        codes: dict[str, int | None] = {}
        for name in order:
            proc = self.procs[name]
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for name in order:
            proc = self.procs[name]
            try:
                codes[name] = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                codes[name] = None
        self.procs.clear()
        return codes

    def tracebacks(self) -> dict[str, str]:
        """The logs that hold a traceback, by process."""
        found = {}
        for path in self.workdir.glob("*.log"):
            text = path.read_text(errors="replace")
            if "Traceback" in text:
                found[path.stem] = text
        return found
