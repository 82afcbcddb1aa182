"""Benchmark: the API's hot endpoints over HTTP against a trivial authenticated view, one run.

Usage::

    .venv/bin/python bench/api.py --postgres postgres://postgres@127.0.0.1:5432/postgres \
        --redis redis://127.0.0.1:6379/15
    .venv/bin/python bench/api.py ... --seconds 5 --rounds 1     # quicker

Needs ``wrk`` (Debian: ``apt-get install wrk``), PostgreSQL (a ``bench_api_<pid>``
database is created, seeded with the default demo chain, and dropped) and
Redis (the cache and the API-key revision, as in production).

Starts gunicorn (``--workers 2``, sync) with the production settings plus one
trivial view (``bench/api_settings.py``: ``/bench/ping/``, API-key
authentication and DRF, answering ``{"ok": true}``), then runs ``wrk -t2
-c16`` against each endpoint in turn, alternating over the rounds so that a
busier minute falls on all of them: the trivial view, ``/api/v1/me/``, a 5- and
a 20-line basket (``POST /api/v1/pricing/basket/``) and a price lookup of 50
SKUs.  Prints requests/s, p50 and p99 per endpoint, the ratio to the trivial
view, and the issue's targets (5-line basket >= 0.3x, 20-line >= 0.2x) marked
PASS or FAIL, with the load average beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if sys.path and Path(sys.path[0]).resolve() == HERE:
    sys.path[0] = str(ROOT)

TARGETS = {"basket 5 lines": 0.3, "basket 20 lines": 0.2}


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", required=True, metavar="URL", help="server (not written)")
    parser.add_argument("--redis", required=True, metavar="URL", help="Redis for cache and keys")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per endpoint")
    parser.add_argument("--rounds", type=int, default=2, help="rounds over all endpoints")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    return parser.parse_args(argv)


def _pg(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(env: dict) -> dict:
    """Migrate and seed the bench database; return a webshop key and the SKUs to ask for."""
    script = r"""
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
call_command("seed_demo", verbosity=0)
from retail.models import ApiClient
from retail.services.api_clients import api_key_issue
from pricing.models import PriceListEntry
client = ApiClient.objects.filter(channel__code="WEB-DK", store=None).first()
_, key = api_key_issue(client=client, name="bench")
skus = list(
    PriceListEntry.objects.filter(price_list__currency="DKK", product__is_active=True)
    .values_list("product__sku", flat=True).distinct().order_by("product__sku")[:50]
)
print(json.dumps({"key": key, "skus": skus}))
"""
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"seeding failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def lua_post(body: dict, path: Path) -> Path:
    path.write_text(
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = {json.dumps(json.dumps(body))}\n"
    )
    return path


LATENCY = re.compile(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)
RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
STATUS = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")


def wrk(url: str, key: str, args, script: Path | None) -> dict:
    command = [
        shutil.which("wrk") or "wrk",
        "-t2",
        f"-c{args.connections}",
        f"-d{args.seconds}s",
        "--latency",
        "-H",
        f"Authorization: Api-Key {key}",
    ]
    if script:
        command += ["-s", str(script)]
    done = subprocess.run([*command, url], capture_output=True, text=True, check=True)  # noqa: S603
    out = done.stdout
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency = {p: float(v) * scale[u] for p, v, u in LATENCY.findall(out)}
    errors = STATUS.search(out)
    return {
        "rps": float(RATE.search(out).group(1)),
        "p50_ms": latency.get("50"),
        "p99_ms": latency.get("99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("bench/api.py needs wrk: apt-get install wrk")
    name = f"bench_api_{os.getpid()}"
    base = args.postgres.rsplit("/", 1)[0]
    _pg(args.postgres, f'CREATE DATABASE "{name}"')
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.api_settings",
        "DATABASE_URL": f"{base}/{name}",
        "REDIS_URL": args.redis,
        "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "API_CLIENT_RATE": "100000000/min",
        "LOG_LEVEL": "WARNING",
        "PYTHONWARNINGS": "ignore::UserWarning",
        "PYTHONPATH": str(ROOT),
    }
    server = None
    try:
        t0 = time.perf_counter()
        world = prepare(env)
        print(f"seeded the demo chain in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        server = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "retail.wsgi:application",
                f"--workers={args.workers}",
                f"--bind=127.0.0.1:{port}",
                "--log-level=warning",
            ],
            env=env,
            cwd=ROOT,
        )
        root = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{root}/healthz", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        results = run_all(root, world, args)
    finally:
        if server:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        _pg(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(report(results, args))
    return 0


def run_all(root: str, world: dict, args) -> dict:
    key, skus = world["key"], world["skus"]
    tmp = Path(tempfile.mkdtemp(prefix="bench-api-"))

    def basket(lines: int) -> Path:
        body = {
            "lines": [{"sku": sku, "quantity": 1 + i % 3} for i, sku in enumerate(skus[:lines])]
        }
        return lua_post(body, tmp / f"basket{lines}.lua")

    endpoints = {
        "trivial view": (f"{root}/bench/ping/", None),
        "/me/": (f"{root}/api/v1/me/", None),
        "basket 5 lines": (f"{root}/api/v1/pricing/basket/", basket(5)),
        "basket 20 lines": (f"{root}/api/v1/pricing/basket/", basket(20)),
        "prices 50 SKUs": (f"{root}/api/v1/pricing/prices/?sku={','.join(skus[:50])}", None),
    }
    for label, (url, script) in endpoints.items():  # warm every worker, check the answer
        wrk(url, key, argparse.Namespace(connections=4, seconds=1), script)
        if script is None:
            headers = {"Authorization": f"Api-Key {key}"}
            request = urllib.request.Request(url, headers=headers)  # noqa: S310
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
                assert answer.status == 200, (label, answer.status)
    results: dict = {label: [] for label in endpoints}
    loads = [os.getloadavg()[0]]
    for round_ in range(args.rounds):
        for label, (url, script) in endpoints.items():
            figures = wrk(url, key, args, script)
            results[label].append(figures)
            print(
                f"round {round_ + 1} {label}: {figures['rps']:.0f} req/s, "
                f"p50 {figures['p50_ms']:.1f} ms",
                file=sys.stderr,
            )
    loads.append(os.getloadavg()[0])
    shutil.rmtree(tmp, ignore_errors=True)
    return {"endpoints": results, "loads": loads}


def report(results: dict, args) -> str:
    endpoints = results["endpoints"]

    def median(label, field):
        return statistics.median(r[field] for r in endpoints[label])

    trivial = median("trivial view", "rps")
    lines = [
        f"gunicorn {args.workers} sync workers, wrk -t2 -c{args.connections} "
        f"{args.seconds} s x {args.rounds} alternated rounds (medians); "
        f"1-min load {results['loads'][0]:.1f} -> {results['loads'][1]:.1f}, "
        f"{os.cpu_count()} CPUs",
        "",
        f"{'endpoint':18} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'non-2xx':>8} {'x trivial':>10}",
    ]
    for label in endpoints:
        rps = median(label, "rps")
        errors = sum(r["non_2xx"] for r in endpoints[label])
        lines.append(
            f"{label:18} {rps:8.0f} {median(label, 'p50_ms'):8.1f} "
            f"{median(label, 'p99_ms'):8.1f} {errors:8d} {rps / trivial:9.2f}x"
        )
    lines.append("")
    for label, bound in TARGETS.items():
        ratio = median(label, "rps") / trivial
        lines.append(
            f"{label} >= {bound}x the trivial view: {ratio:.2f}x -> "
            f"{'PASS' if ratio >= bound else 'FAIL'}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
