"""Redeem stored value as tender, refund redemptions, expire due balances."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db.models import Case, F, Q, Sum, Value, When
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from loyalty.errors import InsufficientBalanceError
from loyalty.models import StoredValueEntry
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
from loyalty.services.stored_value.errors import (
    MinimumSpendNotMetError,
    RedemptionNotFoundError,
    RefundExceedsRedemptionError,
    VoucherPartialUseError,
    WrongChannelError,
)
from retail import locking
from retail.money import quantize
from retail.money_fields import money_expr


def restrictions_check(account, *, amount: Decimal, channel, order_amount) -> None:
    """Raise when a voucher's channel, minimum spend or single whole use forbids ``amount``.

    Only a voucher may be bound to a channel: gift cards and credit notes are
    usable in every channel of their currency (an e-gift card sold on the
    webshop pays at the tills and in the app).  A used (closed) voucher
    raises ``InsufficientBalanceError``.
    """
    if (
        account.kind == Account.Kind.VOUCHER
        and account.channel_id is not None
        and getattr(channel, "pk", channel) != account.channel_id
    ):
        raise WrongChannelError()
    channel_currency = getattr(channel, "currency", None)
    if channel_currency and channel_currency != account.currency:
        raise WrongChannelError(
            _("This card is in another currency than this channel's."),
            extra={"currency": account.currency},
        )
    if account.min_spend_amount is not None and (
        order_amount is None or Decimal(order_amount) < account.min_spend_amount
    ):
        raise MinimumSpendNotMetError(extra={"min_spend_amount": str(account.min_spend_amount)})
    if account.status == Account.Status.CLOSED:
        raise InsufficientBalanceError(gettext("This voucher has been used."))
    if account.kind == Account.Kind.VOUCHER and amount != account.balance:
        raise VoucherPartialUseError(extra={"amount": str(account.balance)})


def debit_update(account, *, amount: Decimal, at: datetime, release_held: Decimal = Decimal(0)):
    """Return the row count of ONE conditional UPDATE taking ``amount`` off the balance.

    ``release_held`` is the part of ``held`` that this debit consumes (a
    captured hold); a voucher closes with its single use.
    """
    free = money_expr(F("held") - release_held + amount)
    locking.rows_taken(Account, [account.pk])
    return (
        Account.objects.filter(usable_filter(at, account.currency), pk=account.pk)
        .filter(balance__gte=free)
        .update(
            balance=money_expr(F("balance") - amount),
            held=money_expr(F("held") - release_held),
            status=Case(
                When(kind=Account.Kind.VOUCHER, then=Value(Account.Status.CLOSED)),
                default=F("status"),
            ),
        )
    )


def stored_value_redeem(
    *,
    code: str,
    amount: Decimal,
    currency: str,
    source_key: str,
    pin: str | None = None,
    channel=None,
    order_amount: Decimal | None = None,
    at: datetime | None = None,
) -> StoredValueEntry:
    """Pay ``amount`` from the account; return the REDEEM entry (negative amount).

    Takes the money with ONE conditional UPDATE that re-checks status, expiry,
    currency and the free balance (balance - held), so concurrent redemptions
    can never overdraw.  A voucher must be used whole and closes.  Raises the
    lookup errors, ``WrongChannelError``, ``MinimumSpendNotMetError``,
    ``VoucherPartialUseError`` and ``InsufficientBalanceError``.
    """
    at = now_or(at)
    account = account_check(code=code, pin=pin, currency=currency, at=at)
    value = positive_amount(amount, currency)
    with locking.atomic():
        replay = entry_replay(
            source_key, kind=Entry.Kind.REDEEM, account_id=account.pk, amount=-value
        )
        if replay is not None:
            return replay
        restrictions_check(account, amount=value, channel=channel, order_amount=order_amount)
        if debit_update(account, amount=value, at=at) != 1:
            raise InsufficientBalanceError()
        return Entry.objects.create(
            account=account,
            kind=Entry.Kind.REDEEM,
            amount=-value,
            balance_after=balance_of(account.pk),
            source_key=source_key,
            channel=channel,
            at=at,
        )


def stored_value_refund(
    *,
    redemption_source_key: str,
    amount: Decimal | None = None,
    source_key: str,
    at: datetime | None = None,
) -> StoredValueEntry:
    """Reverse all (``amount=None``) or part of a redemption; return the REFUND entry.

    Locks the account row so that refunds of one redemption never add up to
    more than it took; a used voucher reopens.  Raises
    ``RedemptionNotFoundError``, ``InvalidAmountError`` and
    ``RefundExceedsRedemptionError``.
    """
    at = now_or(at)
    redemption = Entry.objects.filter(
        source_key=redemption_source_key, kind=Entry.Kind.REDEEM
    ).first()
    if redemption is None:
        raise RedemptionNotFoundError()
    with locking.atomic():
        (account,) = locking.rows_lock(Account.objects.filter(pk=redemption.account_id))
        replay_amount = None if amount is None else positive_amount(amount, account.currency)
        replay = entry_replay(
            source_key,
            kind=Entry.Kind.REFUND,
            account_id=account.pk,
            amount=replay_amount,
            reference=redemption_source_key,
        )
        if replay is not None:
            return replay
        refunded = Entry.objects.filter(
            kind=Entry.Kind.REFUND, reference=redemption_source_key, account=account
        ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
        left = -redemption.amount - refunded
        value = left if amount is None else replay_amount
        if value <= 0 or value > left:
            raise RefundExceedsRedemptionError(extra={"refundable": str(left)})
        reopen = account.kind == Account.Kind.VOUCHER and account.status == Account.Status.CLOSED
        Account.objects.filter(pk=account.pk).update(
            balance=money_expr(F("balance") + value),
            status=Account.Status.ACTIVE if reopen else F("status"),
        )
        return Entry.objects.create(
            account=account,
            kind=Entry.Kind.REFUND,
            amount=value,
            balance_after=quantize(account.balance + value, account.currency),
            source_key=source_key,
            reference=redemption_source_key,
            channel=redemption.channel,
            at=at,
        )


def stored_value_expire_due(*, at: datetime, batch_size: int = 200) -> int:
    """Zero the balance of every account expired by ``at``; return how many were expired.

    Each account is expired in its own transaction: its active holds are
    locked first (pk order, the same order as capture and release) and
    expired, then the account is claimed with SKIP LOCKED on PostgreSQL, so
    several workers may sweep at once.  The EXPIRE entry's key is derived
    from the last entry, so a re-run posts nothing twice.
    """
    done = 0
    due = Q(expires_at__lte=at) & (Q(balance__gt=0) | Q(held__gt=0))
    last_pk = 0
    while True:
        pks = list(
            Account.objects.filter(due, pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not pks:
            return done
        last_pk = pks[-1]
        for pk in pks:
            done += _expire_one(pk, at=at)


def _expire_one(pk: int, *, at: datetime) -> int:
    with locking.atomic():
        holds = locking.rows_lock(Hold.objects.filter(account_id=pk, status=Hold.Status.ACTIVE))
        account = next(
            iter(
                locking.rows_lock(
                    Account.objects.filter(pk=pk, expires_at__lte=at), skip_locked=True
                )
            ),
            None,
        )
        if account is None:
            return 0
        released = sum((hold.amount for hold in holds), Decimal(0))
        Hold.objects.filter(pk__in=[hold.pk for hold in holds]).update(
            status=Hold.Status.EXPIRED, closed_at=at
        )
        if account.balance <= 0:
            Account.objects.filter(pk=pk).update(held=money_expr(F("held") - released))
            return 0
        last = account.entries.order_by("-pk").values_list("pk", flat=True).first()
        Account.objects.filter(pk=pk).update(balance=0, held=money_expr(F("held") - released))
        Entry.objects.create(
            account=account,
            kind=Entry.Kind.EXPIRE,
            amount=-account.balance,
            balance_after=0,
            source_key=f"sv-expire:{pk}:after:{last}",
            at=at,
        )
        return 1
