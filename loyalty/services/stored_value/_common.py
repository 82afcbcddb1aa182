"""Shared parts of the stored-value services: codes, validation, idempotency."""

from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.hashers import check_password
from django.db import DatabaseError, connection
from django.db.models import Case, F, Q, Value, When
from django.db.models.sql import UpdateQuery
from django.utils import timezone
from stdnum import luhn

from loyalty.errors import (
    SourceKeyReusedError,
    StoredValueExpiredError,
    StoredValueInactiveError,
    StoredValueLockedError,
    StoredValueNotFoundError,
    WrongCurrencyError,
    WrongPinError,
)
from loyalty.models import StoredValueAccount, StoredValueEntry, StoredValueHold
from loyalty.services.stored_value.errors import InvalidAmountError
from retail.money import quantize

CODE_LENGTH = 16
MAX_PIN_ATTEMPTS = 5

Account = StoredValueAccount
Entry = StoredValueEntry
Hold = StoredValueHold


def now_or(at: datetime | None) -> datetime:
    return at if at is not None else timezone.now()


def code_generate() -> str:
    """Return 15 random digits from ``secrets`` plus a Luhn check digit."""
    body = "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH - 1))
    return body + luhn.calc_check_digit(body)


def code_normalise(code: str) -> str:
    return "".join(str(code).split()).replace("-", "")


def code_is_well_formed(code: str) -> bool:
    return len(code) == CODE_LENGTH and code.isdigit() and luhn.is_valid(code)


def positive_amount(amount, currency: str) -> Decimal:
    """Quantize ``amount``; raise ``InvalidAmountError`` unless it is positive."""
    value = quantize(Decimal(amount), currency)
    if value <= 0:
        raise InvalidAmountError(field="amount")
    return value


def account_by_code(code: str) -> StoredValueAccount:
    """Return the account with ``code``; a malformed code fails without a query."""
    code = code_normalise(code)
    if not code_is_well_formed(code):
        raise StoredValueNotFoundError()
    account = Account.objects.filter(code=code).first()
    if account is None:
        raise StoredValueNotFoundError()
    return account


def usable_filter(at: datetime, currency: str) -> Q:
    """Rows an UPDATE may touch: active, unexpired, in ``currency`` (re-checked under the lock)."""
    return Q(status=Account.Status.ACTIVE, currency=currency) & (
        Q(expires_at__isnull=True) | Q(expires_at__gt=at)
    )


def account_check(
    *, code: str, pin: str | None, currency: str | None, at: datetime
) -> StoredValueAccount:
    """Return the account if it may be used now; raise the first problem found.

    A wrong PIN is counted with one UPDATE that survives a rollback of the
    caller's transaction (``_wrong_pin_count``) and locks the card after
    ``MAX_PIN_ATTEMPTS``; a correct PIN resets the counter.  Nothing else is
    written.
    """
    account = account_by_code(code)
    if account.status == Account.Status.LOCKED:
        raise StoredValueLockedError()
    if account.pin_hash:
        _pin_verify(account, pin)
    if account.status == Account.Status.INACTIVE:
        raise StoredValueInactiveError()
    if account.expires_at is not None and account.expires_at <= at:
        raise StoredValueExpiredError()
    if currency is not None and currency != account.currency:
        raise WrongCurrencyError(extra={"currency": account.currency})
    return account


def _pin_verify(account: StoredValueAccount, pin: str | None) -> None:
    if pin and check_password(pin, account.pin_hash):
        if account.failed_pin_attempts:
            Account.objects.filter(pk=account.pk).update(failed_pin_attempts=0)
            account.failed_pin_attempts = 0
        return
    _wrong_pin_count(account.pk)
    account.refresh_from_db(fields=["failed_pin_attempts", "status"])
    if account.status == Account.Status.LOCKED:
        raise StoredValueLockedError()
    raise WrongPinError(extra={"attempts_left": MAX_PIN_ATTEMPTS - account.failed_pin_attempts})


def _wrong_pin_changes() -> dict:
    """One more wrong PIN; the card locks at ``MAX_PIN_ATTEMPTS`` (a closed card stays closed)."""
    return {
        "failed_pin_attempts": F("failed_pin_attempts") + 1,
        "status": Case(
            When(
                Q(failed_pin_attempts__gte=MAX_PIN_ATTEMPTS - 1) & ~Q(status=Account.Status.CLOSED),
                then=Value(Account.Status.LOCKED),
            ),
            default=F("status"),
        ),
    }


def _wrong_pin_count(pk: int) -> None:
    """Count a wrong PIN so that it stays counted, whatever the caller's transaction does next.

    A wrong PIN usually fails the caller's transaction (the checkout, the
    redemption), and a counter written inside it would be rolled back with
    it: guessing PINs would cost nothing.  So inside a transaction on
    PostgreSQL the count is written on a connection of its own and committed
    at once.  When that connection cannot see the row (the card was created
    in the caller's still-open transaction) or cannot lock it within a
    second (the caller itself holds it), the count is written in the
    caller's transaction instead.  SQLite has one writer at a time, so there
    it is always written in-band.
    """
    if connection.in_atomic_block and connection.vendor == "postgresql" and _count_outside(pk):
        return
    Account.objects.filter(pk=pk).update(**_wrong_pin_changes())


def _count_outside(pk: int) -> bool:
    """Write the wrong-PIN count on its own autocommit connection; True when it was written."""
    query = Account.objects.filter(pk=pk).query.chain(UpdateQuery)
    query.add_update_values(_wrong_pin_changes())
    other = connection.copy()
    try:
        sql, params = query.get_compiler(connection=other).as_sql()
        with other.cursor() as cursor:
            # One transaction with a transaction-local timeout: behind PgBouncer's transaction
            # pooling a session SET would stay on a server connection other clients reuse.
            cursor.execute("BEGIN")
            cursor.execute("SET LOCAL lock_timeout = '1s'")
            cursor.execute(sql, params)
            written = cursor.rowcount == 1
            cursor.execute("COMMIT")
            return written
    except DatabaseError:
        return False
    finally:
        other.close()


def key_not_a_hold(source_key: str) -> None:
    if Hold.objects.filter(source_key=source_key).exists():
        raise SourceKeyReusedError()


def entry_replay(
    source_key: str,
    *,
    kind: str,
    account_id: int | None = None,
    amount: Decimal | None = None,
    reference: str | None = None,
) -> StoredValueEntry | None:
    """Return the entry already posted under ``source_key`` for this same operation.

    Returns ``None`` when the key is new; raises ``SourceKeyReusedError`` when
    the key was used for something else.
    """
    entry = Entry.objects.filter(source_key=source_key).first()
    if entry is None:
        key_not_a_hold(source_key)
        return None
    if (
        entry.kind != kind
        or (account_id is not None and entry.account_id != account_id)
        or (amount is not None and entry.amount != amount)
        or (reference is not None and entry.reference != reference)
    ):
        raise SourceKeyReusedError()
    return entry


def balance_of(account_id: int) -> Decimal:
    return Account.objects.filter(pk=account_id).values_list("balance", flat=True).get()
