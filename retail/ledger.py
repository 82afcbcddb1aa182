"""Post a ledger row once per source key, even when two posts of the same key race.

Every ledger (stock movements, points, stored value, coupon redemptions)
has a unique source key.  Its service looks for an earlier row first (under
the row lock where there is one); ``post_once`` covers what that look cannot
see: a concurrent post of the same key that commits between the look and our
insert, which then fails on the unique key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, transaction

T = TypeVar("T")


def post_once(
    *,
    post: Callable[[], T],
    find: Callable[[], T | None],
    conflicts: tuple[type[Exception], ...] = (IntegrityError,),
) -> T:
    """Run ``post`` in its own transaction (a savepoint when nested); keep the first result.

    When ``post`` raises one of ``conflicts`` (by default the IntegrityError
    of a duplicate source key), nothing of ours is kept and ``find()``'s
    answer, the winner's row, is returned; if it finds none, the error is
    re-raised.  ``find`` raises when the key was used for something else.
    """
    try:
        with transaction.atomic():
            return post()
    except conflicts:
        found = find()
        if found is None:
            raise
        return found
