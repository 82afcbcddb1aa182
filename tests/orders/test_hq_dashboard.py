"""The HQ dashboard: click-and-collect service levels by store, campaigns, runs, failing notices.

Figures are computed for a pinned ``now``; HQ sees every store, a store manager only theirs.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from imports.models import ImportRun
from inventory.models import StockFeedRun
from orders.models import Notification, Order
from orders.selectors_dashboard import collect_service_levels, failing_notifications
from pricing.models import Campaign
from tests.factories import ChannelFactory, StoreFactory, make_staff

pytestmark = pytest.mark.django_db
NOW = datetime(2031, 3, 12, 12, 0, tzinfo=UTC)  # a Wednesday
START, END = NOW - timedelta(days=7), NOW + timedelta(hours=1)
_numbers = iter(range(1000, 9999))


def _order(store, *, placed, status=Order.Status.NEW, fulfilment="click_collect", **times):
    return Order.objects.create(
        number=f"T-{next(_numbers)}",
        channel=ChannelFactory(code="WEB-DK"),
        fulfilment=fulfilment,
        status=status,
        fulfil_location=store,
        collect_store=store,
        currency="DKK",
        subtotal_amount=Decimal("100.00"),
        total_amount=Decimal("100.00"),
        placed_at=placed,
        **times,
    )


@pytest.fixture
def stores():
    cph, aar = StoreFactory(code="DK-CPH01"), StoreFactory(code="DK-AAR01")
    h = timedelta(hours=1)
    # Copenhagen: ready after 1 h, 2 h and 4 h (median 2 h); one late to pick; one expired.
    for hours in (1, 2, 4):
        _order(cph, placed=NOW - 2 * h * 24, status="ready", ready_at=NOW - 2 * h * 24 + hours * h,
               pickup_expires_at=NOW + 24 * h)  # fmt: skip
    _order(cph, placed=NOW - 3 * h, promised_at=NOW - h)  # overdue: promised an hour ago
    _order(cph, placed=NOW - 5 * 24 * h, status="expired", closed_at=NOW - 24 * h)
    # Outside the period: not counted as placed, but its overdue shelf time is now.
    _order(cph, placed=NOW - 30 * 24 * h, status="ready", ready_at=NOW - 29 * 24 * h,
           pickup_expires_at=NOW - 2 * h)  # fmt: skip
    # Aarhus: ready after 30 and 90 min (median 60 min); home delivery is not collect.
    for minutes in (30, 90):
        _order(aar, placed=NOW - 4 * h, status="ready", ready_at=NOW - 4 * h + minutes * h / 60,
               pickup_expires_at=NOW + 24 * h)  # fmt: skip
    _order(aar, placed=NOW - h, fulfilment="home_delivery", promised_at=NOW - h / 2)
    return cph, aar


def test_service_levels_count_orders_median_overdue_and_expired(stores, django_assert_num_queries):
    with django_assert_num_queries(3):
        levels = collect_service_levels(start=START, end=END, now=NOW, store_ids=None)

    by_code = {level.store.code: level for level in levels}
    assert list(by_code) == ["DK-AAR01", "DK-CPH01"]
    copenhagen = by_code["DK-CPH01"]
    assert (copenhagen.orders, copenhagen.overdue, copenhagen.expired) == (5, 2, 1)
    assert copenhagen.median_to_ready == timedelta(hours=2)
    aarhus = by_code["DK-AAR01"]
    assert (aarhus.orders, aarhus.overdue, aarhus.expired) == (2, 0, 0)
    assert aarhus.median_to_ready == timedelta(hours=1)


def test_service_levels_of_a_store_manager_are_their_store_only(stores):
    cph, _ = stores
    levels = collect_service_levels(start=START, end=END, now=NOW, store_ids=[cph.pk])
    assert [level.store.code for level in levels] == ["DK-CPH01"]


def test_service_level_queries_do_not_grow_with_stores(stores, django_assert_num_queries):
    for n in range(5):
        _order(StoreFactory(code=f"DK-X{n}"), placed=NOW - timedelta(hours=2))
    with django_assert_num_queries(3):
        levels = collect_service_levels(start=START, end=END, now=NOW, store_ids=None)
    assert len(levels) == 7


def test_failing_notifications_counted_and_scoped(stores):
    cph, aar = stores
    for store, n in ((cph, 3), (aar, 1)):
        order = Order.objects.filter(collect_store=store).first()
        for i in range(n):
            Notification.objects.create(
                order=order, kind="ready", medium="email", recipient="a@example.dk",
                language="da", status="failed", dedupe_key=f"{store.code}-{i}", attempts=8,
                last_error="SMTP 554", created_at=NOW,
            )  # fmt: skip
    assert failing_notifications(store_ids=None).count == 4
    mine = failing_notifications(store_ids=[aar.pk])
    assert mine.count == 1 and mine.latest[0].order.collect_store == aar


def _page(client, **params):
    response = client.get(reverse("hq-dashboard"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_dashboard_page_for_hq_shows_every_section_with_bounded_queries(
    client, stores, django_assert_max_num_queries
):
    now = timezone.now()
    Campaign.objects.create(code="RUNNING", name="Running", kind="percent_off", percent=10,
                            status="active", valid_from=now - timedelta(days=1))  # fmt: skip
    Campaign.objects.create(code="LATER", name="Later", kind="percent_off", percent=10,
                            status="active", valid_from=now + timedelta(minutes=5))  # fmt: skip
    ImportRun.objects.create(kind="prices", status="failed", file_name="prices.xlsx",
                             errors=[{"message": "row 2, column 'price': bad"}],
                             summary={"errors": 1}, created_at=now)  # fmt: skip
    StockFeedRun.objects.create(kind="snapshot", source="erp", feed_id="ERP-1", status="failed",
                                errors=[{"message": "line 3: bad quantity"}],
                                created_at=now)  # fmt: skip
    client.force_login(make_staff("hq"))
    dates = {"first_day": "2031-03-06", "last_day": "2031-03-12"}

    with django_assert_max_num_queries(25):
        html = _page(client, **dates)

    for key in ("collect_service_levels", "campaigns", "import_runs", "stock_feed_runs",
                "failing_notifications"):  # fmt: skip
        assert f'data-section="{key}"' in html
    assert 'data-store="DK-CPH01"' in html and 'data-store="DK-AAR01"' in html
    assert "Running now: 1" in html and 'data-campaign="RUNNING"' in html
    assert 'data-campaign="LATER"' in html
    assert "row 2, column &#x27;price&#x27;: bad" in html
    assert "line 3: bad quantity" in html
    assert reverse("hq-dashboard") in client.get(reverse("admin:index")).content.decode()

    # More stores, runs and campaigns: the same number of queries.
    for n in range(4):
        _order(StoreFactory(code=f"DK-Y{n}"), placed=datetime(2031, 3, 10, tzinfo=UTC))
        Campaign.objects.create(code=f"RUN{n}", name="r", kind="percent_off", percent=5,
                                status="active", valid_from=now - timedelta(days=1))  # fmt: skip
    with django_assert_max_num_queries(25) as more:
        _page(client, **dates)
    with django_assert_max_num_queries(25) as fewer:
        _page(client, **dates)
    assert len(more.captured_queries) == len(fewer.captured_queries)


def test_dashboard_for_a_store_manager_shows_only_their_store(client, stores):
    cph, _ = stores
    client.force_login(make_staff("store_manager", stores=[cph]))
    html = _page(client, first_day="2031-03-06", last_day="2031-03-12")
    assert 'data-store="DK-CPH01"' in html
    assert "DK-AAR01" not in html
    # No campaigns, imports or feeds for a store role.
    assert 'data-section="campaigns"' not in html
    assert 'data-section="stock_feed_runs"' not in html


def test_dashboard_default_period_is_the_last_seven_local_days(client, stores):
    client.force_login(make_staff("hq"))
    html = _page(client)
    today = timezone.localdate(timezone.now(), ZoneInfo("Europe/Copenhagen"))
    assert str(today - timedelta(days=6)) in html
