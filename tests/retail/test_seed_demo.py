"""``manage.py seed_demo``: a realistic chain, the same on every run, and never twice."""

import io
import json
import random
import re
from datetime import date
from decimal import Decimal

import phonenumbers
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from retail.demo.builder import SeedConfig, Step, demo_seed, demo_steps
from retail.demo.data.locations import CITIES_BY_CODE, HANDMADE_STORES
from retail.demo.products import product_specs
from retail.gtin import gtin_validate
from retail.models import (
    Category,
    Channel,
    Customer,
    CustomerConsentEvent,
    CustomerExternalId,
    Product,
    ProductGtin,
    StaffProfile,
    Store,
    VatRate,
)

SMALL = ("--stores", "4", "--products", "60", "--customers", "30")
KEY_LINE = re.compile(
    r"^  (?P<client>\S.*?)\s+(?P<channel>[A-Z]{3}-[A-Z]{2})\s+(?P<store>[A-Z]{2}-[A-Z0-9]+)?\s*"
    r"(?P<key>[A-Za-z0-9]{8}\.[A-Za-z0-9]{32})$",
    re.MULTILINE,
)
MARKETS = {"DK": ("DKK", "da"), "SE": ("SEK", "sv"), "NO": ("NOK", "nb")}


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *(args or SMALL), "--no-progress", stdout=out)
    return out.getvalue()


def printed_keys(output: str) -> list[dict]:
    return [match.groupdict() for match in KEY_LINE.finditer(output)]


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models(include_auto_created=True)
    }


def snapshot() -> dict:
    """The generated data as plain JSON values, leaving out database ids and row timestamps."""
    rows = {
        "stores": list(
            Store.objects.order_by("code").values_list(
                "code", "name", "street", "postal_code", "phone", "latitude", "longitude"
            )
        ),
        "products": [
            (p.sku, p.name, p.brand.code, p.category.code, p.unit_cost_amount, p.attributes)
            for p in Product.objects.select_related("brand", "category").order_by("sku")
        ],
        "gtins": list(
            ProductGtin.objects.order_by("gtin14").values_list(
                "product__sku", "gtin", "pack_quantity", "is_primary"
            )
        ),
        "customers": list(
            Customer.objects.order_by("public_id").values_list(
                "public_id",
                "email",
                "phone",
                "member_number",
                "first_name",
                "email_marketing_consent_at",
                "sms_marketing_consent_at",
                "preferred_store__code",
            )
        ),
        "events": sorted(
            CustomerConsentEvent.objects.values_list("customer__public_id", "kind", "granted", "at")
        ),
        "external_ids": sorted(
            CustomerExternalId.objects.values_list("customer__public_id", "channel__code", "value")
        ),
        "users": sorted(get_user_model().objects.values_list("username", "first_name", "email")),
    }
    return json.loads(json.dumps(rows, default=str))


@pytest.fixture
def seeded(db) -> str:
    return seed()


def test_seed_demo_creates_channels_for_three_markets(seeded):
    channels = {c.code: c for c in Channel.objects.all()}
    for country, (currency, language) in MARKETS.items():
        for prefix, kind in (("WEB", "webshop"), ("APP", "app"), ("POS", "pos")):
            channel = channels[f"{prefix}-{country}"]
            assert (channel.kind, channel.country, channel.currency, channel.language) == (
                kind,
                country,
                currency,
                language,
            )
    assert channels["MKT-DK"].kind == Channel.Kind.MARKETPLACE


