"""The locust users of ``bench/load.py`` (a locustfile; ``load.py`` runs it headless).

``BENCH_LOAD_DATA`` names the JSON file ``load.py`` writes after seeding: the demo
keys, the SKUs with their prices, the hot SKUs, customers and gift cards.
``load.py`` names the users to run: ``MixUser`` (the realistic mix), ``Basket5User``
or ``PingUser`` (one operation only, for the throughput ratio).

A refusal the API is right to give under contention (409 ``insufficient_stock`` on
a hot SKU, 409 ``insufficient_balance`` on a gift card run dry) is a success of the
request and is counted again under the request type ``REFUSED``; anything else
that is not the expected status is an error.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import random
import uuid
from datetime import UTC, datetime

from locust import FastHttpUser, constant, task

with open(os.environ["BENCH_LOAD_DATA"]) as _file:
    DATA = json.load(_file)
PROXY = {"X-Forwarded-Proto": "https"}
WEB = {**PROXY, "Authorization": f"Api-Key {DATA['keys']['web']}"}
POS = {**PROXY, "Authorization": f"Api-Key {DATA['keys']['pos']}"}
REFUSALS = {"insufficient_stock", "insufficient_balance", "over_reservation"}
_receipts = itertools.count(1)


def _idem(headers: dict) -> dict:
    return {**headers, "Idempotency-Key": uuid.uuid4().hex}


class _Base(FastHttpUser):
    wait_time = constant(0)
    abstract = True

    def _call(self, method: str, path: str, name: str, headers: dict, ok=(200,), body=None):
        with self.client.request(
            method, path, name=name, headers=headers, json=body, catch_response=True
        ) as answer:
            if answer.status_code in ok:
                answer.success()
                return answer
            code = None
            with contextlib.suppress(Exception):  # a body that is not JSON is an error below
                code = answer.json().get("code")
            if answer.status_code in (409, 422) and code in REFUSALS:
                answer.success()
                self.environment.events.request.fire(
                    request_type="REFUSED",
                    name=name,
                    response_time=0,
                    response_length=0,
                    exception=None,
                    context={},
                )
                return None
            answer.failure(f"{answer.status_code} {code or answer.text[:200]}")
            return None

    def _basket(self, lines: int, name: str) -> None:
        skus = random.sample(DATA["skus"], lines)
        body = {
            "customer": random.choice(DATA["customers"]),
            "lines": [{"sku": sku, "quantity": random.randint(1, 3)} for sku in skus],
        }
        self._call("POST", "/api/v1/pricing/basket/", name, WEB, body=body)


class MixUser(_Base):
    """A webshop, its app and the Copenhagen tills at once."""

    @task(30)
    def listing_prices(self):
        skus = ",".join(random.sample(DATA["skus"], 24))
        self._call("GET", f"/api/v1/pricing/prices/?sku={skus}", "listing prices", WEB)

    @task(20)
    def availability(self):
        skus = ",".join(random.sample(DATA["skus"], 5))
        path = f"/api/v1/inventory/availability/?sku={skus}&store={DATA['store']}"
        self._call("GET", path, "availability", WEB)

    @task(15)
    def basket_5(self):
        self._basket(5, "basket 5 lines")

    @task(5)
    def basket_20(self):
        self._basket(20, "basket 20 lines")

    @task(6)
    def reservation(self):
        reference = f"bench-{uuid.uuid4().hex[:12]}"
        body = {
            "store": DATA["store"],
            "reference": reference,
            "reference_kind": "customer",
            "customer": random.choice(DATA["customers"]),
            "lines": [{"sku": random.choice(DATA["hot_skus"]), "quantity": 1}],
            "ttl_minutes": 10,
        }
        made = self._call(
            "POST", "/api/v1/inventory/reservations/", "reservation", _idem(WEB), (201,), body
        )
        if made is not None and random.random() < 0.5:  # half the baskets are abandoned
            self._call(
                "POST",
                f"/api/v1/inventory/reservations/{reference}/release/",
                "reservation release",
                WEB,
                (200,),
                {},
            )

    @task(4)
    def order_place(self):
        body = {
            "customer": random.choice(DATA["customers"]),
            "lines": [{"sku": sku, "quantity": 1} for sku in random.sample(DATA["hot_skus"], 2)],
            "fulfilment": "click_collect",
            "collect_store": DATA["store"],
            "tenders": [
                {"kind": "external", "external_reference": uuid.uuid4().hex, "provider": "card"}
            ],
        }
        self._call("POST", "/api/v1/orders/", "order place", _idem(WEB), (201,), body)

    @task(6)
    def pos_receipt(self):
        lines, total = [], 0
        for sku in random.sample(DATA["skus"], 3):
            price = DATA["prices"][sku]
            lines.append({"sku": sku, "quantity": 1, "unit_price": price, "total": price})
            total += round(float(price) * 100)
        body = {
            "receipt_id": f"BENCH-{os.getpid()}-{next(_receipts)}-{uuid.uuid4().hex[:6]}",
            "sold_at": datetime.now(UTC).isoformat(),
            "till": "1",
            "currency": DATA["currency"],
            "lines": lines,
            "tenders": [{"kind": "external", "amount": f"{total / 100:.2f}", "card_last4": "4242"}],
        }
        self._call("POST", "/api/v1/orders/receipts/", "pos receipt", POS, (201,), body)

    @task(4)
    def gift_card_redeem(self):
        body = {"code": random.choice(DATA["gift_cards"]), "amount": "5.00", "currency": "DKK"}
        self._call(
            "POST",
            "/api/v1/loyalty/stored-value/redeem/",
            "gift card redeem",
            _idem(POS),
            (201,),
            body,
        )

    @task(10)
    def ping(self):
        self._call("GET", "/bench/ping/", "trivial json", WEB)


class Basket5User(_Base):
    @task
    def basket_5(self):
        self._basket(5, "basket 5 lines")


class PingUser(_Base):
    @task
    def ping(self):
        self._call("GET", "/bench/ping/", "trivial json", WEB)
