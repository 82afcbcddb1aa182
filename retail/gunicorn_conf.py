"""gunicorn settings for metrics from every worker: ``gunicorn -c python:retail.gunicorn_conf``.

With ``PROMETHEUS_MULTIPROC_DIR`` set, each worker (and each Celery worker
process on the same host) writes its samples to files there; ``/metrics``
sums them.  The directory is emptied when the master starts (samples of a
previous run would be counted again) and a dead worker's live gauges are
dropped.  Without the variable this file changes nothing but the defaults.
"""

import os
import shutil
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
wsgi_app = "retail.wsgi:application"


def on_starting(server) -> None:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
