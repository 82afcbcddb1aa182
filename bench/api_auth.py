"""Benchmark: API-key authentication per request, checked every time vs remembered, side by side.

Usage::

    .venv/bin/python bench/api_auth.py                         # SQLite temp file, local memory
    .venv/bin/python bench/api_auth.py --postgres postgres://postgres@127.0.0.1:5432/postgres \
        --redis redis://127.0.0.1:6379/15

Builds its own data (a channel, 50 clients with a key each) in a throw-away
database (on PostgreSQL a ``bench_auth_<pid>`` database, created and dropped),
then times ``ApiKeyAuthentication.authenticate`` on a request with a key,
alternating rounds of the old way (a lookup and a hash every time:
``RETAIL_API_KEY_CACHE`` off) and the new (remembered keys, one read of the key
revision from the shared cache), and prints p50/p99 per call and the queries
of one call, with the issue's bound (≤ 0.3 ms a request) marked PASS or FAIL.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if sys.path and Path(sys.path[0]).resolve() == HERE:
    sys.path[0] = str(ROOT)

BOUND_MS = 0.3
CLIENTS = 50


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server (not written)")
    parser.add_argument("--redis", metavar="URL", help="Redis as the shared cache")
    parser.add_argument("--calls", type=int, default=2_000, help="timed calls per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per side, alternated")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = "retail.settings_test"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    tmp = tempfile.TemporaryDirectory(prefix="bench-auth-")
    admin_url = None
    if args.postgres:
        admin_url = args.postgres
        name = f"bench_auth_{os.getpid()}"
        base = args.postgres.rsplit("/", 1)[0]
        _pg(admin_url, f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = f"{base}/{name}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}/bench.sqlite3"
    if args.redis:
        os.environ["REDIS_URL"] = args.redis
    else:
        os.environ.pop("REDIS_URL", None)
    try:
        return run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if admin_url:
            _pg(admin_url, f'DROP DATABASE IF EXISTS "{name}"')
        tmp.cleanup()


def _pg(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def run(args) -> int:
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext
    from rest_framework.request import Request

    from retail.api.auth import ApiKeyAuthentication
    from retail.models import ApiClient, Channel
    from retail.services.api_clients import api_key_issue

    channel = Channel.objects.create(
        code="WEB-BENCH", name="Webshop", kind="webshop", country="DK", currency="DKK"
    )
    keys = []
    for n in range(CLIENTS):
        client = ApiClient.objects.create(name=f"Client {n}", channel=channel)
        keys.append(api_key_issue(client=client)[1])
    factory = RequestFactory()
    requests = [
        Request(factory.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Api-Key {key}")) for key in keys
    ]
    auth = ApiKeyAuthentication()

    def timed(cache_on: bool) -> list[float]:
        settings.RETAIL_API_KEY_CACHE = cache_on
        for request in requests:  # warm: every key checked once
            auth.authenticate(request)
        samples = []
        for i in range(args.calls):
            request = requests[i % len(requests)]
            t0 = time.perf_counter()
            auth.authenticate(request)
            samples.append(time.perf_counter() - t0)
        return samples

    def queries(cache_on: bool) -> int:
        settings.RETAIL_API_KEY_CACHE = cache_on
        auth.authenticate(requests[0])
        with CaptureQueriesContext(connection) as captured:
            auth.authenticate(requests[0])
        return len(captured)

    sides = {"checked every time": [], "remembered": []}
    for _ in range(args.rounds):
        sides["checked every time"] += timed(False)
        sides["remembered"] += timed(True)
    load = os.getloadavg()[0]
    database = connection.vendor
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(
        f"API-key authentication, {database}, cache {cache}, {CLIENTS} keys, "
        f"{args.rounds} x {args.calls} calls per side alternated, 1-min load {load:.1f}"
    )
    print(f"{'':22} {'p50 ms':>8} {'p99 ms':>8} {'queries':>8}")
    figures = {}
    for (label, samples), cache_on in zip(sides.items(), (False, True), strict=True):
        samples.sort()
        p50 = statistics.median(samples) * 1000
        p99 = samples[int(len(samples) * 0.99) - 1] * 1000
        figures[label] = p50
        print(f"{label:22} {p50:8.3f} {p99:8.3f} {queries(cache_on):8d}")
    new = figures["remembered"]
    speedup = figures["checked every time"] / new
    verdict = "PASS" if new <= BOUND_MS else "FAIL"
    print(f"remembered p50 {new:.3f} ms <= {BOUND_MS} ms: {verdict} ({speedup:.0f}x faster)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
