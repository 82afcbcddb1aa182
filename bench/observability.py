"""What observability costs a request: a JSON log line (with masking) and a timed, counted call.

No database: both are pure Python on the hot path of every request and task.

    .venv/bin/python bench/observability.py
"""

import io
import logging
import os
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "retail.settings_test")

import django

django.setup()

import structlog  # noqa: E402
from prometheus_client import Counter, Histogram  # noqa: E402

from retail import metrics  # noqa: E402
from retail.logs import formatter  # noqa: E402

N = 20_000


def main() -> None:
    spec = {k: v for k, v in formatter("json").items() if k != "()"}
    handler = logging.StreamHandler(io.StringIO())
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(**spec))
    bench_logger = logging.getLogger("bench.observability")
    bench_logger.handlers, bench_logger.propagate = [handler], False
    bench_logger.setLevel(logging.INFO)
    log = structlog.get_logger("bench.observability")
    structlog.contextvars.bind_contextvars(request_id="a" * 32, api_client_id=7, channel_id=3)

    def line():
        log.info("request_finished", code=200, request="POST /api/v1/pricing/basket/")

    counter = Counter("bench_calls", "bench", ["outcome"])
    histogram = Histogram("bench_seconds", "bench", buckets=metrics.FAST)

    @metrics.counted(counter, histogram, ok="ok")
    def wrapped():
        return None

    def bare():
        return None

    per_line = min(timeit.repeat(line, number=N, repeat=3)) / N
    per_call = (
        min(timeit.repeat(wrapped, number=N, repeat=3))
        - min(timeit.repeat(bare, number=N, repeat=3))
    ) / N
    print(f"JSON log line (context, masking, render): {per_line * 1e6:7.1f} µs")
    print(f"counted + timed service call overhead:   {per_call * 1e6:7.1f} µs")


if __name__ == "__main__":
    main()
