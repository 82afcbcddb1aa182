"""The domain's Prometheus metrics, one place for every app's counters and timings.

The services import the metric they feed (``retail`` is below every app) and
count around their own work without changing it; the pure pricing engine
counts nothing, its callers do.  HTTP and database basics come from
django-prometheus.  With ``PROMETHEUS_MULTIPROC_DIR`` set (gunicorn workers,
Celery worker processes) every process writes its samples to files there and
``/metrics`` adds them up (see the README, "Observability").
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import transaction
from prometheus_client import Counter, Histogram

# Seconds: a basket prices in a few ms; a 100,000-row feed or import takes minutes.
FAST = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
SLOW = (0.01, 0.05, 0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0)

baskets_priced = Counter(
    "retail_baskets_priced",
    "Baskets priced for a client (API basket, checkout), by outcome (ok, error).",
    ["outcome"],
)
basket_pricing_seconds = Histogram(
    "retail_basket_pricing_seconds",
    "Time to price a basket with its Omnibus prices and hints.",
    buckets=FAST,
)
reservations = Counter(
    "retail_reservations",
    "Stock reservation calls, by outcome (made, refused: not enough stock).",
    ["outcome"],
)
reservation_seconds = Histogram(
    "retail_reservation_seconds", "Time to reserve a basket's stock.", buckets=FAST
)
orders_placed = Counter("retail_orders_placed", "Orders placed, by fulfilment.", ["fulfilment"])
order_place_seconds = Histogram(
    "retail_order_place_seconds", "Time to place an order (price, reserve, tenders).", buckets=FAST
)
notifications = Counter(
    "retail_notifications",
    "Notification send attempts, by medium and outcome (sent, retry, failed: gave up).",
    ["medium", "outcome"],
)
notification_send_seconds = Histogram(
    "retail_notification_send_seconds", "Time to render and send one notification.", buckets=FAST
)
feed_rows_applied = Counter(
    "retail_stock_feed_rows_applied", "Stock feed rows applied (read) by finished runs."
)
feed_apply_seconds = Histogram(
    "retail_stock_feed_apply_seconds", "Time to apply one stock feed run.", buckets=SLOW
)
import_rows_applied = Counter(
    "retail_import_rows_applied", "Spreadsheet import rows written (new + changed).", ["kind"]
)
import_apply_seconds = Histogram(
    "retail_import_apply_seconds", "Time to apply one spreadsheet import.", ["kind"], buckets=SLOW
)


def on_commit_inc(counter, amount: float = 1) -> None:
    """Count ``amount`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: counter.inc(amount))


@contextmanager
def timed(histogram) -> Iterator[None]:
    """Observe the seconds the block took on ``histogram``, whether it raised or not.

    Also a decorator: ``@timed(histogram)`` times every call of the function.
    """
    start = time.perf_counter()
    try:
        yield
    finally:
        histogram.observe(time.perf_counter() - start)


def counted(
    counter,
    histogram,
    *,
    ok: str,
    refused: tuple[type[BaseException], ...] = (),
    refused_outcome: str = "refused",
    ok_on_commit: bool = False,
) -> Callable[[Callable], Callable]:
    """Decorate a service: time every call, count it as ``ok`` or, raising ``refused``, refused.

    Any other exception is timed but not counted: it is neither outcome.
    ``ok_on_commit``: count ``ok`` only when the caller's transaction commits
    (a reservation inside an order that is then rolled back was not made).
    The service's arguments, result and exceptions are untouched.
    """

    def decorate(function: Callable) -> Callable:
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                result = function(*args, **kwargs)
            except refused:
                counter.labels(outcome=refused_outcome).inc()
                raise
            finally:
                histogram.observe(time.perf_counter() - start)
            if ok_on_commit:
                on_commit_inc(counter.labels(outcome=ok))
            else:
                counter.labels(outcome=ok).inc()
            return result

        return wrapper

    return decorate
