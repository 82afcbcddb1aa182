"""Run work in real threads that start together: the harness of every concurrency test.

Each thread has its own database connection (closed when it ends), so the
work really races on PostgreSQL; use with ``django_db(transaction=True)``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from django.db import connection


def run_concurrently(callables: Sequence[Callable[[], object]], *, timeout: float = 60) -> list:
    """Start every callable at the same moment; return each result or the exception it raised."""
    barrier = threading.Barrier(len(callables))
    results: list = [None] * len(callables)

    def worker(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # returned to the test, which asserts on it
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(callables)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results


def run_in_threads(n: int, work: Callable[[int], object]) -> tuple[list, list[Exception]]:
    """Run ``work(i)`` in ``n`` threads at once; return (results, errors) in finishing order."""
    outcomes = run_concurrently([lambda i=i: work(i) for i in range(n)])
    errors = [o for o in outcomes if isinstance(o, Exception)]
    return [o for o in outcomes if not isinstance(o, Exception)], errors
