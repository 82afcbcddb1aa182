"""The price deviations admin: HQ sees every store with totals and CSV, a manager only theirs."""

import csv
import io

import pytest
from django.urls import reverse

from orders.models import PriceDeviation, ReceiptPriceAudit
from orders.services.price_audit import receipt_price_audit
from tests.factories import UserFactory, make_staff
from tests.orders.price_audit_support import make_audit_world, record, socks, stale_receipt
from tests.orders.world import AT, D

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:orders_pricedeviation_changelist"


@pytest.fixture
def world():
    """Two stale tills: one at cph (shirt and a formula-looking till id), one at ros."""
    world = make_audit_world()
    for store, receipt_id, till in ((world.cph, "R-1", "=T1"), (world.ros, "R-2", "T-ROS")):
        order = stale_receipt(world, store=store, receipt_id=receipt_id, till=till)
        receipt_price_audit(order=order, at=AT)
    return world


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def cph_manager(world):
    return make_staff("store_manager", stores=[world.cph], username="mgr-cph")


def _changelist(client, params=None):
    response = client.get(reverse(CHANGELIST), params or {})
    assert response.status_code == 200
    return response


def test_admin_price_deviations_list_every_store_with_totals_for_hq(client, world, superuser):
    client.force_login(superuser)

    response = _changelist(client)

    assert {row.store for row in response.context["cl"].result_list} == {world.cph, world.ros}
    (totals,) = response.context["deviation_totals"]
    assert (totals["currency"], totals["lines"], totals["stale_lines"]) == ("DKK", 2, 2)
    assert totals["difference"] == totals["overcharged"] == D("80.00")
    assert b"Totals of the filtered deviations" in response.content


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"till": "T-ROS"}, 1),
        ({"sku": "SHIRT"}, 2),
        ({"sku": "SOCKS"}, 0),
        ({"stale__exact": "1"}, 2),
        ({"day": AT.date().isoformat()}, 2),
        ({"q": "SHIRT"}, 2),
    ],
)
def test_admin_price_deviations_filters(client, world, superuser, params, count):
    client.force_login(superuser)

    response = _changelist(client, params)

    assert response.context["cl"].result_count == count
    assert sum(t["lines"] for t in response.context["deviation_totals"]) == count


def test_admin_price_deviations_store_filter_and_totals_follow_it(client, world, superuser):
    client.force_login(superuser)

    response = _changelist(client, {"store": world.ros.pk})

    assert [row.till for row in response.context["cl"].result_list] == ["T-ROS"]
    assert response.context["deviation_totals"][0]["difference"] == D("40.00")


def test_admin_store_manager_sees_only_their_stores_deviations(client, world, cph_manager):
    client.force_login(cph_manager)
    ros_row = PriceDeviation.objects.get(store=world.ros)

    response = _changelist(client)

    assert [row.store for row in response.context["cl"].result_list] == [world.cph]
    assert response.context["deviation_totals"][0]["lines"] == 1
    filters = {spec.title: spec for spec in response.context["cl"].filter_specs}
    assert [label for _, label in filters["till"].lookup_choices] == ["=T1"]
    assert [value for value, _ in filters["store"].lookup_choices] == [str(world.cph.pk)]
    change = reverse("admin:orders_pricedeviation_change", args=[ros_row.pk])
    assert client.get(change).status_code == 302  # "does not exist": back to the list
    audits = client.get(reverse("admin:orders_receiptpriceaudit_changelist"))
    assert [a.order.collect_store for a in audits.context["cl"].result_list] == [world.cph]


def test_admin_price_deviations_are_read_only(client, world, cph_manager, superuser):
    row = PriceDeviation.objects.get(store=world.cph)
    change = reverse("admin:orders_pricedeviation_change", args=[row.pk])
    for user in (superuser, cph_manager):
        client.force_login(user)
        assert client.get(change).status_code == 200
        assert client.get(reverse("admin:orders_pricedeviation_add")).status_code == 403
        delete = reverse("admin:orders_pricedeviation_delete", args=[row.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    assert PriceDeviation.objects.count() == 2


def test_admin_price_deviations_csv_export_is_formula_safe(client, world, cph_manager):
    client.force_login(cph_manager)
    visible = PriceDeviation.objects.filter(store=world.cph)

    response = client.post(
        reverse(CHANGELIST),
        {
            "action": "export_csv",
            "_selected_action": [
                str(pk) for pk in PriceDeviation.objects.values_list("pk", flat=True)
            ],
        },
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header, body = rows[0], rows[1:]
    assert len(body) == visible.count() == 1  # the other store's row stays out
    row = dict(zip(header, body[0], strict=True))
    assert row["till"] == "'=T1"  # neutralised, never run as a formula
    assert (row["store"], row["sku"], row["difference"]) == ("DK-CPH01", "SHIRT", "40.00")
    assert (row["engine_only_campaigns"], row["stale"]) == ("SHIRT-20", "true")


def test_admin_receipt_price_audits_show_outcomes(client, world, superuser):
    client.force_login(superuser)
    matched = record(world, [socks()], receipt_id="R-3")  # the 3-for-2 priced right
    receipt_price_audit(order=matched, at=AT)

    response = client.get(
        reverse("admin:orders_receiptpriceaudit_changelist"), {"outcome": "matched"}
    )

    assert [a.order for a in response.context["cl"].result_list] == [matched]
    assert ReceiptPriceAudit.objects.filter(outcome="deviations").count() == 2