def test_seed_demo_creates_a_warehouse_and_stores_with_addresses_and_hours(seeded):
    warehouse = Store.objects.get(kind=Store.Kind.WAREHOUSE)
    assert (warehouse.code, warehouse.click_and_collect) == ("DK-WH01", False)
    stores = list(Store.objects.filter(kind=Store.Kind.STORE))
    assert [s.code for s in stores] == ["DK-AAR01", "DK-CPH01", "NO-OSL01", "SE-STO01"]
    zones = {"DK": "Europe/Copenhagen", "SE": "Europe/Stockholm", "NO": "Europe/Oslo"}
    for store in stores:
        assert store.time_zone == zones[store.country.code]
        assert Decimal(54) < store.latitude < Decimal(72)
        assert Decimal(4) < store.longitude < Decimal(32)
        assert store.street and store.postal_code and store.city
        assert phonenumbers.is_valid_number(store.phone)
        assert store.opening_hours.filter(weekday__lt=5).count() == 5
        closed = set(store.special_hours.filter(is_closed=True).values_list("date", flat=True))
        assert {date(2026, 12, 24), date(2026, 12, 25)} <= closed
    assert any(store.click_and_collect for store in stores)
    # Norway's shop-opening law: closed on Sundays.
    norway = [store for store in stores if store.country == "NO"]
    assert norway and not any(s.opening_hours.filter(weekday=6).exists() for s in norway)


def test_seed_demo_vat_has_swedish_food_rate_change(seeded):
    rates = VatRate.objects.filter(country="SE", vat_class__code="FOOD").order_by("valid_from")
    assert [(r.rate, r.valid_to) for r in rates] == [
        (Decimal("12.00"), date(2026, 4, 1)),
        (Decimal("6.00"), None),
    ]
    assert rates[1].valid_from == date(2026, 4, 1)
    for rate in VatRate.objects.all():
        rate.full_clean()  # no overlapping periods


def test_seed_demo_products_have_valid_gtins_in_a_category_tree(seeded):
    products = Product.objects.select_related("category", "vat_class").prefetch_related("gtins")
    assert len(products) == 60
    assert Category.objects.filter(depth=3).exists()
    for product in products:
        assert re.fullmatch(r"SKU-\d{6}", product.sku)
        assert isinstance(product.unit_cost_amount, Decimal) and product.unit_cost_amount > 0
        assert product.category.is_leaf() and product.category.depth > 1
        in_food = product.category.code.startswith("FOOD-")
        assert (product.vat_class.code == "FOOD") == in_food
        primary = [g for g in product.gtins.all() if g.is_primary]
        assert len(primary) == 1 and len(primary[0].gtin) == 13
        for gtin in product.gtins.all():
            assert gtin_validate(gtin.gtin) == gtin.gtin
            assert gtin.gtin14 == gtin.gtin.zfill(14)


def test_product_specs_are_valid_stable_and_about_five_percent_multipacks():
    specs = product_specs(rng=random.Random("42:products"), count=2000)
    gtins = [s.gtin for s in specs] + [s.pack_gtin for s in specs if s.pack_gtin]
    assert len(set(gtins)) == len(gtins)
    assert all(gtin_validate(gtin) for gtin in gtins)
    packs = [s for s in specs if s.pack_gtin]
    assert 60 <= len(packs) <= 140
    assert {s.pack_quantity for s in packs} == {6, 12}
    assert all(len(s.pack_gtin) == 14 and s.pack_gtin[1:13] == s.gtin[:12] for s in packs)
    assert product_specs(rng=random.Random("42:products"), count=50) == specs[:50]
    assert product_specs(rng=random.Random("7:products"), count=50) != specs[:50]


def test_seed_demo_customers_have_consents_matching_their_events(seeded):
    customers = list(Customer.objects.prefetch_related("consent_events", "groups"))
    assert len(customers) == 30
    emails = [c.email.lower() for c in customers if c.email]
    assert len(emails) == len(set(emails))
    assert any(c.email_marketing_consent for c in customers)
    assert CustomerExternalId.objects.filter(channel__code__startswith="WEB-").exists()
    for customer in customers:
        assert customer.language in {"da", "sv", "nb"}
        for kind in ("email", "sms"):
            events = sorted(
                (e for e in customer.consent_events.all() if e.kind == kind), key=lambda e: e.at
            )
            state = getattr(customer, f"{kind}_marketing_consent")
            at = getattr(customer, f"{kind}_marketing_consent_at")
            if events:
                assert (events[-1].granted, events[-1].at) == (state, at)
            else:
                assert (state, at) == (False, None)
        codes = {g.code for g in customer.groups.all()}
        assert ("MEMBER" in codes) == bool(customer.member_number)


