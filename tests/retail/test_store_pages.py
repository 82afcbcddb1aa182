"""Store pages: who may use them, which store they show, and the product lookup."""

from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from retail.gtin import gtin_with_check_digit
from retail.models import OpeningHours, ProductGtin, SpecialOpeningHours
from retail.selectors import store_hours_on
from retail.store.access import SESSION_STORE_KEY
from tests.factories import CategoryFactory, ProductFactory, StoreFactory, UserFactory, make_staff

pytestmark = pytest.mark.django_db

HOME = reverse("store:home")
LOOKUP = reverse("store:product_lookup")
SELECT = reverse("store:select_store")

EAN13 = gtin_with_check_digit("570123456789")  # 13 digits
MULTIPACK = gtin_with_check_digit("1" + EAN13[:12])  # GTIN-14 of a 6-pack of the same item
UPC_A = "036000291452"  # 12 digits, as printed on a US import


@pytest.fixture
def store_a(db):
    return StoreFactory(code="AAR01", name="Aarhus Strøget", city="Aarhus")


@pytest.fixture
def store_b(db):
    return StoreFactory(
        code="OSL01", name="Oslo Karl Johan", city="Oslo", country="NO", time_zone="Europe/Oslo"
    )


@pytest.fixture
def clerk(store_a):
    return make_staff("store_clerk", stores=[store_a], username="clerk-a")


@pytest.fixture
def hq(db):
    return make_staff("hq", username="hq-anna")


@pytest.fixture
def yoghurt(db):
    dairy = CategoryFactory(
        code="DAIRY", name="Dairy", parent=CategoryFactory(code="FOOD", name="Food")
    )
    product = ProductFactory(sku="YOG-500", name="Greek yoghurt 500 g", category=dairy, gtin=EAN13)
    ProductGtin.objects.create(product=product, gtin=MULTIPACK, pack_quantity=6)
    return product


@pytest.fixture
def cola(db):
    return ProductFactory(sku="COLA-355", name="Cola 355 ml", gtin=UPC_A)


def _local_today(store):
    return timezone.now().astimezone(store.tz).date()


# --- Access ---------------------------------------------------------------------


def test_store_pages_require_login(client):
    for url in (HOME, LOOKUP):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('store:login')}?next={url}"


def test_store_pages_refuse_non_staff(client):
    client.force_login(UserFactory(username="shopper"))
    for url in (HOME, LOOKUP):
        response = client.get(url)
        assert response.status_code == 403
        assert "for store staff" in response.content.decode()


def test_store_pages_admit_a_superuser_without_profile(client, store_a):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    response = client.get(HOME)
    assert response.status_code == 200
    assert response.context["store"] == store_a


def test_store_login_form_logs_in_and_lands_on_home(client, clerk):
    assert client.get(reverse("store:login")).status_code == 200
    response = client.post(
        reverse("store:login"), {"username": "clerk-a", "password": "pw-for-tests"}, follow=True
    )
    assert response.redirect_chain[-1][0] == HOME
    assert "Aarhus Strøget" in response.content.decode()


def test_store_logout_is_a_post(client, clerk):
    client.force_login(clerk)
    response = client.post(reverse("store:logout"))
    assert response.status_code == 302
    assert client.get(HOME).status_code == 302


# --- Home and the store picker -------------------------------------------------


def test_store_home_clerk_sees_own_store_without_picker(client, clerk, store_b):
    client.force_login(clerk)
    page = client.get(HOME).content.decode()
    assert "Aarhus Strøget" in page
    assert "Oslo" not in page
    assert 'name="store"' not in page
    assert reverse("admin:index") not in page  # clerks do not use the admin


def test_store_home_shows_todays_hours_in_store_time(client, clerk, store_a):
    weekday = _local_today(store_a).weekday()
    OpeningHours.objects.create(
        store=store_a, weekday=weekday, opens_at=time(9, 30), closes_at=time(20)
    )
    OpeningHours.objects.create(
        store=store_a, weekday=(weekday + 1) % 7, opens_at=time(11), closes_at=time(15)
    )
    client.force_login(clerk)
    response = client.get(HOME)
    assert "09:30\u201320:00" in response.content.decode()
    assert "11:00" not in response.content.decode()
    assert (
        response.context["local_now"].utcoffset()
        == timezone.now().astimezone(store_a.tz).utcoffset()
    )


def test_store_home_special_closure_beats_weekly_hours(client, clerk, store_a):
    today = _local_today(store_a)
    OpeningHours.objects.create(
        store=store_a, weekday=today.weekday(), opens_at=time(9), closes_at=time(18)
    )
    SpecialOpeningHours.objects.create(store=store_a, date=today, is_closed=True, note="Stocktake")
    client.force_login(clerk)
    page = client.get(HOME).content.decode()
    assert "Closed today" in page
    assert "Stocktake" in page


def test_store_hours_on_reads_week_and_special_dates(store_a):
    monday = date(2025, 3, 3)
    OpeningHours.objects.create(store=store_a, weekday=0, opens_at=time(13), closes_at=time(18))
    OpeningHours.objects.create(store=store_a, weekday=0, opens_at=time(9), closes_at=time(12))
    hours = store_hours_on(store=store_a, day=monday)
    assert hours.spans == ((time(9), time(12)), (time(13), time(18)))
    assert hours.is_open_at(time(9)) and not hours.is_open_at(time(12, 30))
    assert store_hours_on(store=store_a, day=monday + timedelta(days=1)).is_closed
    SpecialOpeningHours.objects.create(
        store=store_a, date=monday, opens_at=time(10), closes_at=time(22), note="Late shopping"
    )
    special = store_hours_on(store=store_a, day=monday)
    assert (special.spans, special.is_special, special.note) == (
        ((time(10), time(22)),),
        True,
        "Late shopping",
    )


