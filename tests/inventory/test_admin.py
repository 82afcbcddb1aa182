"""The inventory admin: pages load, stock is read-only but for the service tools, scoping."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from inventory.models import (
    ChannelLocation,
    Reservation,
    SafetyBuffer,
    StockFeedRun,
    StockLevel,
    StockMovement,
    Transfer,
)
from inventory.services import stock_transfer_ship
from retail.models import Category
from tests.factories import UserFactory, make_staff
from tests.inventory.helpers import AT, assert_ledger_holds, buffer, make_chain, reserve

pytestmark = pytest.mark.django_db

INVENTORY_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "inventory"),
    key=lambda model: model._meta.label,
)


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def chain(db):
    return make_chain()


@pytest.fixture
def graph(chain):
    """At least one row of every inventory model."""
    buffer(chain.webshop, 2)
    reserve(chain.cph, chain.jacket, 1)
    stock_transfer_ship(
        source=chain.warehouse, destination=chain.cph, lines=[(chain.jacket, 2)], at=AT
    )
    StockFeedRun.objects.create(
        kind="snapshot",
        source="erp",
        feed_id="erp-2026-03-01",
        created_at=AT,
        rows_total=10,
        rows_read=4,
        errors=[{"line": 3, "message": "unknown SKU"}],
    )
    return chain


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def hq(db):
    return make_staff("hq", username="hq-anna")


@pytest.fixture
def manager(chain):
    """A store manager of Aarhus, given the inventory view and change permissions."""
    user = make_staff("store_manager", stores=[chain.aar], username="mgr-aar")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="inventory",
            codename__in=[
                "view_stocklevel",
                "change_stocklevel",
                "view_stockmovement",
                "view_reservation",
                "change_reservation",
                "view_transfer",
            ],
        )
    )
    return user


def test_admin_registers_every_inventory_model():
    assert {m.__name__ for m in INVENTORY_MODELS} >= {
        "StockLevel",
        "StockMovement",
        "Reservation",
        "SafetyBuffer",
        "ChannelLocation",
        "Transfer",
        "StockFeedRun",
    }


@pytest.mark.parametrize("model", INVENTORY_MODELS, ids=lambda m: m._meta.label)
@pytest.mark.parametrize("who", ["superuser", "hq"])
def test_admin_inventory_pages_load(client, graph, request, who, model):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_url(model, "changelist")).status_code == 200
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None
    assert client.get(_url(model, "change", obj.pk)).status_code == 200
    editable = model in (SafetyBuffer, ChannelLocation)
    assert client.get(_url(model, "add")).status_code == (200 if editable else 403)


def test_admin_stock_and_ledger_cannot_be_edited_directly(client, graph, superuser):
    client.force_login(superuser)
    level = StockLevel.objects.get(location=graph.cph, product=graph.jacket)
    client.post(_url(StockLevel, "change", level.pk), {"on_hand": 999, "reserved": 0})
    level.refresh_from_db()
    assert level.on_hand == 5
    movement = StockMovement.objects.first()
    assert client.post(_url(StockMovement, "delete", movement.pk)).status_code == 403
    assert client.post(_url(StockLevel, "delete", level.pk)).status_code == 403


def test_admin_stock_level_page_shows_the_tools_and_history(client, graph, superuser):
    client.force_login(superuser)
    level = StockLevel.objects.get(location=graph.cph, product=graph.jacket)
    html = client.get(_url(StockLevel, "change", level.pk)).content.decode()
    tool = reverse("admin:inventory_stocklevel_change_stock", args=[level.pk])
    assert f"{tool}?mode=adjust" in html and f"{tool}?mode=count" in html
    assert "All movements of this item here" in html
    assert 'name="_save"' not in html


def test_admin_adjust_posts_through_the_service_once(client, graph, superuser):
    client.force_login(superuser)
    level = StockLevel.objects.get(location=graph.cph, product=graph.jacket)
    url = reverse("admin:inventory_stocklevel_change_stock", args=[level.pk])
    form = {"mode": "adjust", "quantity": -2, "reason": "damaged", "source_key": "admin:k1"}
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302  # the same form again posts nothing
    level.refresh_from_db()
    assert level.on_hand == 3
    movement = StockMovement.objects.get(source_key="admin:k1")
    assert (movement.kind, movement.quantity, movement.actor) == ("adjustment", -2, superuser)
    assert_ledger_holds()


def test_admin_adjust_needs_a_reason_and_keeps_reserved_units(client, graph, superuser):
    client.force_login(superuser)
    level = StockLevel.objects.get(location=graph.cph, product=graph.jacket)
    url = reverse("admin:inventory_stocklevel_change_stock", args=[level.pk])
    no_reason = client.post(url, {"mode": "adjust", "quantity": -1, "source_key": "admin:k2"})
    assert no_reason.status_code == 200 and "reason" in no_reason.context["form"].errors
    too_many = client.post(
        url, {"mode": "adjust", "quantity": -5, "reason": "lost", "source_key": "admin:k3"}
    )  # 5 on hand, 1 reserved
    assert too_many.status_code == 200 and "quantity" in too_many.context["form"].errors
    level.refresh_from_db()
    assert level.on_hand == 5


def test_admin_count_sets_on_hand(client, graph, superuser):
    client.force_login(superuser)
    level = StockLevel.objects.get(location=graph.aar, product=graph.jacket)
    url = reverse("admin:inventory_stocklevel_change_stock", args=[level.pk])
    response = client.post(url, {"mode": "count", "quantity": 7, "source_key": "admin:k4"})
    assert response.status_code == 302
    level.refresh_from_db()
    assert level.on_hand == 7
    assert StockMovement.objects.get(source_key="admin:k4").kind == "count_correction"
    assert_ledger_holds()


def test_admin_stock_search_by_gtin_and_filters(client, graph, superuser):
    client.force_login(superuser)
    gtin = graph.jacket.gtins.get().gtin
    response = client.get(_url(StockLevel, "changelist"), {"q": gtin})
    assert {row.product for row in response.context["cl"].result_list} == {graph.jacket}
    by_store = client.get(_url(StockLevel, "changelist"), {"location": graph.cph.pk})
    assert {row.location for row in by_store.context["cl"].result_list} == {graph.cph}
    clothing = Category.objects.get(code="CLOTHING")  # the tree renumbers paths as it grows
    by_category = client.get(_url(StockLevel, "changelist"), {"category": clothing.path})
    assert {row.product for row in by_category.context["cl"].result_list} == {graph.jacket}
    movements = client.get(
        _url(StockMovement, "changelist"), {"location": graph.cph.pk, "kind": "receipt"}
    )
    assert movements.status_code == 200
    assert {m.location for m in movements.context["cl"].result_list} == {graph.cph}
    item = client.get(
        _url(StockMovement, "changelist"),
        {"location": graph.cph.pk, "product__id__exact": graph.mug.pk},
    )
    assert [m.product for m in item.context["cl"].result_list] == [graph.mug]


def test_admin_reservation_release_action(client, graph, superuser):
    client.force_login(superuser)
    reservation = Reservation.objects.get()
    response = client.post(
        _url(Reservation, "changelist"),
        {"action": "release", "_selected_action": [reservation.pk]},
    )
    assert response.status_code == 302
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.RELEASED
    assert StockLevel.objects.get(location=graph.cph, product=graph.jacket).reserved == 0


def test_admin_store_manager_sees_only_own_store(client, graph, manager):
    client.force_login(manager)
    levels = client.get(_url(StockLevel, "changelist")).context["cl"].result_list
    assert {row.location for row in levels} == {graph.aar}
    cph_level = StockLevel.objects.get(location=graph.cph, product=graph.jacket)
    assert client.get(_url(StockLevel, "change", cph_level.pk)).status_code == 302
    tool = reverse("admin:inventory_stocklevel_change_stock", args=[cph_level.pk])
    assert client.get(tool).status_code == 404
    assert not client.get(_url(Reservation, "changelist")).context["cl"].result_list
    movements = client.get(_url(StockMovement, "changelist")).context["cl"].result_list
    assert {m.location for m in movements} == {graph.aar}
    transfers = client.get(_url(Transfer, "changelist")).context["cl"].result_list
    assert not transfers
    filter_choices = client.get(_url(StockLevel, "changelist")).context["cl"].filter_specs[0]
    assert [title for _value, title in filter_choices.lookup_choices] == [
        "DK-AAR01 Aarhus Søndergade"
    ]


def test_admin_store_manager_sees_transfers_to_and_from_own_store(client, graph, manager):
    stock_transfer_ship(source=graph.warehouse, destination=graph.aar, lines=[(graph.mug, 1)])
    client.force_login(manager)
    transfers = client.get(_url(Transfer, "changelist")).context["cl"].result_list
    assert [t.destination for t in transfers] == [graph.aar]
