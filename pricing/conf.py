"""Pricing's settings, read at call time (tests override them with the ``settings`` fixture).

Defaults live in ``retail/settings.py``; nothing else in the app reads them.
The engine never imports this module (it imports no Django): the loader
hands it what the settings decide.
"""

from __future__ import annotations

from django.conf import settings


def market_time_zone(market: str) -> str:
    """The time zone of a market (country code) for a channel without a store.

    ``PRICING_MARKET_TIME_ZONES``; a market missing there takes ``TIME_ZONE``.
    """
    return settings.PRICING_MARKET_TIME_ZONES.get(market, settings.TIME_ZONE)


def quote_cache_enabled() -> bool:
    """Whether web processes remember unit prices (``PRICING_QUOTE_CACHE``)."""
    return settings.PRICING_QUOTE_CACHE


def quote_cache_seconds() -> int:
    """The longest a remembered price lives (``PRICING_QUOTE_CACHE_SECONDS``)."""
    return settings.PRICING_QUOTE_CACHE_SECONDS
