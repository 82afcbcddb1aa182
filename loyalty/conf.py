"""Loyalty's settings, read at call time (tests override them with the ``settings`` fixture).

Defaults live in ``retail/settings.py``; nothing else in the app reads them.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings


def member_group_code() -> str:
    """The code of the customer group every club member is in (``LOYALTY_MEMBER_GROUP_CODE``)."""
    return settings.LOYALTY_MEMBER_GROUP_CODE


def signup_bonus() -> int:
    """Points credited on joining the club (``LOYALTY_SIGNUP_BONUS``; 0: none)."""
    return int(settings.LOYALTY_SIGNUP_BONUS)


def points_ttl() -> timedelta:
    """How long earned points stay valid (``LOYALTY_POINTS_TTL_DAYS``)."""
    return timedelta(days=settings.LOYALTY_POINTS_TTL_DAYS)


def points_per_unit(currency: str) -> Decimal:
    """Points earned per whole unit of ``currency`` spent (``LOYALTY_POINTS_PER_UNIT``)."""
    return Decimal(str(settings.LOYALTY_POINTS_PER_UNIT[currency]))


def point_value(currency: str) -> Decimal:
    """What one point is worth in ``currency`` (``LOYALTY_POINT_VALUE``)."""
    return Decimal(str(settings.LOYALTY_POINT_VALUE[currency]))
