"""Celery queues by kind: every task has a queue; a long import never delays a notification."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction

from retail.celery import DEFAULT, QUEUE_OF_TASK, QUEUES, app, route_task

ROOT = Path(__file__).resolve().parents[2]


def test_queues_every_task_has_a_declared_queue_and_beat_only_sends_known_tasks():
    app.loader.import_default_modules()
    ours = {name for name in app.tasks if not name.startswith("celery.")}
    assert set(QUEUE_OF_TASK) <= ours, set(QUEUE_OF_TASK) - ours
    declared = set(django_settings.CELERY_TASK_QUEUES)
    assert declared == set(QUEUES)
    assert set(QUEUE_OF_TASK.values()) | {DEFAULT} <= declared
    assert django_settings.CELERY_TASK_DEFAULT_QUEUE == DEFAULT
    scheduled = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= ours
    # Unrouted: only the few that belong on the default queue.
    assert ours - set(QUEUE_OF_TASK) == {"retail.worker_heartbeat", "orders.audit_receipt_prices"}


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("orders.send_notification", "notifications"),
        ("orders.resend_notifications", "notifications"),
        ("inventory.apply_stock_feed", "stock_feeds"),
        ("imports.validate_run", "imports"),
        ("imports.apply_run", "imports"),
        ("inventory.expire_reservations", "sweeps"),
        ("orders.expire_uncollected", "sweeps"),
        ("loyalty.expire_holds", "sweeps"),
        ("retail.worker_heartbeat", "default"),
    ],
)
def test_queues_route_each_kind_to_its_queue(task, queue):
    route = route_task(task, (), {}, {})
    assert (route or {"queue": DEFAULT})["queue"] == queue
    # What a .delay() really publishes with: Celery's own router over our table.
    assert app.amqp.router.route({}, task)["queue"].name == queue


def _start_worker(queue: str, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    name = f"{queue}-{uuid.uuid4().hex[:6]}@{os.uname().nodename}"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "retail",
            "worker",
            "--pool=solo",
            f"--queues={queue}",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
            f"--hostname={name}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return proc, name


@pytest.fixture
def worker_per_queue(monkeypatch, tmp_path, settings):
    """A real worker on ``imports`` and another on ``notifications``, on the test database."""
    import redis

    mail_dir = tmp_path / "mail"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "retail.settings_test",
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "ORDERS_SMS_BACKEND": "orders.notifications.sms.FileSmsBackend",
        "ORDERS_SMS_FILE_PATH": str(tmp_path / "sms.log"),
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    # Messages earlier tests left on these queues are not this test's work.
    redis.Redis.from_url(os.environ["REDIS_URL"]).delete("imports", "notifications")
    workers = [_start_worker(queue, env) for queue in ("imports", "notifications")]
    try:
        deadline = time.monotonic() + 60
        names = [name for _, name in workers]
        while time.monotonic() < deadline:
            for proc, _ in workers:
                if proc.poll() is not None:
                    pytest.fail(f"celery worker exited early:\n{proc.stdout.read()}")
            replies = app.control.ping(destination=names, timeout=1)
            if len(replies) == len(names):
                break
        else:
            pytest.fail("the workers did not come up within 60 s")
        yield mail_dir
    finally:
        app.conf.task_always_eager = eager
        for proc, _ in workers:
            proc.terminate()
        for proc, _ in workers:
            try:
                output, _ = proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                output, _ = proc.communicate()
            assert "Traceback" not in output, output


IMPORT_ROWS = 40_000


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_queues_a_notification_is_sent_while_a_big_import_occupies_the_imports_worker(
    worker_per_queue,
):
    from imports.models import ImportRun
    from imports.services import import_run_create
    from orders.models import Notification
    from orders.services.notify import notification_queue
    from pricing.models import PriceList
    from retail.models import Product
    from tests.factories import CategoryFactory, VatClassFactory
    from tests.imports.helpers import csv_bytes
    from tests.orders.notify_support import AT, make_order

    category, vat = CategoryFactory(), VatClassFactory()
    Product.objects.bulk_create(
        Product(sku=f"Q-{i:06d}", name=f"Queued {i}", category=category, vat_class=vat)
        for i in range(IMPORT_ROWS)
    )
    PriceList.objects.create(code="PUBLIC", name="Public", currency="DKK")
    content = csv_bytes(
        ["price_list", "sku", "price", "valid_from", "valid_to"],
        [["PUBLIC", f"Q-{i:06d}", "19,95", "2030-01-01", ""] for i in range(IMPORT_ROWS)],
    )
    order = make_order(language="da", notify_sms=False)

    with transaction.atomic():
        run = import_run_create(kind="prices", file=content, file_name="big.csv")

    def run_status() -> str:
        return ImportRun.objects.values_list("status", flat=True).get(pk=run.pk)

    deadline = time.monotonic() + 30
    while run_status() == ImportRun.Status.UPLOADED and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run_status() == ImportRun.Status.VALIDATING  # the imports worker is busy with it

    queued_at = time.monotonic()
    with transaction.atomic():
        (row,) = notification_queue(order=order, kind=Notification.Kind.READY, at=AT)

    def both() -> tuple[str, str]:
        # One statement, one snapshot: the notification's status and the import's together.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT n.status, r.status FROM orders_notification n, imports_importrun r "
                "WHERE n.id = %s AND r.id = %s",
                [row.pk, run.pk],
            )
            return cursor.fetchone()

    while time.monotonic() < queued_at + 30:
        notification_status, import_status = both()
        if notification_status == Notification.Status.SENT:
            break
        time.sleep(0.02)
    sent_after = time.monotonic() - queued_at

    row.refresh_from_db()
    assert row.status == Notification.Status.SENT, (row.status, row.last_error)
    # Sent while the import was still being checked: it did not wait behind it.
    assert import_status == ImportRun.Status.VALIDATING, (import_status, sent_after)
    assert any(order.pickup_code in p.read_text() for p in worker_per_queue.glob("*.log"))

    deadline = time.monotonic() + 120
    while run_status() == ImportRun.Status.VALIDATING and time.monotonic() < deadline:
        time.sleep(0.2)
    assert run_status() == ImportRun.Status.PREVIEWED
    validated_in = time.monotonic() - queued_at
    print(f"notification sent after {sent_after:.2f} s; the import checked {validated_in:.1f} s")
