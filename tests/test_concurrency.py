"""The race harness: results in order, and a loud error instead of a hung or hidden thread."""

import threading
import time

import pytest
from django.db.backends.base.base import BaseDatabaseWrapper

from tests.concurrency import RaceError, run_concurrently, run_in_threads

pytestmark = pytest.mark.django_db


def _before_start_line(monkeypatch, name: str, trouble) -> None:
    """Make the thread called ``name`` run ``trouble()`` when it connects."""
    connect = BaseDatabaseWrapper.ensure_connection

    def ensure_connection(self):
        if threading.current_thread().name == name:
            trouble()
        return connect(self)

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", ensure_connection)


def test_run_concurrently_returns_each_result_or_exception_in_order():
    results = run_concurrently([lambda: 1, lambda: 1 / 0, lambda: "three"])

    assert results[0] == 1
    assert isinstance(results[1], ZeroDivisionError)
    assert results[2] == "three"


def test_run_in_threads_splits_results_from_errors():
    results, errors = run_in_threads(4, lambda i: i if i % 2 else 1 / 0)

    assert results == [1, 3]
    assert [type(e) for e in errors] == [ZeroDivisionError, ZeroDivisionError]


def test_run_concurrently_names_a_thread_still_running_after_the_timeout():
    release = threading.Event()
    try:
        with pytest.raises(RaceError, match=r"still running 0.2s after the start: race-1$"):
            run_concurrently([lambda: None, lambda: release.wait(30)], timeout=0.2)
    finally:
        release.set()


def test_run_concurrently_names_the_thread_that_could_not_start(monkeypatch):
    def refuse():
        raise ConnectionError("too many clients")

    _before_start_line(monkeypatch, "race-2", refuse)

    with pytest.raises(RaceError, match=r"start line within 30s: race-2: ConnectionError"):
        run_concurrently([lambda: None] * 3, start_timeout=30)


def test_run_concurrently_barrier_times_out_for_a_late_thread(monkeypatch):
    _before_start_line(monkeypatch, "race-0", lambda: time.sleep(0.5))

    with pytest.raises(RaceError, match=r"start line within 0.1s: timed out"):
        run_concurrently([lambda: None] * 3, start_timeout=0.1)


def test_run_concurrently_reports_a_thread_that_died_of_a_base_exception():
    with pytest.raises(RaceError, match=r"race-1 died of .*boom"):
        run_concurrently([lambda: None, lambda: pytest.fail("boom")])
