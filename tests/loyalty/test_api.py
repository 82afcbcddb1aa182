"""The loyalty API: membership, points history and stored value."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache

from loyalty.api.throttling import MAX_FAILED
from loyalty.models import StoredValueAccount, StoredValueEntry
from tests.factories import CustomerFactory
from tests.loyalty.sv_helpers import AT, issue, key, snapshot

pytestmark = pytest.mark.django_db

SV = "/api/v1/loyalty/stored-value"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def post(api, url, body, idem=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": idem} if idem else {}
    return api.post(url, body, format="json", **headers)


def redeem(api, code, amount="10.00", currency="DKK", idem=None, **extra):
    body = {"code": code, "amount": amount, "currency": currency, **extra}
    return post(api, f"{SV}/redeem/", body, idem or key("redeem"))


def test_balance_shows_available_after_holds(api):
    _, code = issue(amount="100.00")
    assert post(api, f"{SV}/holds/", {"code": code, "amount": "30", "currency": "DKK"}, "h1")
    response = post(api, f"{SV}/balance/", {"code": code})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["kind"] == "gift_card"
    assert body["balance"] == "100.00"
    assert body["available"] == "70.00"
    assert body["currency"] == "DKK"
    assert body["expires_at"] is None


def test_redeem_writes_one_entry(api):
    account, code = issue(amount="100.00")
    response = redeem(api, code, amount="25.50")
    assert response.status_code == 201, response.json()
    assert response.json()["amount"] == "-25.50"
    assert response.json()["balance_after"] == "74.50"
    account.refresh_from_db()
    assert account.balance == Decimal("74.50")


def _bad_check_digit(code):
    return code[:-1] + str((int(code[-1]) + 1) % 10)


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("wrong_code", 404, "stored_value_not_found"),
        ("bad_check_digit", 404, "stored_value_not_found"),
        ("expired", 400, "stored_value_expired"),
        ("insufficient", 409, "insufficient_balance"),
        ("wrong_currency", 400, "wrong_currency"),
        ("not_the_channels_currency", 400, "invalid"),
        ("wrong_pin", 403, "wrong_pin"),
        ("locked", 423, "stored_value_locked"),
    ],
)
def test_redeem_errors_write_nothing(api, case, status, code):
    expires = AT + timedelta(days=1) if case == "expired" else None
    pin = "1234" if case in ("wrong_pin", "locked") else None
    # A card in another currency than the DKK channel's, presented as DKK.
    card_currency = "SEK" if case == "wrong_currency" else "DKK"
    account, card = issue(amount="50.00", currency=card_currency, expires_at=expires, pin=pin)
    if case == "locked":
        StoredValueAccount.objects.filter(pk=account.pk).update(status="locked")
    body = {"pin": "1234"} if case == "locked" else {"pin": "9999"} if pin else {}
    card = {"wrong_code": "0000000000000000", "bad_check_digit": _bad_check_digit(card)}.get(
        case, card
    )
    amount = "60.00" if case == "insufficient" else "10.00"
    currency = "SEK" if case == "not_the_channels_currency" else "DKK"
    before = snapshot()
    response = redeem(api, card, amount=amount, currency=currency, **body)
    assert (response.status_code, response.json()["code"]) == (status, code), response.json()
    assert set(response.json()) <= {"code", "message", "fields", "extra"}
    assert snapshot() == before


def test_five_wrong_pins_lock_the_card(api):
    account, card = issue(amount="50.00", pin="1234")
    codes = [
        post(api, f"{SV}/balance/", {"code": card, "pin": "0000"}).json()["code"] for _ in range(5)
    ]
    assert codes == ["wrong_pin"] * 4 + ["stored_value_locked"]
    account.refresh_from_db()
    assert account.status == "locked"


def test_redeem_replay_returns_first_answer_and_redeems_once(api):
    account, code = issue(amount="100.00")
    first = redeem(api, code, amount="10.00", idem="pay-1")
    again = redeem(api, code, amount="10.00", idem="pay-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    account.refresh_from_db()
    assert account.balance == Decimal("90.00")
    assert StoredValueEntry.objects.filter(account=account, kind="redeem").count() == 1


def test_writes_need_an_idempotency_key(api):
    _, code = issue(amount="100.00")
    response = api.post(
        f"{SV}/redeem/", {"code": code, "amount": "1", "currency": "DKK"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_required"


def test_hold_then_capture(api):
    account, code = issue(amount="100.00")
    hold = post(api, f"{SV}/holds/", {"code": code, "amount": "40", "currency": "DKK"}, "ord-7")
    assert hold.status_code == 201, hold.json()
    assert hold.json()["source_key"] == "ord-7"
    assert hold.json()["amount"] == "40.00"
    capture = post(api, f"{SV}/holds/ord-7/capture/", {"amount": "30.00"}, "cap-7")
    assert capture.status_code == 201, capture.json()
    assert capture.json()["amount"] == "-30.00"
    account.refresh_from_db()
    assert (account.balance, account.held) == (Decimal("70.00"), Decimal("0.00"))


def test_hold_then_release(api):
    account, code = issue(amount="100.00")
    post(api, f"{SV}/holds/", {"code": code, "amount": "40", "currency": "DKK"}, "ord-8")
    response = post(api, f"{SV}/holds/ord-8/release/", {}, "rel-8")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "released"
    account.refresh_from_db()
    assert (account.balance, account.held) == (Decimal("100.00"), Decimal("0.00"))


def test_refund_of_a_redemption(api):
    account, code = issue(amount="100.00")
    redeem(api, code, amount="20.00", idem="pay-9")
    response = post(api, f"{SV}/refund/", {"redemption_source_key": "pay-9"}, "ref-9")
    assert response.status_code == 201, response.json()
    account.refresh_from_db()
    assert account.balance == Decimal("100.00")


def test_sell_a_new_gift_card(api):
    response = post(api, "/api/v1/loyalty/gift-cards/", {"amount": "200", "currency": "DKK"}, "s1")
    assert response.status_code == 201, response.json()
    assert response.json()["balance_after"] == "200.00"
    assert StoredValueAccount.objects.get(code=response.json()["code"]).status == "active"


@pytest.mark.parametrize(
    ("url", "extra"),
    [("/api/v1/loyalty/gift-cards/", {}), (f"{SV}/redeem/", {"code": "0000000000000000"})],
    ids=["gift_card", "redeem"],
)
@pytest.mark.parametrize(
    ("currency", "error"), [("000", "invalid_choice"), ("SEK", "currency_mismatch")]
)
def test_currency_unknown_or_not_the_channels_is_400_on_currency(api, url, extra, currency, error):
    before = snapshot()
    response = post(api, url, {"amount": "200", "currency": currency, **extra}, key("c"))
    assert response.status_code == 400, response.json()
    assert response.json()["fields"]["currency"][0]["code"] == error
    assert snapshot() == before


def test_throttle_after_repeated_wrong_codes(api):
    _, good = issue(amount="100.00")
    for _ in range(MAX_FAILED):
        response = post(api, f"{SV}/balance/", {"code": "0000000000000000"})
        assert response.status_code == 404
    response = post(api, f"{SV}/balance/", {"code": good})
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"


def test_member_join_lookup_and_points(api):
    customer = CustomerFactory()
    joined = post(api, "/api/v1/loyalty/members/", {"customer": str(customer.public_id)}, "j1")
    assert joined.status_code == 201, joined.json()
    number = joined.json()["member_number"]
    again = post(api, "/api/v1/loyalty/members/", {"customer": str(customer.public_id)}, "j2")
    assert again.json()["code"] == "already_member"

    member = api.get(f"/api/v1/loyalty/members/{number}/")
    assert member.status_code == 200
    assert member.json()["customer"] == str(customer.public_id)
    assert member.json()["points_balance"] == joined.json()["points_balance"]

    history = api.get(f"/api/v1/loyalty/members/{number}/points/")
    assert history.status_code == 200
    assert history.json()["count"] == len(history.json()["results"])
    assert api.get("/api/v1/loyalty/members/NOPE/").json()["code"] == "not_found"


def test_member_join_unknown_customer_is_customer_not_found_as_everywhere(api):
    body = {"customer": "00000000-0000-0000-0000-000000000000"}
    response = post(api, "/api/v1/loyalty/members/", body, "j-unknown")
    assert response.status_code == 404
    assert response.json()["code"] == "customer_not_found"
    assert "customer" in response.json()["fields"]


def test_five_wrong_pins_on_redeem_lock_the_card_for_good(api):
    account, card = issue(amount="50.00", pin="1234")
    codes = [redeem(api, card, amount="1.00", pin="0000").json()["code"] for _ in range(5)]
    assert codes == ["wrong_pin"] * 4 + ["stored_value_locked"]
    account.refresh_from_db()
    assert account.status == "locked"
    assert redeem(api, card, amount="1.00", pin="1234").json()["code"] == "stored_value_locked"
    assert account.entries.filter(kind="redeem").count() == 0
