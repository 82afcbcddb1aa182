"""The orders admin: pages load, search and filters, store managers see only their store."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.urls import reverse

from orders.admin.orders import purchases_url
from orders.models import Notification, Order, Refund, Return
from orders.services.fulfilment import (
    order_hand_over,
    order_line_pick,
    order_line_short_pick,
    order_ready,
)
from orders.services.receipts import ReceiptLine, ReceiptTender, receipt_record
from orders.services.returns import ReturnRequestLine, return_create
from tests.factories import CustomerFactory, UserFactory, make_staff
from tests.orders.world import AT, D, make_world

pytestmark = pytest.mark.django_db

ORDER_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "orders"),
    key=lambda model: model._meta.label,
)
T1 = AT + timedelta(hours=1)


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def graph(world):
    """An order collected at cph and returned at ros, a short-picked one, a receipt at ros."""
    collected = world.place([("SHIRT", 1), ("MUG", 1)])
    for line in collected.lines.all():
        order_line_pick(line=line, store=world.cph, at=T1)
    order_ready(order=collected, store=world.cph, at=T1)
    order_hand_over(pickup_code=collected.pickup_code, store=world.cph, at=T1)
    return_create(
        order=collected,
        lines=[ReturnRequestLine(line_no=2, quantity=1)],
        channel=world.pos,
        store=world.ros,
        source_key="admin-return",
        at=T1 + timedelta(days=1),
    )
    short = world.place([("SHIRT", 1), ("SOCKS", 1)], at=T1)
    order_line_short_pick(line=short.lines.get(sku="SOCKS"), store=world.cph, at=T1)
    receipt, _ = receipt_record(
        channel=world.pos,
        store=world.ros,
        receipt_id="R-77",
        lines=[ReceiptLine(sku="MUG", quantity=1, unit_price=D("80.00"), total=D("80.00"))],
        tenders=[ReceiptTender(kind="external", amount=D("80.00"), reference="term")],
        customer=world.customer,
        sold_at=T1,
        at=T1,
    )
    world.collected, world.short, world.receipt = collected, short, receipt
    world.at_ros = world.place([("SHIRT", 1)], store=world.ros, customer=CustomerFactory())
    return world


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def hq(db):
    return make_staff("hq", username="hq-anna")


@pytest.fixture
def ros_manager(graph):
    """A store manager of Roskilde: the role grants the orders view permissions."""
    return make_staff("store_manager", stores=[graph.ros], username="mgr-ros")


def _listed(client, model, params=None) -> set:
    response = client.get(_url(model, "changelist"), params or {})
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def test_admin_registers_the_order_models():
    assert {m.__name__ for m in ORDER_MODELS} >= {"Order", "Return", "Refund", "Notification"}


@pytest.mark.parametrize("model", ORDER_MODELS, ids=lambda m: m._meta.label)
@pytest.mark.parametrize("who", ["superuser", "hq"])
def test_admin_order_pages_load(client, graph, request, who, model):
    client.force_login(request.getfixturevalue(who))

    assert client.get(_url(model, "changelist")).status_code == 200
    for obj in model._default_manager.order_by("pk"):
        assert client.get(_url(model, "change", obj.pk)).status_code == 200
    assert client.get(_url(model, "add")).status_code == 403


def test_admin_order_page_shows_lines_tenders_events_and_the_purchases_link(
    client, graph, superuser
):
    client.force_login(superuser)

    html = client.get(_url(Order, "change", graph.collected.pk)).content.decode()

    assert "Linen shirt" in html and "Stoneware mug" in html
    assert "hand_over" in html or "collected" in html
    assert purchases_url(graph.customer).replace("&", "&amp;") in html
    assert 'name="_save"' not in html


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("number", "collected"),
        ("pickup_code", "short"),
        ("receipt_id", "receipt"),
    ],
)
def test_admin_order_search(client, graph, superuser, term, expected):
    client.force_login(superuser)
    order = getattr(graph, expected)

    assert _listed(client, Order, {"q": getattr(order, term).lower()}) == {order}


def test_admin_order_search_by_customer_email(client, graph, superuser):
    client.force_login(superuser)

    found = _listed(client, Order, {"q": "mette@example.dk"})

    assert found == {graph.collected, graph.short, graph.receipt}


def test_admin_purchases_of_a_customer_are_orders_and_receipts_of_every_channel(
    client, graph, superuser
):
    client.force_login(superuser)

    response = client.get(purchases_url(graph.customer))

    assert response.status_code == 200
    assert set(response.context["cl"].result_list) == {
        graph.collected,
        graph.short,
        graph.receipt,
    }


def test_admin_order_filters(client, graph, superuser):
    client.force_login(superuser)

    assert _listed(client, Order, {"kind__exact": "receipt"}) == {graph.receipt}
    assert _listed(client, Order, {"status__exact": "collected"}) == {graph.collected}
    assert _listed(client, Order, {"store": graph.ros.pk}) == {graph.receipt, graph.at_ros}
    assert _listed(client, Refund, {"status__exact": "pending"}) == set(
        Refund.objects.filter(status="pending")
    )


def test_admin_store_manager_sees_only_their_stores_orders(client, graph, ros_manager):
    client.force_login(ros_manager)

    assert _listed(client, Order) == {graph.receipt, graph.at_ros}
    other = client.get(_url(Order, "change", graph.short.pk))
    assert other.status_code == 302  # "doesn't exist": another store's order
    assert client.get(_url(Order, "change", graph.at_ros.pk)).status_code == 200
    # The return taken at Roskilde of a Copenhagen order; not the Copenhagen refunds.
    assert _listed(client, Return) == set(Return.objects.all())
    assert _listed(client, Refund) == set()
    assert _listed(client, Notification) == set(Notification.objects.filter(order=graph.at_ros))
    assert (
        client.get(_url(Order, "changelist"), {"q": graph.short.number}).context["cl"].result_count
        == 0
    )


def test_admin_store_manager_store_filter_offers_only_their_store(client, graph, ros_manager):
    client.force_login(ros_manager)

    response = client.get(_url(Order, "changelist"))

    html = response.content.decode()
    assert graph.ros.code in html
    assert f"?store={graph.cph.pk}" not in html


def test_admin_notification_send_again_requeues_failed_and_leaves_sent_alone(
    client, graph, superuser
):
    client.force_login(superuser)
    failed, sent = Notification.objects.order_by("pk")[:2]
    Notification.objects.filter(pk=failed.pk).update(status="failed", attempts=8, last_error="x")
    Notification.objects.filter(pk=sent.pk).update(status="sent", attempts=1)

    response = client.post(
        _url(Notification, "changelist"),
        {"action": "send_again", "_selected_action": [failed.pk, sent.pk]},
    )

    assert response.status_code == 302
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.status, failed.attempts, failed.last_error) == ("pending", 0, "")
    assert (sent.status, sent.attempts) == ("sent", 1)


def test_admin_cancel_action_cancels_open_orders_only(client, graph, superuser):
    client.force_login(superuser)

    client.post(
        _url(Order, "changelist"),
        {"action": "cancel", "_selected_action": [graph.at_ros.pk, graph.collected.pk]},
    )

    graph.at_ros.refresh_from_db()
    graph.collected.refresh_from_db()
    assert graph.at_ros.status == "cancelled"
    assert graph.collected.status == "collected"


def test_admin_customer_page_links_to_their_purchases(client, world, hq):
    client.force_login(hq)
    response = client.get(_url(world.customer.__class__, "change", world.customer.pk))
    assert response.status_code == 200
    assert purchases_url(world.customer) in response.content.decode().replace("&amp;", "&")
