"""Issue, activate, look up, reload and adjust gift cards, credit notes and vouchers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import partial

from django.contrib.auth.hashers import make_password
from django.db.models import F
from django.utils.translation import gettext

from loyalty.errors import InsufficientBalanceError, SourceKeyReusedError
from loyalty.models import StoredValueAccount, StoredValueEntry
from loyalty.services.stored_value._common import (
    Account,
    Entry,
    account_by_code,
    account_check,
    balance_of,
    code_generate,
    entry_replay,
    key_not_a_hold,
    now_or,
    positive_amount,
    usable_filter,
)
from loyalty.services.stored_value.errors import (
    AlreadyActiveError,
    InvalidAmountError,
    NotReloadableError,
    ReasonRequiredError,
)
from retail import locking
from retail.ledger import post_once
from retail.money import quantize
from retail.money_fields import money_expr


def stored_value_issue(
    *,
    kind: str,
    amount: Decimal | None,
    currency: str,
    source_key: str,
    customer=None,
    channel=None,
    expires_at: datetime | None = None,
    pin: str | None = None,
    is_physical: bool = False,
    reloadable: bool = False,
    min_spend_amount: Decimal | None = None,
    actor=None,
    at: datetime | None = None,
) -> tuple[StoredValueAccount, str]:
    """Create an account with a fresh code and return ``(account, code)``.

    Credit notes and vouchers are active at issue with an ISSUE entry of
    ``amount``.  A gift card with ``amount=None`` is created INACTIVE with a
    zero balance and is activated on payment by ``gift_card_activate``.
    ``channel`` is where it is issued (kept on the ISSUE entry); only a
    voucher is bound to it, gift cards and credit notes are usable in every
    channel of their currency.  A retry with the same ``source_key`` returns
    the first account; the key used for another operation raises
    ``SourceKeyReusedError``.
    """
    at = now_or(at)
    inactive = amount is None
    if inactive and kind != Account.Kind.GIFT_CARD:
        raise InvalidAmountError(gettext("Only a gift card may start inactive."), field="amount")
    value = None if inactive else positive_amount(amount, currency)
    # A concurrent retry may win the race for the unique key (a clash of the
    # random code is astronomically unlikely and simply fails the call).
    find = partial(_issue_replay, source_key, kind=kind, currency=currency, amount=value)

    def post() -> StoredValueAccount:
        if (replay := find()) is not None:
            return replay
        account = Account.objects.create(
            kind=kind,
            code=code_generate(),
            pin_hash=make_password(pin) if pin else "",
            currency=currency,
            balance=value or 0,
            status=Account.Status.INACTIVE if inactive else Account.Status.ACTIVE,
            is_physical=is_physical,
            reloadable=reloadable,
            customer=customer,
            channel=channel if kind == Account.Kind.VOUCHER else None,
            min_spend_amount=(
                None if min_spend_amount is None else quantize(min_spend_amount, currency)
            ),
            issued_at=at,
            expires_at=expires_at,
            issue_source_key=source_key,
        )
        locking.rows_created(Account, [account.pk])
        if not inactive:
            _issue_entry(
                account, amount=value, source_key=source_key, actor=actor, channel=channel, at=at
            )
        return account

    account = post_once(post=post, find=find)
    return account, account.code


def _issue_entry(account, *, amount, source_key, actor, channel, at) -> StoredValueEntry:
    """The ISSUE entry of the first load of ``amount`` onto an empty account."""
    return Entry.objects.create(
        account=account,
        kind=Entry.Kind.ISSUE,
        amount=amount,
        balance_after=amount,
        source_key=source_key,
        actor=actor,
        channel=channel,
        at=at,
    )


def _issue_replay(source_key, *, kind, currency, amount) -> StoredValueAccount | None:
    account = Account.objects.filter(issue_source_key=source_key).first()
    if account is None:
        key_not_a_hold(source_key)
        if Entry.objects.filter(source_key=source_key).exists():
            raise SourceKeyReusedError()
        return None
    if account.kind != kind or account.currency != currency:
        raise SourceKeyReusedError()
    if (
        amount is not None
        and not account.entries.filter(source_key=source_key, amount=amount).exists()
    ):
        raise SourceKeyReusedError()
    return account


def gift_card_activate(
    *,
    code: str,
    amount: Decimal,
    source_key: str,
    channel=None,
    actor=None,
    at: datetime | None = None,
) -> StoredValueEntry:
    """Activate an INACTIVE gift card on payment, loading ``amount``; return the ISSUE entry.

    One conditional UPDATE moves the card from INACTIVE to ACTIVE; raises
    ``AlreadyActiveError`` when it is not inactive, ``StoredValueNotFoundError``.
    """
    at = now_or(at)
    account = account_by_code(code)
    value = positive_amount(amount, account.currency)
    with locking.atomic():
        replay = entry_replay(
            source_key, kind=Entry.Kind.ISSUE, account_id=account.pk, amount=value
        )
        if replay is not None:
            return replay
        locking.rows_taken(Account, [account.pk])
        rows = Account.objects.filter(
            pk=account.pk, kind=Account.Kind.GIFT_CARD, status=Account.Status.INACTIVE, balance=0
        ).update(status=Account.Status.ACTIVE, balance=value)
        if rows != 1:
            raise AlreadyActiveError()
        return _issue_entry(
            account, amount=value, source_key=source_key, actor=actor, channel=channel, at=at
        )


def stored_value_lookup(
    *, code: str, pin: str | None = None, currency: str | None = None, at: datetime | None = None
) -> StoredValueAccount:
    """Return the usable account for ``code`` (balance lookup).

    Raises ``StoredValueNotFoundError`` (also for a wrong check digit, without
    a query), ``StoredValueLockedError``, ``WrongPinError`` (counted; the fifth
    locks the card), ``StoredValueInactiveError``, ``StoredValueExpiredError``
    and ``WrongCurrencyError``.  Writes nothing but the PIN counter.
    """
    return account_check(code=code, pin=pin, currency=currency, at=now_or(at))


def stored_value_reload(
    *,
    code: str,
    amount: Decimal,
    currency: str,
    source_key: str,
    pin: str | None = None,
    channel=None,
    actor=None,
    at: datetime | None = None,
) -> StoredValueEntry:
    """Add ``amount`` to a reloadable, active gift card; return the RELOAD entry.

    Raises ``NotReloadableError`` and the lookup errors.
    """
    at = now_or(at)
    account = account_check(code=code, pin=pin, currency=currency, at=at)
    if not account.reloadable:
        raise NotReloadableError()
    value = positive_amount(amount, currency)
    with locking.atomic():
        replay = entry_replay(
            source_key, kind=Entry.Kind.RELOAD, account_id=account.pk, amount=value
        )
        if replay is not None:
            return replay
        locking.rows_taken(Account, [account.pk])
        rows = Account.objects.filter(
            usable_filter(at, currency), pk=account.pk, reloadable=True
        ).update(balance=money_expr(F("balance") + value))
        if rows != 1:
            raise NotReloadableError()
        return Entry.objects.create(
            account=account,
            kind=Entry.Kind.RELOAD,
            amount=value,
            balance_after=balance_of(account.pk),
            source_key=source_key,
            actor=actor,
            channel=channel,
            at=at,
        )


def stored_value_adjust(
    *,
    code: str,
    amount: Decimal,
    reason: str,
    source_key: str,
    actor,
    at: datetime | None = None,
) -> StoredValueEntry:
    """Correct a balance by the signed ``amount`` with a ``reason``; return the ADJUST entry.

    One conditional UPDATE keeps the balance at or above what holds reserve;
    raises ``ReasonRequiredError``, ``InvalidAmountError`` (zero) and
    ``InsufficientBalanceError``.
    """
    at = now_or(at)
    if not (reason or "").strip():
        raise ReasonRequiredError(field="reason")
    account = account_by_code(code)
    value = quantize(Decimal(amount), account.currency)
    if value == 0:
        raise InvalidAmountError(field="amount")
    with locking.atomic():
        replay = entry_replay(
            source_key, kind=Entry.Kind.ADJUST, account_id=account.pk, amount=value
        )
        if replay is not None:
            return replay
        locking.rows_taken(Account, [account.pk])
        covered = money_expr(F("held") - value)
        rows = Account.objects.filter(pk=account.pk, balance__gte=covered).update(
            balance=money_expr(F("balance") + value)
        )
        if rows != 1:
            raise InsufficientBalanceError()
        return Entry.objects.create(
            account=account,
            kind=Entry.Kind.ADJUST,
            amount=value,
            balance_after=balance_of(account.pk),
            source_key=source_key,
            reason=reason.strip(),
            actor=actor,
            at=at,
        )
