"""PINs first: a wrong stored-value PIN is counted before the idempotent transaction opens."""

import pytest
from django.core.cache import cache

from loyalty.models import StoredValueAccount
from retail.models import IdempotencyRecord
from tests.loyalty.sv_helpers import issue

pytestmark = pytest.mark.django_db

REDEEM = "/api/v1/loyalty/stored-value/redeem/"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _redeem(api, code, pin, **headers):
    body = {"code": code, "pin": pin, "amount": "10.00", "currency": "DKK"}
    return api.post(REDEEM, body, format="json", **headers)


def _attempts() -> int:
    return StoredValueAccount.objects.get().failed_pin_attempts


def test_pins_first_wrong_pin_is_counted_and_never_claims_the_key(api):
    _, card = issue(amount="50.00", pin="1234")

    wrong = _redeem(api, card, "0000", HTTP_IDEMPOTENCY_KEY="pin-1")

    assert wrong.status_code == 403 and wrong.json()["code"] == "wrong_pin"
    assert _attempts() == 1
    assert not IdempotencyRecord.objects.filter(key="pin-1").exists()
    # The key is still free: the right PIN with it pays (no idempotency_key_reused).
    right = _redeem(api, card, "1234", HTTP_IDEMPOTENCY_KEY="pin-1")
    assert right.status_code == 201, right.json()
    assert _attempts() == 0


def test_pins_first_the_fifth_wrong_pin_locks_the_card_and_the_lock_stays(api):
    _, card = issue(amount="50.00", pin="1234")

    codes = [
        _redeem(api, card, "0000", HTTP_IDEMPOTENCY_KEY=f"lock-{i}").json()["code"]
        for i in range(5)
    ]

    assert codes == ["wrong_pin"] * 4 + ["stored_value_locked"]
    assert StoredValueAccount.objects.get().status == StoredValueAccount.Status.LOCKED


def test_pins_first_a_request_refused_before_its_transaction_tries_no_pin(api):
    _, card = issue(amount="50.00", pin="1234")

    response = _redeem(api, card, "0000")  # no Idempotency-Key

    assert response.json()["code"] == "idempotency_key_required"
    assert _attempts() == 0
