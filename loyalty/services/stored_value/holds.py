"""Holds: authorise an amount now, capture or release it later; holds expire."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial

from django.db.models import F
from django.utils.translation import gettext

from loyalty.errors import HoldNotActiveError, InsufficientBalanceError, SourceKeyReusedError
from loyalty.models import StoredValueEntry, StoredValueHold
from loyalty.services.stored_value._common import (
    Account,
    Entry,
    Hold,
    account_check,
    balance_of,
    entry_replay,
    now_or,
    positive_amount,
    usable_filter,
)
from loyalty.services.stored_value.errors import HoldNotFoundError, InvalidAmountError
from loyalty.services.stored_value.redemptions import debit_update, restrictions_check
from retail import locking
from retail.ledger import post_once
from retail.money_fields import money_expr

DEFAULT_HOLD_TTL = timedelta(minutes=30)


def _hold_replay(source_key: str, *, account_id: int, amount: Decimal) -> StoredValueHold | None:
    hold = Hold.objects.filter(source_key=source_key).first()
    if hold is None:
        if Entry.objects.filter(source_key=source_key).exists():
            raise SourceKeyReusedError()
        return None
    if hold.account_id != account_id or hold.amount != amount:
        raise SourceKeyReusedError()
    return hold


def stored_value_hold(
    *,
    code: str,
    amount: Decimal,
    currency: str,
    source_key: str,
    ttl: timedelta = DEFAULT_HOLD_TTL,
    pin: str | None = None,
    channel=None,
    order_amount: Decimal | None = None,
    at: datetime | None = None,
) -> StoredValueHold:
    """Reserve ``amount`` of the free balance until ``at + ttl``; return the hold.

    ONE conditional UPDATE ``held = held + amount WHERE balance - held >= amount``
    (and active, unexpired, right currency).  Raises the lookup errors, the
    voucher restrictions and ``InsufficientBalanceError``.
    """
    at = now_or(at)
    account = account_check(code=code, pin=pin, currency=currency, at=at)
    value = positive_amount(amount, currency)
    find = partial(_hold_replay, source_key, account_id=account.pk, amount=value)

    def post() -> StoredValueHold:
        if (replay := find()) is not None:
            return replay
        restrictions_check(account, amount=value, channel=channel, order_amount=order_amount)
        locking.rows_taken(Account, [account.pk])
        rows = (
            Account.objects.filter(usable_filter(at, currency), pk=account.pk)
            .filter(balance__gte=money_expr(F("held") + value))
            .update(held=money_expr(F("held") + value))
        )
        if rows != 1:
            raise InsufficientBalanceError()
        return Hold.objects.create(
            account=account,
            amount=value,
            source_key=source_key,
            channel=channel,
            created_at=at,
            expires_at=at + ttl,
        )

    return post_once(post=post, find=find)


def _hold_locked(hold_source_key: str) -> StoredValueHold:
    hold = next(iter(locking.rows_lock(Hold.objects.filter(source_key=hold_source_key))), None)
    if hold is None:
        raise HoldNotFoundError()
    return hold


def _hold_close(hold: StoredValueHold, *, status: str, at: datetime) -> None:
    """Free the held amount and put the (locked, active) hold in its final ``status``."""
    locking.rows_taken(Account, [hold.account_id])
    Account.objects.filter(pk=hold.account_id).update(held=money_expr(F("held") - hold.amount))
    hold.status = status
    hold.closed_at = at
    hold.save(update_fields=["status", "closed_at"])


def hold_capture(
    *,
    hold_source_key: str,
    amount: Decimal | None = None,
    source_key: str,
    at: datetime | None = None,
) -> StoredValueEntry:
    """Turn an active hold into a redemption of ``amount`` (default: all of it).

    Locks the hold row and re-checks its status, so a capture racing expiry
    or release leaves exactly one final state; the uncaptured rest is freed.
    The REDEEM entry's ``reference`` is the hold's key.  Raises
    ``HoldNotFoundError``, ``HoldNotActiveError`` (also for a hold past its
    expiry, which is then expired) and ``InvalidAmountError``.
    """
    at = now_or(at)
    with locking.atomic():
        replay = entry_replay(source_key, kind=Entry.Kind.REDEEM, reference=hold_source_key)
        if replay is not None:
            return replay
        hold = _hold_locked(hold_source_key)
        if hold.status != Hold.Status.ACTIVE:
            raise HoldNotActiveError(extra={"status": hold.status})
        if hold.expires_at <= at:
            _hold_close(hold, status=Hold.Status.EXPIRED, at=at)
        else:
            account = Account.objects.get(pk=hold.account_id)
            value = hold.amount if amount is None else positive_amount(amount, account.currency)
            if value > hold.amount:
                raise InvalidAmountError(gettext("More than the hold."), field="amount")
            # The account may have expired meanwhile; the captured money was
            # authorised before, so check the balance only, not the expiry.
            rows = debit_update(account, amount=value, at=hold.created_at, release_held=hold.amount)
            if rows != 1:
                raise HoldNotActiveError(gettext("The account can no longer be charged."))
            hold.status = Hold.Status.CAPTURED
            hold.closed_at = at
            hold.save(update_fields=["status", "closed_at"])
            return Entry.objects.create(
                account=account,
                kind=Entry.Kind.REDEEM,
                amount=-value,
                balance_after=balance_of(account.pk),
                source_key=source_key,
                reference=hold_source_key,
                channel=hold.channel,
                at=at,
            )
    # Only an expired hold gets here: its expiry is committed before the error.
    raise HoldNotActiveError(extra={"status": Hold.Status.EXPIRED})


def hold_release(*, hold_source_key: str, at: datetime | None = None) -> StoredValueHold:
    """Give a hold's amount back; a repeated release returns the released hold.

    Raises ``HoldNotFoundError`` and ``HoldNotActiveError`` (captured or expired).
    """
    at = now_or(at)
    with locking.atomic():
        hold = _hold_locked(hold_source_key)
        if hold.status == Hold.Status.RELEASED:
            return hold
        if hold.status != Hold.Status.ACTIVE:
            raise HoldNotActiveError(extra={"status": hold.status})
        _hold_close(hold, status=Hold.Status.RELEASED, at=at)
        return hold


def hold_extend(
    *, hold_source_key: str, expires_at: datetime, at: datetime | None = None
) -> StoredValueHold:
    """Keep an active hold until ``expires_at`` (never shortens it); return the hold.

    Used when an order waits longer than first planned (ready for pickup).
    Locks the hold and re-checks it, so an extension racing the expiry sweep
    leaves one answer.  Raises ``HoldNotFoundError`` and ``HoldNotActiveError``
    (also for a hold already past its expiry).
    """
    at = now_or(at)
    with locking.atomic():
        hold = _hold_locked(hold_source_key)
        if hold.status != Hold.Status.ACTIVE:
            raise HoldNotActiveError(extra={"status": hold.status})
        if hold.expires_at <= at:  # lapsed: the sweep expires it
            raise HoldNotActiveError(extra={"status": Hold.Status.EXPIRED})
        if expires_at > hold.expires_at:
            hold.expires_at = expires_at
            hold.save(update_fields=["expires_at"])
        return hold


def holds_expire(*, at: datetime, batch_size: int = 200) -> int:
    """Expire every active hold past its expiry and free its amount; return how many.

    Claims a batch of holds per transaction with SKIP LOCKED (on PostgreSQL),
    so it never waits for, nor double-closes, a hold being captured.
    """
    done = 0
    while True:
        with locking.atomic():
            holds = locking.rows_lock(
                Hold.objects.filter(status=Hold.Status.ACTIVE, expires_at__lte=at),
                skip_locked=True,
                limit=batch_size,
            )
            for hold in sorted(holds, key=lambda h: (h.account_id, h.pk)):
                _hold_close(hold, status=Hold.Status.EXPIRED, at=at)
        done += len(holds)
        if len(holds) < batch_size:
            return done
