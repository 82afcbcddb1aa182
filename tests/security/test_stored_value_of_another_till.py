"""Issue 16, "Stored value of another till": ledger keys are scoped per API client."""

from decimal import Decimal

import pytest

from loyalty.models import StoredValueAccount, StoredValueEntry
from tests.loyalty.sv_helpers import issue

pytestmark = pytest.mark.django_db

SV = "/api/v1/loyalty/stored-value"


def post(api, url, body, idem=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": idem} if idem else {}
    return api.post(url, body, format="json", **headers)


def balance(account) -> Decimal:
    account.refresh_from_db()
    return account.balance


def test_stored_value_till_b_cannot_capture_till_as_hold_by_naming_its_key(callers):
    """Till B captured till A's gift-card hold (POST .../holds/<A's key>/capture/ -> 201)."""
    account, code = issue(amount="100.00")
    held = post(
        callers.till_a.api, f"{SV}/holds/", {"code": code, "amount": "40", "currency": "DKK"}, "a-1"
    )
    assert held.status_code == 201, held.json()
    assert held.json()["source_key"] == "a-1"

    captured_by_b = post(callers.till_b.api, f"{SV}/holds/a-1/capture/", {}, "b-cap")
    released_by_b = post(callers.till_b.api, f"{SV}/holds/a-1/release/", {}, "b-rel")

    assert captured_by_b.status_code == 404 and captured_by_b.json()["code"] == "hold_not_found"
    assert released_by_b.status_code == 404 and released_by_b.json()["code"] == "hold_not_found"
    assert balance(account) == Decimal("100.00")
    captured_by_a = post(callers.till_a.api, f"{SV}/holds/a-1/capture/", {}, "a-cap")
    assert captured_by_a.status_code == 201, captured_by_a.json()
    assert balance(account) == Decimal("60.00")


def test_stored_value_till_b_cannot_refund_till_as_redemption_onto_the_card(callers):
    """Till B refunded A's redemption onto the card (POST .../refund/ with A's key -> 201)."""
    account, code = issue(amount="100.00")
    redeemed = post(
        callers.till_a.api,
        f"{SV}/redeem/",
        {"code": code, "amount": "30", "currency": "DKK"},
        "a-2",
    )
    assert redeemed.status_code == 201, redeemed.json()

    for named in ("a-2", redeemed.json()["source_key"]):
        refused = post(
            callers.till_b.api, f"{SV}/refund/", {"redemption_source_key": named}, f"b-{named}"
        )
        assert refused.status_code == 404, refused.json()
        assert refused.json()["code"] == "redemption_not_found"
    assert balance(account) == Decimal("70.00")
    for named, idem in (("a-2", "a-r1"), (redeemed.json()["source_key"], "a-r2")):
        own = post(
            callers.till_a.api,
            f"{SV}/refund/",
            {"redemption_source_key": named, "amount": "10"},
            idem,
        )
        assert own.status_code == 201, own.json()
    assert balance(account) == Decimal("90.00")


def test_stored_value_two_tills_using_the_same_key_strings_never_collide(callers):
    """B's 5.00 redemption with A's key was answered with A's entry and B's card not debited."""
    account_a, code_a = issue(amount="100.00")
    account_b, code_b = issue(amount="100.00")
    by_a = post(
        callers.till_a.api,
        f"{SV}/redeem/",
        {"code": code_a, "amount": "20", "currency": "DKK"},
        "1",
    )
    by_b = post(
        callers.till_b.api, f"{SV}/redeem/", {"code": code_b, "amount": "5", "currency": "DKK"}, "1"
    )

    assert by_a.status_code == by_b.status_code == 201, by_b.json()
    assert by_b.json()["code"] == code_b and by_b.json()["amount"] == "-5.00"
    assert by_b.json()["source_key"] != by_a.json()["source_key"]
    assert (balance(account_a), balance(account_b)) == (Decimal("80.00"), Decimal("95.00"))
    replay = post(
        callers.till_b.api, f"{SV}/redeem/", {"code": code_b, "amount": "5", "currency": "DKK"}, "1"
    )
    assert replay.json() == by_b.json() and replay.headers["Idempotent-Replayed"] == "true"
    assert balance(account_b) == Decimal("95.00")


def test_stored_value_till_b_selling_a_card_with_till_as_key_gets_a_card_of_its_own(callers):
    """B selling a new 100.00 card with A's key received A's card code and no card was made."""
    sold_a = post(
        callers.till_a.api,
        "/api/v1/loyalty/gift-cards/",
        {"amount": "50", "currency": "DKK"},
        "sale-1",
    )
    sold_b = post(
        callers.till_b.api,
        "/api/v1/loyalty/gift-cards/",
        {"amount": "100", "currency": "DKK"},
        "sale-1",
    )

    assert sold_a.status_code == sold_b.status_code == 201, sold_b.json()
    assert sold_b.json()["code"] != sold_a.json()["code"]
    assert StoredValueAccount.objects.get(code=sold_b.json()["code"]).balance == Decimal("100.00")
    assert StoredValueAccount.objects.count() == 2


def test_stored_value_rows_from_before_per_client_keys_stay_the_writers_own(callers):
    """A hold written as '<channel>:<key>' before the change is still captured by its till."""
    from retail.models import IdempotencyRecord

    account, code = issue(amount="100.00")
    held = post(
        callers.till_a.api,
        f"{SV}/holds/",
        {"code": code, "amount": "40", "currency": "DKK"},
        "old-1",
    )
    assert held.status_code == 201
    # As the row was written before keys were scoped per client:
    from loyalty.models import StoredValueHold

    StoredValueHold.objects.filter(source_key=f"api:{callers.till_a.client.pk}:old-1").update(
        source_key="POS-DK:old-1"
    )
    assert IdempotencyRecord.objects.filter(key="old-1").count() == 1

    by_b = post(callers.till_b.api, f"{SV}/holds/old-1/capture/", {}, "b-old")
    by_a = post(callers.till_a.api, f"{SV}/holds/old-1/capture/", {}, "a-old")

    assert by_b.status_code == 404
    assert by_a.status_code == 201, by_a.json()
    assert balance(account) == Decimal("60.00")
    assert StoredValueEntry.objects.filter(account=account, kind="redeem").count() == 1


def test_stored_value_till_b_cannot_put_till_as_redemption_on_its_receipt(db):
    """A receipt names the redemption its gift-card tender was paid with: only the till's own."""
    from django.utils import timezone

    from tests.orders.api_support import client_for
    from tests.orders.world import make_world

    world = make_world()
    till_a, till_b = client_for(world.pos, world.cph), client_for(world.pos, world.ros)
    code = world.gift_card("500.00")
    by_a = post(till_a, f"{SV}/redeem/", {"code": code, "amount": "200", "currency": "DKK"}, "gc-1")
    assert by_a.status_code == 201, by_a.json()

    def receipt(api, receipt_id, reference):
        return api.post(
            "/api/v1/orders/receipts/",
            {
                "receipt_id": receipt_id,
                "sold_at": timezone.now().isoformat(),
                "lines": [
                    {"sku": "SHIRT", "quantity": 1, "unit_price": "200.00", "total": "200.00"}
                ],
                "tenders": [{"kind": "gift_card", "amount": "200.00", "reference": reference}],
            },
            format="json",
        )

    for named in ("gc-1", by_a.json()["source_key"]):
        refused = receipt(till_b, f"B-{named}", named)
        assert refused.status_code == 400, refused.json()
        assert "tenders.0.reference" in refused.json()["fields"]
    assert receipt(till_a, "A-1", "gc-1").status_code == 201
