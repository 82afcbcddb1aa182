"""Stored value: issue, lookup, redeem, refund, reload, adjust, expire, book check."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from loyalty.errors import (
    InsufficientBalanceError,
    SourceKeyReusedError,
    StoredValueExpiredError,
    StoredValueInactiveError,
    StoredValueLockedError,
    StoredValueNotFoundError,
    WrongCurrencyError,
    WrongPinError,
)
from loyalty.models import StoredValueAccount, StoredValueEntry
from loyalty.services.stored_value import (
    gift_card_activate,
    stored_value_adjust,
    stored_value_book_check,
    stored_value_expire_due,
    stored_value_issue,
    stored_value_lookup,
    stored_value_redeem,
    stored_value_refund,
    stored_value_reload,
)
from loyalty.services.stored_value._common import code_is_well_formed
from loyalty.services.stored_value.errors import (
    AlreadyActiveError,
    MinimumSpendNotMetError,
    NotReloadableError,
    ReasonRequiredError,
    RefundExceedsRedemptionError,
    VoucherPartialUseError,
    WrongChannelError,
)
from tests.factories import ChannelFactory
from tests.loyalty.sv_helpers import AT, issue, key, ledger_sum, snapshot

pytestmark = pytest.mark.django_db

D = Decimal


def redeem(code, amount, **kwargs):
    kwargs.setdefault("currency", "DKK")
    kwargs.setdefault("at", AT)
    kwargs.setdefault("source_key", key("redeem"))
    return stored_value_redeem(code=code, amount=D(amount), **kwargs)


def test_stored_value_issue_code_has_check_digit_and_pin_is_hashed():
    account, code = issue(pin="1234")
    assert code_is_well_formed(code) and account.code == code
    assert account.pin_hash and "1234" not in account.pin_hash
    assert account.status == "active" and account.balance == D("100.00")
    assert ledger_sum(account) == D("100.00")


def test_stored_value_issue_retry_returns_first_account():
    first = stored_value_issue(
        kind="credit_note", amount=D("50"), currency="DKK", source_key="ret-1", at=AT
    )
    again = stored_value_issue(
        kind="credit_note", amount=D("50"), currency="DKK", source_key="ret-1", at=AT
    )
    assert first == again
    assert StoredValueAccount.objects.count() == 1 and StoredValueEntry.objects.count() == 1
    with pytest.raises(SourceKeyReusedError):
        stored_value_issue(
            kind="credit_note", amount=D("60"), currency="DKK", source_key="ret-1", at=AT
        )


def test_gift_card_activate_on_payment():
    account, code = stored_value_issue(
        kind="gift_card", amount=None, currency="DKK", source_key="sale-1", at=AT
    )
    assert account.status == "inactive" and not account.entries.exists()
    with pytest.raises(StoredValueInactiveError):
        stored_value_lookup(code=code, at=AT)
    entry = gift_card_activate(code=code, amount=D("250"), source_key="pay-1", at=AT)
    assert gift_card_activate(code=code, amount=D("250"), source_key="pay-1", at=AT) == entry
    assert stored_value_lookup(code=code, at=AT).balance == D("250")
    with pytest.raises(AlreadyActiveError):
        gift_card_activate(code=code, amount=D("250"), source_key="pay-2", at=AT)


@pytest.mark.parametrize(
    ("mutate", "kwargs", "error"),
    [
        (None, {"code": "0000000000000000"}, StoredValueNotFoundError),
        ("bad_check_digit", {}, StoredValueNotFoundError),
        ("expired", {}, StoredValueExpiredError),
        ("inactive", {}, StoredValueInactiveError),
        (None, {"currency": "EUR"}, WrongCurrencyError),
        (None, {"pin": "9999"}, WrongPinError),
        (None, {"pin": None}, WrongPinError),
        (None, {"amount": "100.01"}, InsufficientBalanceError),
    ],
)
def test_stored_value_redeem_errors_write_nothing(mutate, kwargs, error):
    account, code = issue(pin="1234")
    if mutate == "bad_check_digit":
        code = code[:-1] + str((int(code[-1]) + 1) % 10)
    elif mutate == "expired":
        StoredValueAccount.objects.filter(pk=account.pk).update(expires_at=AT)
    elif mutate == "inactive":
        StoredValueAccount.objects.filter(pk=account.pk).update(status="inactive")
    call = {"code": code, "amount": "10", "pin": "1234", **kwargs}
    before = snapshot()
    with pytest.raises(error):
        redeem(call.pop("code"), call.pop("amount"), **call)
    assert snapshot() == before


def test_stored_value_lookup_bad_check_digit_needs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0), pytest.raises(StoredValueNotFoundError):
        stored_value_lookup(code="1234567812345678", at=AT)


def test_stored_value_lookup_locks_after_five_wrong_pins_and_correct_pin_resets():
    account, code = issue(pin="1234")
    for _ in range(4):
        with pytest.raises(WrongPinError):
            stored_value_lookup(code=code, pin="0000", at=AT)
    assert stored_value_lookup(code=code, pin="1234", at=AT).failed_pin_attempts == 0
    before = StoredValueEntry.objects.count()
    for _ in range(4):
        with pytest.raises(WrongPinError):
            stored_value_lookup(code=code, pin="0000", at=AT)
    with pytest.raises(StoredValueLockedError):
        stored_value_lookup(code=code, pin="0000", at=AT)
    with pytest.raises(StoredValueLockedError):
        stored_value_lookup(code=code, pin="1234", at=AT)
    account.refresh_from_db()
    assert account.status == "locked" and account.balance == D("100.00")
    assert StoredValueEntry.objects.count() == before


def test_stored_value_redeem_partial_and_retry_is_idempotent():
    account, code = issue()
    first = redeem(code, "30", source_key="rcpt-1")
    assert redeem(code, "30", source_key="rcpt-1") == first
    assert first.amount == D("-30.00") and first.balance_after == D("70.00")
    redeem(code, "70")
    account.refresh_from_db()
    assert account.balance == 0 == ledger_sum(account)
    with pytest.raises(SourceKeyReusedError):
        redeem(code, "5", source_key="rcpt-1")
    with pytest.raises(InsufficientBalanceError):
        redeem(code, "0.01")


def test_stored_value_refund_never_more_than_redeemed():
    account, code = issue()
    redeem(code, "40", source_key="r-1")
    stored_value_refund(redemption_source_key="r-1", amount=D("15"), source_key="f-1", at=AT)
    assert stored_value_refund(
        redemption_source_key="r-1", amount=D("15"), source_key="f-1", at=AT
    ).balance_after == D("75.00")
    with pytest.raises(RefundExceedsRedemptionError):
        stored_value_refund(redemption_source_key="r-1", amount=D("25.01"), source_key="f-2")
    rest = stored_value_refund(redemption_source_key="r-1", source_key="f-3", at=AT)
    assert rest.amount == D("25.00")
    with pytest.raises(RefundExceedsRedemptionError):
        stored_value_refund(redemption_source_key="r-1", source_key="f-4", at=AT)
    account.refresh_from_db()
    assert account.balance == D("100.00") == ledger_sum(account)


def test_voucher_single_use_channel_and_min_spend():
    web, pos = ChannelFactory(code="WEB-X"), ChannelFactory(code="POS-X", kind="pos")
    account, code = issue(kind="voucher", amount="50", channel=web, min_spend_amount=D("300"))
    before = snapshot()
    with pytest.raises(WrongChannelError):
        redeem(code, "50", channel=pos, order_amount=D("400"))
    with pytest.raises(MinimumSpendNotMetError):
        redeem(code, "50", channel=web, order_amount=D("299.99"))
    with pytest.raises(VoucherPartialUseError):
        redeem(code, "20", channel=web, order_amount=D("400"))
    assert snapshot() == before
    redeem(code, "50", channel=web, order_amount=D("400"))
    account.refresh_from_db()
    assert account.status == "closed" and account.balance == 0
    with pytest.raises(InsufficientBalanceError):
        redeem(code, "50", channel=web, order_amount=D("400"))


def test_stored_value_reload_only_when_reloadable():
    _, fixed = issue()
    with pytest.raises(NotReloadableError):
        stored_value_reload(code=fixed, amount=D("10"), currency="DKK", source_key=key(), at=AT)
    _account, code = issue(reloadable=True)
    entry = stored_value_reload(code=code, amount=D("10"), currency="DKK", source_key="rl", at=AT)
    assert entry.balance_after == D("110.00")


def test_stored_value_adjust_needs_reason_and_keeps_balance_non_negative(admin_user):
    _account, code = issue()
    with pytest.raises(ReasonRequiredError):
        stored_value_adjust(code=code, amount=D("-5"), reason=" ", source_key="a", actor=admin_user)
    with pytest.raises(InsufficientBalanceError):
        stored_value_adjust(
            code=code, amount=D("-100.01"), reason="x", source_key="a", actor=admin_user
        )
    entry = stored_value_adjust(
        code=code, amount=D("-5"), reason="till error", source_key="a", actor=admin_user, at=AT
    )
    assert entry.balance_after == D("95.00") and entry.reason == "till error"


def test_stored_value_expire_due_zeroes_balance_once():
    account, _code = issue(expires_at=AT + timedelta(days=1))
    issue()  # never expires
    assert stored_value_expire_due(at=AT) == 0
    assert stored_value_expire_due(at=AT + timedelta(days=1)) == 1
    assert stored_value_expire_due(at=AT + timedelta(days=2)) == 0
    account.refresh_from_db()
    assert account.balance == 0 == ledger_sum(account)
    assert account.entries.filter(kind="expire").count() == 1


def test_stored_value_book_check_and_command_report_drift():
    account, _ = issue()
    assert stored_value_book_check() == []
    call_command("stored_value_check")
    StoredValueAccount.objects.filter(pk=account.pk).update(balance=D("99"))
    drift = stored_value_book_check()
    assert [row["pk"] for row in drift] == [account.pk]
    with pytest.raises(CommandError):
        call_command("stored_value_check")
