"""Issue 16, "Gift cards everywhere": gift cards and credit notes pay in every channel of their
market and currency; only vouchers may be bound to a channel."""

from decimal import Decimal

import pytest

from loyalty.models import StoredValueAccount
from tests.factories import ChannelFactory
from tests.loyalty.sv_helpers import issue
from tests.security.conftest import caller

pytestmark = pytest.mark.django_db

SV = "/api/v1/loyalty/stored-value"


def _redeem(api, code, amount, idem, currency="DKK"):
    return api.post(
        f"{SV}/redeem/",
        {"code": code, "amount": amount, "currency": currency},
        format="json",
        HTTP_IDEMPOTENCY_KEY=idem,
    )


def test_gift_card_sold_on_the_danish_webshop_pays_at_danish_tills_and_in_the_app(callers):
    """An e-gift card sold on the Danish webshop was refused at the tills and in the app."""
    app = caller(ChannelFactory(code="APP-DK", name="App DK", kind="app"), name="App")
    sold = callers.web.api.post(
        "/api/v1/loyalty/gift-cards/",
        {"amount": "300", "currency": "DKK"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="sell-1",
    )
    assert sold.status_code == 201, sold.json()
    code = sold.json()["code"]

    at_till = _redeem(callers.till_a.api, code, "100", "t-1")
    in_app = _redeem(app.api, code, "50", "app-1")
    on_webshop = _redeem(callers.web.api, code, "50", "w-1")

    assert at_till.status_code == 201, at_till.json()
    assert in_app.status_code == 201, in_app.json()
    assert on_webshop.status_code == 201, on_webshop.json()
    assert StoredValueAccount.objects.get(code=code).balance == Decimal("100.00")


def test_gift_card_of_one_currency_is_refused_by_a_channel_of_another(callers):
    """A Danish card is not money on the Norwegian webshop, whatever currency the call names."""
    account, code = issue(amount="100.00")

    refused = _redeem(callers.web_norway.api, code, "10", "no-1", currency="DKK")

    assert refused.status_code == 400, refused.json()
    assert refused.json()["code"] == "stored_value_wrong_channel"
    account.refresh_from_db()
    assert account.balance == Decimal("100.00")


def test_credit_note_pays_in_every_channel_but_a_voucher_stays_in_its_own(callers):
    _note, note_code = issue(kind="credit_note", amount="80.00", channel=callers.pos)
    _voucher, voucher_code = issue(kind="voucher", amount="50.00", channel=callers.pos)

    assert _redeem(callers.web.api, note_code, "30", "w-note").status_code == 201
    refused = _redeem(callers.web.api, voucher_code, "50", "w-voucher")
    assert refused.status_code == 400 and refused.json()["code"] == "stored_value_wrong_channel"
    assert _redeem(callers.till_b.api, voucher_code, "50", "t-voucher").status_code == 201