def test_seed_demo_gives_every_store_a_manager_and_a_clerk(seeded):
    users = get_user_model().objects
    for store in Store.objects.filter(kind=Store.Kind.STORE):
        for prefix, role, group, is_staff in (
            ("manager", "store_manager", "Store manager", True),
            ("clerk", "store_clerk", "Store clerk", False),
        ):
            user = users.get(username=f"{prefix}-{store.code.lower()}")
            assert user.staff_profile.role == role
            assert list(user.staff_profile.stores.all()) == [store]
            assert list(user.groups.values_list("name", flat=True)) == [group]
            assert user.is_staff is is_staff
            assert user.check_password("demo-password")
    admin = users.get(username="admin")
    assert admin.is_superuser and admin.check_password("admin")
    assert admin.staff_profile.role == "hq"
    assert users.get(username="hq").staff_profile.role == "hq"
    marketer = users.get(username="marketer")
    assert marketer.staff_profile.role == "marketer" and marketer.is_staff
    assert list(marketer.groups.values_list("name", flat=True)) == ["Marketer"]
    assert marketer.check_password("demo-password")
    assert StaffProfile.objects.count() == 3 + 2 * 4


def test_seed_demo_printed_api_keys_authenticate_as_their_client(seeded):
    keys = printed_keys(seeded)
    assert {k["channel"] for k in keys} == {
        "WEB-DK", "WEB-SE", "WEB-NO", "APP-DK", "POS-DK", "POS-SE", "POS-NO"
    }  # fmt: skip
    for key in keys:
        api = APIClient()
        response = api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Api-Key {key['key']}")
        assert response.status_code == 200, key
        body = response.json()
        assert (body["name"], body["channel"]["code"], body["store"]) == (
            key["client"],
            key["channel"],
            key["store"],
        )


def test_seed_demo_twice_adds_nothing_and_prints_the_same_keys(seeded):
    before = row_counts()
    again = seed()
    assert row_counts() == before
    assert printed_keys(again) == printed_keys(seeded)
    assert "; 0 rows created in this run." in again


def test_seed_demo_builds_the_same_chain_on_an_empty_database(seeded):
    first = snapshot()
    if connection.vendor == "postgresql":
        # TRUNCATE refuses while the seed's deferred foreign-key checks are pending.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", "--noinput", verbosity=0)
    assert not Product.objects.exists()
    again = seed()
    assert snapshot() == first
    assert printed_keys(again) == printed_keys(seeded)


@pytest.mark.django_db
def test_seed_demo_generates_extra_stores_in_real_cities():
    seed("--stores", "20", "--products", "0", "--customers", "0")
    stores = list(Store.objects.filter(kind=Store.Kind.STORE))
    assert len(stores) == 20
    handmade = {seed.code for seed in HANDMADE_STORES}
    generated = [store for store in stores if store.code not in handmade]
    assert len(generated) == 8 and len(handmade) == 12
    for store in generated:
        city = CITIES_BY_CODE[store.code[3:6]]
        assert store.city == city.name and store.country == city.country
        assert abs(store.latitude - Decimal(city.latitude)) <= Decimal("0.03")
        assert store.opening_hours.exists()
    assert get_user_model().objects.filter(username__startswith="manager-").count() == 20


@pytest.mark.django_db
def test_demo_seed_writes_nothing_when_a_step_fails():
    def failing_step(*, ctx):
        raise RuntimeError("disk full")

    steps = [*demo_steps()[:2], Step("failing", failing_step)]
    config = SeedConfig(stores=2, products=0, customers=0, progress=False)
    with pytest.raises(RuntimeError):
        demo_seed(config=config, steps=steps)
    assert not Store.objects.exists() and not Channel.objects.exists()
