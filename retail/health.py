"""/healthz: is the database reachable, is the broker reachable, when did a worker last beat."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from retail.celery import app as celery_app

HEARTBEAT_CACHE_KEY = "retail:worker-heartbeat"


def _check_database() -> dict:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "vendor": connection.vendor, "ms": _ms(started)}


def _check_broker() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "eager"}
    started = time.perf_counter()
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "mode": "broker", "ms": _ms(started)}


def _worker_heartbeat() -> dict:
    beat = cache.get(HEARTBEAT_CACHE_KEY)
    if beat is None:
        return {"last_seen": None}
    return {"last_seen": beat, "age_seconds": int(timezone.now().timestamp() - beat)}


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


@never_cache
@require_GET
def healthz(request):
    """200 when the database and the broker answer, else 503; the worker beat is informative."""
    checks = {"database": _check_database(), "broker": _check_broker()}
    ok = all(check["ok"] for check in checks.values())
    checks["worker"] = _worker_heartbeat()
    return JsonResponse({"ok": ok, "checks": checks}, status=200 if ok else 503)
