"""Inventory's settings, read at call time (tests override them with the ``settings`` fixture).

Defaults live in ``retail/settings.py``; nothing else in the app reads them.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def reservation_ttl() -> timedelta:
    """How long a reservation holds stock unless the caller says otherwise.

    ``INVENTORY_RESERVATION_TTL``: a ``timedelta`` or a number of seconds.
    """
    ttl = settings.INVENTORY_RESERVATION_TTL
    return ttl if isinstance(ttl, timedelta) else timedelta(seconds=ttl)


def feed_chunk_size() -> int:
    """Rows of a stock feed applied per transaction (``INVENTORY_FEED_CHUNK_SIZE``)."""
    return settings.INVENTORY_FEED_CHUNK_SIZE


def feed_lock_timeout_ms() -> int:
    """How long a feed chunk waits for a row lock before it is retried, in ms."""
    return settings.INVENTORY_FEED_LOCK_TIMEOUT_MS
