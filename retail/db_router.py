"""Reads that tolerate lag go to a PostgreSQL streaming replica; everything else to the primary.

Nothing goes to the replica by default.  A read-only view (or a selector
call) opts in explicitly with :func:`replica_reads`, as a decorator or a
context manager; the views that do are the ones whose answer may be a
moment old: availability lookups, price lookups, the catalogue and store
lists, campaign lists and a customer's purchase history.  Even inside
``replica_reads()`` a read stays on the primary when

* the request (or the block, outside a request) has written anything on the
  primary: ORM writes through :meth:`ReplicaRouter.db_for_write` and raw SQL
  through an execute wrapper on the primary connection, so the rest of that
  request reads its own writes;
* it runs inside a transaction on the primary (a service's reads belong to
  its transaction);
* the same caller wrote within the last ``RETAIL_REPLICA_PIN_SECONDS``
  (read-your-writes across requests: a webshop creates a reservation, then
  shows availability).  The caller is the ``X-Retail-Session`` header when
  sent (one shopper of a channel whose one key serves them all), else the
  API key's public prefix, else the session cookie.  The mark lives in the
  cache, so with Redis it holds across web processes.

``RETAIL_READ_REPLICA`` names the replica's alias (``"replica"`` when
``DATABASE_REPLICA_URL`` is set, else empty: the router then changes
nothing).  The replica is never migrated or written.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections

from retail import conf

logger = logging.getLogger(__name__)

REPLICA_ALIAS = "replica"
SESSION_HEADER = "X-Retail-Session"
PIN_KEY = "retail:replica-pin:"
# Statements that read, or only manage a transaction, on the primary: they do not pin.
_READS = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "SHOW", "SET LOCAL")


@dataclass
class _Scope:
    """One request's (or one block's) routing state."""

    caller: str | None = None
    depth: int = 0  # nested replica_reads() blocks now open
    written: bool = False
    pinned: bool | None = None  # looked up in the cache at the first routed read


_scope: contextvars.ContextVar[_Scope | None] = contextvars.ContextVar(
    "retail_replica_scope", default=None
)


def replica_alias() -> str:
    """The replica's database alias, or "" when reads all go to the primary."""
    alias = conf.read_replica()
    return alias if alias and alias in connections.settings else ""


def pin_seconds() -> int:
    return conf.replica_pin_seconds()


def _note_write(scope: _Scope) -> Callable:
    def wrapper(execute, sql, params, many, context):
        text = sql.lstrip()[:9].upper() if isinstance(sql, str) else ""
        if not scope.written and not text.startswith(_READS):
            scope.written = True
        return execute(sql, params, many, context)

    return wrapper


def _pinned(scope: _Scope) -> bool:
    if scope.pinned is None:
        try:
            scope.pinned = bool(
                scope.caller and pin_seconds() > 0 and cache.get(PIN_KEY + scope.caller)
            )
        except Exception:
            # Without the cache nobody can tell whether this caller just wrote: the primary.
            logger.warning("replica pin unknown (cache unavailable); reading on the primary")
            scope.pinned = True
    return scope.pinned


def read_alias() -> str | None:
    """Where a read may go now: the replica's alias, or None for the primary."""
    scope = _scope.get()
    if scope is None or scope.depth == 0 or scope.written:
        return None
    alias = replica_alias()
    if not alias or connections[DEFAULT_DB_ALIAS].in_atomic_block or _pinned(scope):
        return None
    return alias


def note_written() -> None:
    """Keep the rest of the current request (or block) on the primary."""
    scope = _scope.get()
    if scope is not None:
        scope.written = True


@contextlib.contextmanager
def _scoped(caller: str | None) -> Iterator[_Scope]:
    scope = _Scope(caller=caller)
    token = _scope.set(scope)
    try:
        with connections[DEFAULT_DB_ALIAS].execute_wrapper(_note_write(scope)):
            yield scope
    finally:
        _scope.reset(token)
    if scope.written and caller and pin_seconds() > 0:
        try:
            cache.set(PIN_KEY + caller, 1, pin_seconds())
        except Exception:
            # The write is committed; only the next read may be a moment old.
            logger.warning("replica pin not kept (cache unavailable)")


@contextlib.contextmanager
def _replica_block() -> Iterator[None]:
    scope = _scope.get()
    if scope is None:
        # Outside a request (a task, a shell): the block is its own scope.
        with _scoped(None) as scope, _opened(scope):
            yield
        return
    with _opened(scope):
        yield


@contextlib.contextmanager
def _opened(scope: _Scope) -> Iterator[None]:
    scope.depth += 1
    try:
        yield
    finally:
        scope.depth -= 1


class _ReplicaReads:
    """``with replica_reads():`` or ``@replica_reads()``; each use opens its own block."""

    def __enter__(self):
        self._block = _replica_block()
        self._block.__enter__()
        return self

    def __exit__(self, *exc):
        return self._block.__exit__(*exc)

    def __call__(self, func):
        @functools.wraps(func)
        def inner(*args, **kwargs):
            with _ReplicaReads():
                return func(*args, **kwargs)

        return inner


def replica_reads() -> _ReplicaReads:
    """Let the reads inside go to the replica, unless this request wrote or is in a transaction.

    Use on read-only views whose answer may lag the primary by a moment; as a
    decorator (``@replica_reads()``) or ``with replica_reads():``.
    """
    return _ReplicaReads()


def caller_key(request) -> str | None:
    """Who is asking, for read-your-writes across requests: a digest, never the secret."""
    shopper = request.headers.get(SESSION_HEADER, "")
    auth = request.headers.get("Authorization", "")
    keyword, _, key = auth.partition(" ")
    if keyword == "Api-Key" and key.strip():
        identity = "key:" + key.strip().partition(".")[0]
    elif settings.SESSION_COOKIE_NAME in request.COOKIES:
        identity = "session:" + request.COOKIES[settings.SESSION_COOKIE_NAME]
    else:
        identity = ""
    if not identity and not shopper:
        return None
    return hashlib.sha256(f"{identity}|{shopper}".encode()).hexdigest()[:32]


class ReplicaRoutingMiddleware:
    """One routing scope per request: what it writes keeps its later reads on the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_alias():
            return self.get_response(request)
        with _scoped(caller_key(request)):
            return self.get_response(request)


class ReplicaRouter:
    """Route ``replica_reads()`` reads to the replica; writes and migrations to the primary."""

    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        note_written()
        return None

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: an object read there relates to one read here.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA_ALIAS else None


def read_connection():
    """The connection a raw-SQL selector reads through: the replica inside ``replica_reads()``."""
    return connections[read_alias() or DEFAULT_DB_ALIAS]
