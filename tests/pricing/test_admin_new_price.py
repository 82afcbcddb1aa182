"""HQ's "new price from a date" in the admin: preview the timeline, then save; refusals keep input.

Times are typed and shown in HQ's admin time zone (Europe/Copenhagen).
"""

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from pricing.models import PriceChange, PriceList, PriceListEntry
from pricing.services.prices import price_entry_set
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")
URL = "admin:pricing_pricelistentry_new_price"


@pytest.fixture
def mug(hq):
    public = PriceList.objects.create(code="PUBLIC-DK", name="Public DK", currency="DKK")
    product = ProductFactory(sku="MUG", name="Mug")
    price_entry_set(
        price_list=public,
        product=product,
        amount=Decimal("100.00"),
        valid_from=datetime(2026, 1, 1, tzinfo=CPH),
        source=PriceChange.Source.ADMIN,
    )
    return {"list": public, "product": product}


def _form(mug, *, amount="80.00", start=("2026-12-24", "00:00"), end=("2026-12-27", "00:00")):
    return {
        "price_list": str(mug["list"].pk),
        "sku": "MUG",
        "amount": amount,
        "valid_from_0": start[0],
        "valid_from_1": start[1],
        "valid_to_0": end[0],
        "valid_to_1": end[1],
    }


def _timeline(periods):
    return [
        (
            p.valid_from.astimezone(CPH).strftime("%Y-%m-%d %H:%M"),
            p.valid_to.astimezone(CPH).strftime("%Y-%m-%d %H:%M") if p.valid_to else None,
            p.amount,
        )
        for p in periods
    ]


def test_admin_new_price_form_is_filled_in_from_the_product_page(client, hq, mug):
    client.force_login(hq)
    page = client.get(reverse(URL), {"product": "MUG", "list": "PUBLIC-DK"})
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial == {"sku": "MUG", "price_list": mug["list"].pk}


def test_admin_new_price_preview_shows_the_split_and_writes_nothing(client, hq, mug):
    client.force_login(hq)
    response = client.post(reverse(URL), {**_form(mug), "_preview": "Preview"})

    assert response.status_code == 200
    plan = response.context["plan"]
    assert _timeline(plan.before) == [("2026-01-01 00:00", None, Decimal("100.00"))]
    assert _timeline(plan.after) == [
        ("2026-01-01 00:00", "2026-12-24 00:00", Decimal("100.00")),
        ("2026-12-24 00:00", "2026-12-27 00:00", Decimal("80.00")),
        ("2026-12-27 00:00", None, Decimal("100.00")),
    ]
    page = response.content.decode()
    assert 'name="_save"' in page and "2026-12-27 00:00" in page
    assert PriceListEntry.objects.count() == 1
    assert PriceChange.objects.count() == 1  # only the first price


def test_admin_new_price_save_writes_the_split_with_its_history(client, hq, mug):
    client.force_login(hq)
    response = client.post(reverse(URL), {**_form(mug), "_save": "Save"})

    assert response.status_code == 302
    assert "chart" in response["Location"]
    entries = [
        (e.valid_from, e.valid_to, e.amount) for e in PriceListEntry.objects.order_by("valid_from")
    ]
    christmas = datetime(2026, 12, 23, 23, 0, tzinfo=UTC)  # 24.12. 00:00 in Copenhagen
    after = datetime(2026, 12, 26, 23, 0, tzinfo=UTC)
    assert entries == [
        (datetime(2026, 1, 1, tzinfo=CPH), christmas, Decimal("100.00")),
        (christmas, after, Decimal("80.00")),
        (after, None, Decimal("100.00")),
    ]
    changes = PriceChange.objects.filter(changed_by=hq, source=PriceChange.Source.ADMIN)
    assert sorted((c.kind, c.new_amount) for c in changes) == [
        (PriceChange.Kind.CHANGED, Decimal("100.00")),
        (PriceChange.Kind.CREATED, Decimal("80.00")),
        (PriceChange.Kind.CREATED, Decimal("100.00")),
    ]


def test_admin_new_price_open_ended_closes_the_current_entry(client, hq, mug):
    client.force_login(hq)
    client.post(reverse(URL), {**_form(mug, end=("", "")), "_save": "Save"})

    entries = [(e.valid_to, e.amount) for e in PriceListEntry.objects.order_by("valid_from")]
    assert entries == [
        (datetime(2026, 12, 23, 23, 0, tzinfo=UTC), Decimal("100.00")),
        (None, Decimal("80.00")),
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "-1"}, "amount"),
        ({"amount": "80.001"}, "amount"),
        ({"sku": "NOPE"}, "sku"),
        ({"valid_to_0": "2026-12-20"}, "valid_to"),
    ],
)
def test_admin_new_price_refuses_on_the_field_and_keeps_what_was_typed(
    client, hq, mug, change, field
):
    client.force_login(hq)
    data = {**_form(mug), **change, "_preview": "Preview"}
    response = client.post(reverse(URL), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert response.context["plan"] is None
    page = response.content.decode()
    assert f'value="{data["amount"]}"' in page and f'value="{data["sku"]}"' in page
    assert PriceListEntry.objects.count() == 1


def test_admin_new_price_refuses_an_overlap_with_a_later_price(client, hq, mug):
    price_entry_set(
        price_list=mug["list"],
        product=mug["product"],
        amount=Decimal("100.00"),
        valid_from=datetime(2026, 1, 1, tzinfo=CPH),
        valid_to=datetime(2027, 1, 1, tzinfo=CPH),
        source=PriceChange.Source.ADMIN,
    )
    price_entry_set(
        price_list=mug["list"],
        product=mug["product"],
        amount=Decimal("90.00"),
        valid_from=datetime(2027, 1, 1, tzinfo=CPH),
        valid_to=datetime(2027, 2, 1, tzinfo=CPH),
        source=PriceChange.Source.ADMIN,
    )
    client.force_login(hq)
    data = {**_form(mug, end=("2027-01-15", "00:00")), "_save": "Save"}
    response = client.post(reverse(URL), data)

    assert response.status_code == 200
    assert "valid_from" in response.context["form"].errors
    assert 'value="2027-01-15"' in response.content.decode()
    assert PriceListEntry.objects.count() == 2


def test_admin_new_price_link_on_the_price_list_page(client, hq, mug):
    client.force_login(hq)
    url = reverse("admin:pricing_pricelist_change", args=[mug["list"].pk])
    page = client.get(url).content.decode()
    assert f"{reverse(URL)}?list=PUBLIC-DK" in page
