"""Keys already checked, remembered per web process until any key, client or channel changes.

Checking an API key costs a query and a hash (about 4 ms a request, paid by
every API call).  A process remembers the keys it has checked, by a SHA-256 of
the whole key (never the key itself), with the client they belong to and the
key's expiry.  An entry is good only while the **key revision** it was made
under is current: one token in the shared cache (Redis in production), which
any change to a key, a client or a channel replaces (at once, and again
after its transaction commits) (``key_revision_bump``; the signal receivers below and
``api_key_revoke``).  So a revoked, rotated or disabled key is refused on the
very next request in every web process, and a process checks the token (one
cache read) instead of the key (a query and a hash).

Without a shared cache (``REDIS_URL`` unset: local memory is per process) the
remembered keys would not hear of a change made in another process, so the
memory is used only when ``RETAIL_API_KEY_CACHE`` says so; its default is on
exactly when Redis is configured.  If the shared cache fails, keys are checked
the slow way, never trusted from memory.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

logger = logging.getLogger(__name__)

REVISION_KEY = "retail:api-key-revision"
MAX_ENTRIES = 10_000  # keys remembered per process; beyond it the memory starts over


@dataclass(frozen=True)
class Entry:
    revision: str
    client: object  # retail.models.ApiClient, with channel and store loaded
    expires_at: datetime | None


class KeyMemory:
    """One web process's remembered keys (module-level :data:`memory`; tests make more)."""

    def __init__(self):
        self._entries: dict[str, Entry] = {}
        self._lock = threading.Lock()

    @staticmethod
    def digest(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()

    def revision(self) -> str | None:
        """The current key revision, or None when the shared cache cannot say."""
        if not enabled():
            return None
        cache = caches[settings.RETAIL_API_KEY_CACHE_ALIAS]
        try:
            revision = cache.get(REVISION_KEY)
            if revision is None:
                # Evicted or never set: a new random token, so no entry made under an
                # earlier one (which could have had any value) matches by accident.
                cache.add(REVISION_KEY, uuid.uuid4().hex, timeout=None)
                revision = cache.get(REVISION_KEY)
        except Exception:  # the cache is down: check keys the slow way
            logger.warning("API key revision unavailable; checking keys in the database")
            return None
        return revision

    def get(self, digest: str, revision: str | None) -> Entry | None:
        if revision is None:
            return None
        entry = self._entries.get(digest)
        return entry if entry is not None and entry.revision == revision else None

    def put(self, digest: str, entry: Entry) -> None:
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[digest] = entry

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


memory = KeyMemory()


def enabled() -> bool:
    return settings.RETAIL_API_KEY_CACHE


def key_revision_bump() -> None:
    """Make every process's remembered keys stale: now, and again once the transaction commits.

    Now, so that the rest of this transaction (and a test that never commits) sees
    the change; after the commit, because another process may have remembered the
    old state between the first bump and the commit.
    """
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    memory.clear()
    if not enabled():
        return
    try:
        caches[settings.RETAIL_API_KEY_CACHE_ALIAS].set(REVISION_KEY, uuid.uuid4().hex, None)
    except Exception:
        # Other processes cannot be told; they cannot read the revision either while
        # the cache is down, so they check keys the slow way meanwhile.
        logger.exception("API key revision could not be bumped")


def _changed(sender, **kwargs):
    key_revision_bump()


def receivers_connect() -> None:
    """Bump the revision on every save or delete of a key, a client or a channel."""
    from django.db.models.signals import post_delete, post_save

    from retail.models import ApiClient, ApiClientKey, Channel, Store

    for model in (ApiClientKey, ApiClient, Channel, Store):
        for signal in (post_save, post_delete):
            signal.connect(_changed, sender=model, dispatch_uid=f"api-key-rev-{model.__name__}")
