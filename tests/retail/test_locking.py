"""retail.locking: rows are locked in one global order, and a lock against it is caught."""

import pytest
from django.db import transaction

from inventory.models import StockLevel
from loyalty.models import Membership
from loyalty.services.membership import membership_join
from retail import locking
from retail.models import Customer
from tests.factories import CustomerFactory, ProductFactory, StoreFactory
from tests.inventory.helpers import receive

pytestmark = pytest.mark.django_db


def _levels(n: int) -> list[StockLevel]:
    store = StoreFactory()
    for _ in range(n):
        receive(store, ProductFactory(), 1)
    return list(StockLevel.objects.filter(location=store).order_by("product_id"))


@pytest.mark.django_db(transaction=True)
def test_rows_lock_outside_a_transaction_is_refused():
    CustomerFactory()
    with pytest.raises(locking.LockOutsideTransactionError):
        locking.rows_lock(Customer.objects.all())


def test_rows_lock_returns_rows_in_the_tables_lock_order():
    levels = _levels(3)
    with locking.atomic():
        locked = locking.rows_lock(StockLevel.objects.order_by("-product_id"))
    assert [lv.product_id for lv in locked] == [lv.product_id for lv in levels]


def test_rows_lock_an_earlier_table_after_a_later_one_is_a_lock_order_error():
    member = membership_join(customer=CustomerFactory())
    with pytest.raises(locking.LockOrderError, match=r"retail\.Customer"), locking.atomic():
        locking.rows_lock(Membership.objects.filter(pk=member.pk))
        locking.rows_lock(Customer.objects.filter(pk=member.customer_id))


def test_rows_lock_a_lower_key_after_a_higher_one_is_a_lock_order_error():
    low, high = _levels(2)
    with pytest.raises(locking.LockOrderError, match=r"inventory\.StockLevel"), locking.atomic():
        locking.rows_lock(StockLevel.objects.filter(pk=high.pk))
        locking.rows_lock(StockLevel.objects.filter(pk=low.pk))


def test_rows_taken_a_lower_key_after_a_higher_one_is_a_lock_order_error():
    # Two gift cards redeemed the other way round: the deadlock the lock order prevents.
    with pytest.raises(locking.LockOrderError), locking.atomic():
        locking.rows_taken("loyalty.StoredValueAccount", [7])
        locking.rows_taken("loyalty.StoredValueAccount", [3])


def test_rows_lock_again_and_rows_under_a_held_parent_are_allowed():
    low, high = _levels(2)
    member = membership_join(customer=CustomerFactory())
    with locking.atomic():
        locking.rows_lock(StockLevel.objects.filter(pk__in=[low.pk, high.pk]))
        locking.rows_lock(Membership.objects.filter(pk=member.pk))
        locking.rows_lock(StockLevel.objects.filter(pk=low.pk))  # held already: never waits
        locking.rows_taken("loyalty.Membership", [member.pk])


def test_rows_lock_skip_locked_is_recorded_not_checked():
    low, high = _levels(2)
    with locking.atomic():
        locking.rows_lock(StockLevel.objects.filter(pk=high.pk))
        locking.rows_lock(StockLevel.objects.filter(pk=low.pk), skip_locked=True)


def test_rows_created_in_this_transaction_may_be_taken_later():
    with locking.atomic():
        locking.rows_taken("loyalty.Membership", [5])
        locking.rows_created("loyalty.StoredValueAccount", [99])
        locking.rows_taken("loyalty.StoredValueAccount", [99])


def test_nested_services_share_one_record_of_what_is_held():
    with pytest.raises(locking.LockOrderError), locking.atomic():
        locking.rows_taken("loyalty.Membership", [5])
        with locking.atomic():  # a service called by a service
            locking.rows_taken("inventory.StockLevel", [(1, 1)])


def test_separate_transactions_start_with_nothing_held():
    with locking.atomic():
        locking.rows_taken("loyalty.Membership", [5])
    with locking.atomic():
        locking.rows_taken("retail.Customer", [1])


def test_lock_order_not_strict_logs_instead_of_raising(settings, caplog):
    settings.RETAIL_LOCK_ORDER_STRICT = False
    with locking.atomic():
        locking.rows_taken("loyalty.Membership", [5])
        locking.rows_taken("retail.Customer", [1])
    assert "lock order" in caplog.text


def test_every_model_locked_by_a_service_has_a_place_in_the_order():
    from django.apps import apps

    for label in locking.TABLES:
        assert apps.get_model(label) is not None
    with pytest.raises(LookupError):
        locking.table_for("retail.Store")


def test_rows_lock_plain_transaction_without_scope_still_sorts(django_assert_num_queries):
    levels = _levels(2)
    with transaction.atomic(), django_assert_num_queries(1):
        locked = locking.rows_lock(StockLevel.objects.filter(pk__in=[lv.pk for lv in levels]))
    assert [lv.pk for lv in locked] == [lv.pk for lv in levels]
