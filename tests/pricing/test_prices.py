"""Price entries: every change leaves history; periods of a list and product never overlap."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from pricing.errors import InvalidPriceError, InvalidPricePeriodError, PricePeriodOverlapError
from pricing.models import PriceChange, PriceListEntry
from pricing.services.prices import (
    PriceBulkResult,
    PriceEntryRow,
    price_entries_bulk_set,
    price_entry_delete,
    price_entry_set,
)
from pricing.services.revision import rules_revision_current
from retail.models import Product
from tests.factories import ProductFactory, UserFactory
from tests.pricing.factories import PriceListFactory

pytestmark = pytest.mark.django_db

JAN = datetime(2026, 1, 1, tzinfo=UTC)
FEB = datetime(2026, 2, 1, tzinfo=UTC)
MAR = datetime(2026, 3, 1, tzinfo=UTC)
AT = datetime(2025, 12, 20, 9, 30, tzinfo=UTC)


@pytest.fixture
def price_list():
    return PriceListFactory(code="DK")


@pytest.fixture
def product():
    return ProductFactory(gtin=False)


def _set(price_list, product, amount, valid_from=JAN, valid_to=None, **kwargs):
    kwargs.setdefault("source", PriceChange.Source.ADMIN)
    kwargs.setdefault("at", AT)
    return price_entry_set(
        price_list=price_list,
        product=product,
        amount=Decimal(amount),
        valid_from=valid_from,
        valid_to=valid_to,
        **kwargs,
    )


def _history(product):
    return list(
        PriceChange.objects.filter(product=product)
        .order_by("pk")
        .values_list("kind", "old_amount", "new_amount", "source")
    )


def test_price_entry_set_creates_entry_with_history_row_and_bumps_revision(price_list, product):
    user = UserFactory()
    before = rules_revision_current()
    entry = _set(price_list, product, "149.95", user=user, source=PriceChange.Source.API)
    assert (entry.amount, entry.valid_from, entry.valid_to) == (Decimal("149.95"), JAN, None)
    change = PriceChange.objects.get()
    assert change.entry == entry
    assert (change.kind, change.old_amount, change.new_amount) == ("created", None, entry.amount)
    assert (change.changed_by, change.source, change.changed_at) == (user, "api", AT)
    assert (change.price_list, change.product, change.valid_from) == (price_list, product, JAN)
    assert rules_revision_current() > before


def test_price_entry_set_changes_amount_and_records_old_and_new(price_list, product):
    _set(price_list, product, "100.00")
    later = AT + timedelta(days=1)
    entry = _set(price_list, product, "89.00", at=later, source=PriceChange.Source.IMPORT)
    assert PriceListEntry.objects.get().amount == Decimal("89.00") == entry.amount
    assert _history(product) == [
        ("created", None, Decimal("100.00"), "admin"),
        ("changed", Decimal("100.00"), Decimal("89.00"), "import"),
    ]
    assert PriceChange.objects.order_by("pk").last().changed_at == later


def test_price_entry_set_without_change_writes_nothing(price_list, product):
    _set(price_list, product, "100.00")
    revision = rules_revision_current()
    _set(price_list, product, "100")
    assert len(_history(product)) == 1
    assert rules_revision_current() == revision


def test_price_entry_set_ending_a_price_is_a_change(price_list, product):
    _set(price_list, product, "100.00")
    _set(price_list, product, "100.00", valid_to=MAR)
    assert PriceListEntry.objects.get().valid_to == MAR
    change = PriceChange.objects.order_by("pk").last()
    assert (change.kind, change.old_amount, change.new_amount) == ("changed", 100, 100)
    assert change.valid_to == MAR


def test_price_entry_set_schedules_next_price_back_to_back(price_list, product):
    _set(price_list, product, "100.00", valid_to=FEB)
    _set(price_list, product, "90.00", valid_from=FEB)
    assert PriceListEntry.objects.count() == 2


@pytest.mark.parametrize(
    ("valid_from", "valid_to"),
    [(FEB, None), (FEB, MAR), (JAN - timedelta(days=3), JAN + timedelta(seconds=1))],
)
def test_price_entry_set_rejects_overlap_naming_valid_from(
    price_list, product, valid_from, valid_to
):
    _set(price_list, product, "100.00")
    with pytest.raises(PricePeriodOverlapError) as caught:
        _set(price_list, product, "90.00", valid_from=valid_from, valid_to=valid_to)
    assert caught.value.field == "valid_from"
    assert caught.value.code == "price_period_overlap"
    assert caught.value.extra == {"overlaps_valid_from": JAN.isoformat()}
    assert PriceListEntry.objects.count() == 1
    assert len(_history(product)) == 1


def test_price_entry_set_same_period_in_another_list_is_fine(price_list, product):
    _set(price_list, product, "100.00")
    _set(PriceListFactory(code="MEMBER"), product, "90.00")
    assert PriceListEntry.objects.count() == 2


@pytest.mark.parametrize(
    ("amount", "field", "error"),
    [
        (Decimal("-1"), "amount", InvalidPriceError),
        (Decimal("9.999"), "amount", InvalidPriceError),
        (9.99, "amount", InvalidPriceError),
        ("abc", "amount", InvalidPriceError),
    ],
)
def test_price_entry_set_rejects_bad_amount(price_list, product, amount, field, error):
    with pytest.raises(error) as caught:
        price_entry_set(
            price_list=price_list, product=product, amount=amount, valid_from=JAN, source="admin"
        )
    assert caught.value.field == field
    assert not PriceListEntry.objects.exists()


def test_price_entry_set_rejects_empty_period(price_list, product):
    with pytest.raises(InvalidPricePeriodError) as caught:
        _set(price_list, product, "1.00", valid_from=FEB, valid_to=FEB)
    assert caught.value.field == "valid_to"


def test_price_entry_delete_records_last_amount_and_keeps_history(price_list, product):
    user = UserFactory()
    entry = _set(price_list, product, "100.00")
    price_entry_delete(entry=entry, user=user, source=PriceChange.Source.ADMIN, at=AT)
    assert not PriceListEntry.objects.exists()
    assert _history(product) == [
        ("created", None, Decimal("100.00"), "admin"),
        ("deleted", Decimal("100.00"), None, "admin"),
    ]
    deleted = PriceChange.objects.get(kind="deleted")
    assert deleted.entry is None  # the entry is gone; the copied columns tell what it was
    assert (deleted.price_list, deleted.product, deleted.valid_from) == (price_list, product, JAN)
    assert deleted.changed_by == user
    # Deleting again is a no-op.
    price_entry_delete(entry=entry, source=PriceChange.Source.ADMIN, at=AT)
    assert PriceChange.objects.count() == 2


# ---- bulk ----------------------------------------------------------------------------------


def test_price_entries_bulk_set_creates_changes_and_skips_unchanged(price_list):
    products = [ProductFactory(gtin=False) for _ in range(4)]
    _set(price_list, products[0], "10.00")
    _set(price_list, products[1], "20.00")
    rows = [
        PriceEntryRow(products[0].pk, Decimal("10.00"), JAN),  # unchanged
        PriceEntryRow(products[1].pk, Decimal("18.00"), JAN),  # changed
        PriceEntryRow(products[2].pk, Decimal("30.00"), JAN, FEB),  # created
        PriceEntryRow(products[2].pk, Decimal("25.00"), FEB),  # created, back to back
        PriceEntryRow(products[3].pk, Decimal("40.00"), JAN),  # created
    ]
    user = UserFactory()
    result = price_entries_bulk_set(
        price_list=price_list, rows=rows, user=user, source=PriceChange.Source.IMPORT, at=AT
    )
    assert result == PriceBulkResult(created=3, changed=1, unchanged=1)
    assert PriceListEntry.objects.get(product=products[1]).amount == Decimal("18.00")
    imported = PriceChange.objects.filter(source="import")
    assert (
        sorted(imported.values_list("kind", flat=True))
        == ["changed", "created"] * 1 + ["created"] * 2
    )
    assert all(c.entry_id and c.changed_by == user for c in imported)
    assert imported.get(kind="changed").old_amount == Decimal("20.00")


def test_price_entries_bulk_set_thousand_rows_in_a_few_queries(
    price_list, django_assert_max_num_queries
):
    # SQLite takes at most 999 parameters a statement, so its inserts come in smaller batches.
    budget = 10 if connection.vendor == "postgresql" else 30
    first = ProductFactory(gtin=False)
    products = Product.objects.bulk_create(
        Product(
            sku=f"BULK-{i:04d}",
            name=f"Bulk {i}",
            category=first.category,
            brand=first.brand,
            vat_class=first.vat_class,
        )
        for i in range(1000)
    )
    rows = [PriceEntryRow(p.pk, Decimal("9.95"), JAN) for p in products]
    with django_assert_max_num_queries(budget):
        result = price_entries_bulk_set(price_list=price_list, rows=rows, source="seed", at=AT)
    assert result.created == 1000
    assert PriceChange.objects.filter(kind="created").count() == 1000
    changed = [PriceEntryRow(p.pk, Decimal("8.95"), JAN) for p in products]
    with django_assert_max_num_queries(budget):
        result = price_entries_bulk_set(price_list=price_list, rows=changed, source="seed", at=AT)
    assert result == PriceBulkResult(created=0, changed=1000, unchanged=0)


@pytest.mark.parametrize(
    ("rows", "field"),
    [
        # an import row overlapping an existing entry
        (lambda p, q: [PriceEntryRow(q.pk, Decimal(1), JAN), PriceEntryRow(p.pk, 1, FEB)], 1),
        # two import rows overlapping each other
        (
            lambda p, q: [
                PriceEntryRow(q.pk, Decimal(1), JAN, MAR),
                PriceEntryRow(q.pk, Decimal(2), FEB),
            ],
            1,
        ),
        # the same start twice
        (lambda p, q: [PriceEntryRow(q.pk, Decimal(1), JAN), PriceEntryRow(q.pk, 2, JAN)], 1),
    ],
)
def test_price_entries_bulk_set_overlap_names_row_and_writes_nothing(price_list, rows, field):
    existing, fresh = ProductFactory(gtin=False), ProductFactory(gtin=False)
    _set(price_list, existing, "5.00")
    with pytest.raises(PricePeriodOverlapError) as caught:
        price_entries_bulk_set(
            price_list=price_list, rows=rows(existing, fresh), source="import", at=AT
        )
    assert caught.value.field == f"rows.{field}.valid_from"
    assert PriceListEntry.objects.count() == 1
    assert PriceChange.objects.count() == 1


def test_price_entries_bulk_set_bad_row_names_row_and_column(price_list, product):
    with pytest.raises(InvalidPriceError) as caught:
        price_entries_bulk_set(
            price_list=price_list,
            rows=[PriceEntryRow(product.pk, Decimal(1), JAN), PriceEntryRow(987654, 1, JAN)],
            source="import",
        )
    assert caught.value.field == "rows.1.product_id"
    with pytest.raises(InvalidPriceError) as caught:
        price_entries_bulk_set(
            price_list=price_list, rows=[PriceEntryRow(product.pk, Decimal(-1), JAN)], source="x"
        )
    assert caught.value.field == "rows.0.amount"
    assert not PriceListEntry.objects.exists()


# ---- the database guard on PostgreSQL -------------------------------------------------------


@pytest.mark.postgres
def test_price_entry_overlap_is_impossible_in_postgresql_even_without_the_service(
    price_list, product
):
    PriceListEntry.objects.create(
        price_list=price_list, product=product, amount=1, valid_from=JAN, valid_to=MAR
    )
    with pytest.raises(IntegrityError, match="price_entry_no_overlap"), transaction.atomic():
        PriceListEntry.objects.create(
            price_list=price_list, product=product, amount=2, valid_from=FEB
        )
    PriceListEntry.objects.create(price_list=price_list, product=product, amount=2, valid_from=MAR)
