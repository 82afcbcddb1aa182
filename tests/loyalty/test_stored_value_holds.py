"""Stored-value holds: hold -> capture, hold -> release, hold -> expire."""

from datetime import timedelta
from decimal import Decimal

import pytest

from loyalty.errors import HoldNotActiveError, InsufficientBalanceError, SourceKeyReusedError
from loyalty.services.stored_value import (
    hold_capture,
    hold_release,
    holds_expire,
    stored_value_book_check,
    stored_value_expire_due,
    stored_value_hold,
    stored_value_redeem,
    stored_value_refund,
)
from tests.loyalty.sv_helpers import AT, issue, ledger_sum, snapshot

pytestmark = pytest.mark.django_db

D = Decimal


def hold(code, amount, source_key, **kwargs):
    kwargs.setdefault("at", AT)
    return stored_value_hold(
        code=code, amount=D(amount), currency="DKK", source_key=source_key, **kwargs
    )


def test_hold_reserves_free_balance_and_retry_is_idempotent():
    account, code = issue()
    first = hold(code, "60", "h-1")
    assert hold(code, "60", "h-1") == first
    account.refresh_from_db()
    assert account.held == D("60.00") and account.balance == D("100.00")
    before = snapshot()
    with pytest.raises(InsufficientBalanceError):
        hold(code, "40.01", "h-2")
    with pytest.raises(InsufficientBalanceError):
        stored_value_redeem(code=code, amount=D("41"), currency="DKK", source_key="r", at=AT)
    with pytest.raises(SourceKeyReusedError):
        hold(code, "10", "h-1")
    assert snapshot() == before


def test_hold_capture_part_redeems_and_frees_the_rest():
    account, code = issue()
    hold(code, "60", "h-1")
    entry = hold_capture(hold_source_key="h-1", amount=D("45"), source_key="c-1", at=AT)
    assert hold_capture(hold_source_key="h-1", amount=D("45"), source_key="c-1", at=AT) == entry
    account.refresh_from_db()
    assert (account.balance, account.held) == (D("55.00"), D("0.00"))
    assert entry.kind == "redeem" and entry.amount == D("-45.00") and entry.balance_after == 55
    with pytest.raises(HoldNotActiveError):
        hold_release(hold_source_key="h-1", at=AT)
    stored_value_refund(redemption_source_key="c-1", source_key="f-1", at=AT)
    account.refresh_from_db()
    assert account.balance == D("100.00") == ledger_sum(account)
    assert stored_value_book_check() == []


def test_hold_release_gives_money_back_once():
    account, code = issue()
    hold(code, "60", "h-1")
    released = hold_release(hold_source_key="h-1", at=AT)
    assert released.status == "released" and hold_release(hold_source_key="h-1").pk == released.pk
    account.refresh_from_db()
    assert (account.balance, account.held) == (D("100.00"), D("0.00"))
    with pytest.raises(HoldNotActiveError):
        hold_capture(hold_source_key="h-1", source_key="c-1", at=AT)
    assert not account.entries.filter(kind="redeem").exists()


def test_holds_expire_then_capture_fails():
    account, code = issue()
    hold(code, "30", "h-1", ttl=timedelta(minutes=5))
    hold(code, "30", "h-2", ttl=timedelta(minutes=50))
    assert holds_expire(at=AT + timedelta(minutes=5)) == 1
    assert holds_expire(at=AT + timedelta(minutes=5)) == 0
    account.refresh_from_db()
    assert account.held == D("30.00")
    with pytest.raises(HoldNotActiveError):
        hold_capture(hold_source_key="h-1", source_key="c-1", at=AT + timedelta(minutes=6))
    assert stored_value_book_check() == []


def test_hold_capture_after_expiry_time_expires_the_hold():
    account, code = issue()
    hold(code, "30", "h-1", ttl=timedelta(minutes=5))
    with pytest.raises(HoldNotActiveError):
        hold_capture(hold_source_key="h-1", source_key="c-1", at=AT + timedelta(minutes=5))
    account.refresh_from_db()
    assert account.held == 0 and account.holds.get().status == "expired"
    assert stored_value_book_check() == []


def test_stored_value_expire_due_releases_holds():
    account, code = issue(expires_at=AT + timedelta(days=1))
    hold(code, "30", "h-1", ttl=timedelta(days=5))
    assert stored_value_expire_due(at=AT + timedelta(days=1)) == 1
    account.refresh_from_db()
    assert (account.balance, account.held) == (0, 0)
    assert account.holds.get().status == "expired"
    assert stored_value_book_check() == []


def test_hold_extend_keeps_the_hold_longer_but_never_shorter_nor_revives_it():
    from loyalty.services.stored_value import hold_extend

    _, code = issue()
    first = hold(code, "40", "h-ext", ttl=timedelta(hours=1))
    later = AT + timedelta(days=3)
    assert hold_extend(hold_source_key="h-ext", expires_at=later, at=AT).expires_at == later
    assert hold_extend(hold_source_key="h-ext", expires_at=AT, at=AT).expires_at == later
    assert holds_expire(at=AT + timedelta(hours=2)) == 0  # the extension holds
    with pytest.raises(HoldNotActiveError):
        hold_extend(hold_source_key="h-ext", expires_at=later + timedelta(days=1), at=later)
    hold_release(hold_source_key=first.source_key, at=AT)
    assert stored_value_book_check() == []
