"""Several gunicorn workers, one /metrics: the multiprocess directory sums what each counted."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scrape(port: int) -> dict[str, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        text = response.read().decode()
    totals: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            totals[sample.name] = totals.get(sample.name, 0) + sample.value
    return totals


def test_gunicorn_workers_metrics_are_summed_and_stale_samples_dropped_at_start(tmp_path):
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    (metrics_dir / "counter_stale.db").write_bytes(b"left by a previous run")
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "retail.settings_test",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "3",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:retail.gunicorn_conf"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                first = scrape(port)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert not (metrics_dir / "counter_stale.db").exists()  # emptied at start
        for _ in range(20):
            scrape(port)
        last = scrape(port)
        # Every scrape is a request some worker counted; the sum sees all of them.
        name = "django_http_requests_before_middlewares_total"
        assert last[name] - first[name] == 21
        assert len(list(metrics_dir.glob("counter_*.db"))) >= 1
    finally:
        proc.terminate()
        proc.wait(timeout=20)