def test_store_home_hq_picks_any_store(client, hq, store_a, store_b):
    client.force_login(hq)
    page = client.get(HOME).content.decode()
    assert 'value="OSL01"' in page and 'value="AAR01"' in page
    response = client.post(SELECT, {"store": "OSL01"}, follow=True)
    assert response.status_code == 200
    assert response.context["store"] == store_b
    assert client.session[SESSION_STORE_KEY] == store_b.pk
    assert client.get(LOOKUP).context["store"] == store_b


def test_store_select_refuses_a_store_not_the_users(client, clerk, store_a, store_b):
    client.force_login(clerk)
    response = client.post(SELECT, {"store": "OSL01"})
    assert response.status_code == 403
    assert SESSION_STORE_KEY not in client.session
    assert client.get(HOME).context["store"] == store_a
    assert client.get(SELECT, {"store": "OSL01"}).status_code == 405


def test_store_tampered_session_store_is_ignored(client, clerk, store_a, store_b):
    client.force_login(clerk)
    session = client.session
    session[SESSION_STORE_KEY] = store_b.pk
    session.save()
    response = client.get(HOME)
    assert response.context["store"] == store_a
    assert "Oslo" not in response.content.decode()


def test_store_select_ignores_an_offsite_next(client, hq, store_a, store_b):
    client.force_login(hq)
    response = client.post(SELECT, {"store": "OSL01", "next": "https://evil.example/"})
    assert response["Location"] == HOME
    response = client.post(SELECT, {"store": "AAR01", "next": LOOKUP})
    assert response["Location"] == LOOKUP


def test_store_manager_gets_admin_link(client, store_a):
    client.force_login(make_staff("store_manager", stores=[store_a], username="manager-a"))
    assert reverse("admin:index") in client.get(HOME).content.decode()


# --- Product lookup --------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    ["YOG-500", EAN13, "0" + EAN13, f"  {EAN13}  "],
    ids=["sku", "ean13", "gtin14", "spaces"],
)
def test_store_lookup_finds_product(client, clerk, yoghurt, code):
    client.force_login(clerk)
    response = client.get(LOOKUP, {"code": code})
    assert response.context["product"] == yoghurt
    page = response.content.decode()
    assert "Greek yoghurt 500 g" in page
    assert "Food \u203a Dairy" in page
    assert EAN13 in page and MULTIPACK in page
    assert "Active" in page


@pytest.mark.parametrize(
    "code", [UPC_A, "0" + UPC_A, "00" + UPC_A], ids=["upca", "ean13", "gtin14"]
)
def test_store_lookup_upc_a_in_any_notation(client, clerk, cola, code):
    client.force_login(clerk)
    response = client.get(LOOKUP, {"code": code})
    assert response.context["product"] == cola
    assert response.context["scanned_gtin"].gtin == UPC_A


def test_store_lookup_multipack_gtin_shows_pack_quantity(client, clerk, yoghurt):
    client.force_login(clerk)
    response = client.get(LOOKUP, {"code": MULTIPACK})
    assert response.context["product"] == yoghurt
    assert response.context["scanned_gtin"].pack_quantity == 6
    assert "The scanned barcode is a pack of 6 units." in response.content.decode()


def test_store_lookup_not_found_message(client, clerk, yoghurt):
    client.force_login(clerk)
    response = client.get(LOOKUP, {"code": "NOPE-123"})
    assert response.context.get("product") is None
    assert "No product with SKU or GTIN 'NOPE-123'." in response.content.decode()


def test_store_lookup_escapes_the_code(client, clerk):
    client.force_login(clerk)
    page = client.get(LOOKUP, {"code": "<b>x</b>"}).content.decode()
    assert "<b>x</b>" not in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page


def test_store_lookup_falls_back_to_name_search(client, clerk, yoghurt, cola):
    client.force_login(clerk)
    response = client.get(LOOKUP, {"code": "yoghurt"})
    assert response.context["name_matches"] == [yoghurt]
    page = response.content.decode()
    assert "No product with SKU or GTIN 'yoghurt'." in page
    assert "?code=YOG-500" in page


def test_store_lookup_name_search_is_capped(client, clerk):
    for n in range(25):
        ProductFactory(name=f"Socks size {n}")
    client.force_login(clerk)
    response = client.get(LOOKUP, {"code": "socks"})
    assert len(response.context["name_matches"]) == 20
    assert "Showing the first 20 matches" in response.content.decode()


def test_store_lookup_empty_form_has_autofocus(client, clerk):
    client.force_login(clerk)
    page = client.get(LOOKUP).content.decode()
    assert 'name="code"' in page and "autofocus" in page
    assert "No product" not in page


def test_store_lookup_query_budget(client, clerk, yoghurt, django_assert_max_num_queries):
    client.force_login(clerk)
    # 14 = the page's 12 + the store's channel + stock here (stock, safety buffers);
    # no POS channel here, so no price (tests/retail/test_store_day.py counts one with prices).
    with django_assert_max_num_queries(14):
        assert client.get(LOOKUP, {"code": EAN13}).status_code == 200
