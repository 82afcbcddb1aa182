"""Run work in real threads that start together: the harness of every concurrency test.

Each thread opens its own database connection before the start line (so
connecting is not part of the race) and closes it when it ends, so the work
really races on PostgreSQL; use with ``django_db(transaction=True)``.

Nothing here hangs a test run: a thread that does not reach the start line
within ``start_timeout`` seconds, or is still running ``timeout`` seconds
after the start, fails the test with an error naming it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

from django.db import connection

START_TIMEOUT = 30  # seconds for every thread to connect and reach the start line
TIMEOUT = 120  # seconds for all of them to finish; a shared CI machine is slow


class RaceError(AssertionError):
    """The race itself went wrong: a thread never started, hung, or was killed."""


def run_concurrently(
    callables: Sequence[Callable[[], object]],
    *,
    timeout: float = TIMEOUT,
    start_timeout: float = START_TIMEOUT,
) -> list:
    """Start every callable at the same moment; return each result or the Exception it raised.

    Results are in the order of ``callables``.  Raises RaceError when a
    thread did not reach the start line (it could not connect, or took
    longer than ``start_timeout``), is still running after ``timeout``, or
    died of something that is not an Exception (``pytest.fail``, SystemExit).
    """
    gate = threading.Event()  # set when all are at the start line, or the race is off
    barrier = threading.Barrier(len(callables), action=gate.set, timeout=start_timeout)
    results: list = [None] * len(callables)
    not_started: dict[int, BaseException] = {}
    fatal: dict[int, BaseException] = {}

    def worker(index: int, call: Callable[[], object]) -> None:
        try:
            try:
                connection.ensure_connection()
                barrier.wait()
            except BaseException as exc:
                barrier.abort()  # the others stop waiting for this one at once
                not_started[index] = exc
                gate.set()
                return
            try:
                results[index] = call()
            except Exception as exc:  # returned to the test, which asserts on it
                results[index] = exc
            except BaseException as exc:
                fatal[index] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=pair, name=f"race-{pair[0]}", daemon=True)
        for pair in enumerate(callables)
    ]
    for thread in threads:
        thread.start()
    gate.wait(start_timeout + 1)
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(deadline - time.monotonic(), 0))
    _raise_if_broken(threads, not_started, fatal, timeout=timeout, start_timeout=start_timeout)
    return results


def _raise_if_broken(threads, not_started, fatal, *, timeout, start_timeout) -> None:
    problems = []
    hung = [thread.name for thread in threads if thread.is_alive()]
    if hung:
        problems.append(f"still running {timeout}s after the start: {', '.join(hung)}")
    # A thread that failed to start breaks the barrier for all; name the cause, not the echoes.
    causes = {
        i: exc
        for i, exc in not_started.items()
        if not isinstance(exc, threading.BrokenBarrierError)
    }
    if not_started:
        problems.append(
            f"did not all reach the start line within {start_timeout}s: "
            + (", ".join(f"race-{i}: {exc!r}" for i, exc in sorted(causes.items())) or "timed out")
        )
    if fatal:
        problems.append(", ".join(f"race-{i} died of {exc!r}" for i, exc in sorted(fatal.items())))
    if problems:
        first = next(iter(causes.values()), None) or next(iter(fatal.values()), None)
        raise RaceError(f"{len(threads)} threads: " + "; ".join(problems)) from first


def run_in_threads(n: int, work: Callable[[int], object]) -> tuple[list, list[Exception]]:
    """Run ``work(i)`` in ``n`` threads at once; return (results, errors), each in thread order."""
    outcomes = run_concurrently([lambda i=i: work(i) for i in range(n)])
    errors = [o for o in outcomes if isinstance(o, Exception)]
    return [o for o in outcomes if not isinstance(o, Exception)], errors
