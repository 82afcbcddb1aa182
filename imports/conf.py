"""Imports' settings, read at call time (tests override them with the ``settings`` fixture).

Defaults live in ``retail/settings.py``; nothing else in the app reads them.
"""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings


def time_zone() -> ZoneInfo:
    """The zone of dates without one, HQ's (``IMPORTS_TIME_ZONE``)."""
    return ZoneInfo(settings.IMPORTS_TIME_ZONE)


def price_change_warn_percent() -> Decimal:
    """A price change of this many percent or more is a warning to tick."""
    return Decimal(str(settings.IMPORTS_PRICE_CHANGE_WARN_PERCENT))


def max_errors() -> int:
    """Errors listed in a check report (``IMPORTS_MAX_ERRORS``); all are counted."""
    return settings.IMPORTS_MAX_ERRORS


def diff_sample() -> int:
    """Rows of the diff kept for the preview (``IMPORTS_DIFF_SAMPLE``)."""
    return settings.IMPORTS_DIFF_SAMPLE


def sql_chunk() -> int:
    """Values per ``IN (...)`` lookup; SQLite's old limit is 999 variables."""
    return settings.IMPORTS_LOOKUP_CHUNK
