"""The HQ admin: every model's pages load, store staff see only their stores, roles follow."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework_api_key.models import APIKey

from retail.models import (
    Customer,
    CustomerConsentEvent,
    CustomerExternalId,
    CustomerGroup,
    CustomerGroupMembership,
    IdempotencyRecord,
    OpeningHours,
    Product,
    SpecialOpeningHours,
    StaffProfile,
    Store,
    VatRate,
)
from retail.roles import ROLE_GROUP_NAMES
from retail.services.customers import customer_set_consent
from tests.factories import (
    CategoryFactory,
    ChannelFactory,
    CustomerFactory,
    ProductFactory,
    StoreFactory,
    UserFactory,
    VatClassFactory,
    make_api_client,
    make_staff,
)

pytestmark = pytest.mark.django_db

User = get_user_model()

# The core's admin (and Django's auth); each app above the core tests its own admin pages
# (e.g. tests/pricing/test_admin.py) with rows of its own.
REGISTERED_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label in {"retail", "auth"}),
    key=lambda model: model._meta.label,
)


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def store_a(db):
    return StoreFactory(code="AAR01", name="Aarhus Strøget", city="Aarhus")


@pytest.fixture
def store_b(db):
    return StoreFactory(code="BGO01", name="Bergen Torget", city="Bergen", country="NO")


@pytest.fixture
def graph(store_a, store_b):
    """One row of every registered model, so list and change pages render real data."""
    channel = ChannelFactory(code="WEB-DK", name="Webshop DK")
    OpeningHours.objects.create(store=store_a, weekday=0, opens_at=time(9), closes_at=time(18))
    OpeningHours.objects.create(store=store_b, weekday=0, opens_at=time(10), closes_at=time(17))
    SpecialOpeningHours.objects.create(
        store=store_a, date=timezone.now().date() + timedelta(days=3), is_closed=True
    )
    food = CategoryFactory(code="FOOD", name="Food")
    product = ProductFactory(sku="MILK-1", name="Organic milk 1 l", category=food)
    VatRate.objects.create(
        country="DK",
        vat_class=product.vat_class,
        rate=Decimal("25.00"),
        valid_from=date(2020, 1, 1),
    )
    group = CustomerGroup.objects.create(code="MEMBERS", name="Members", kind="member")
    customer = CustomerFactory(member_number="M-1001")
    CustomerGroupMembership.objects.create(customer=customer, group=group)
    CustomerExternalId.objects.create(customer=customer, channel=channel, value="acct-42")
    customer_set_consent(customer=customer, kind="email", granted=True, source="test")
    api_client, _ = make_api_client(channel=channel, name="Webshop DK")
    now = timezone.now()
    IdempotencyRecord.objects.create(
        scope=f"client:{api_client.pk}",
        key="k-1",
        method="POST",
        path="/api/v1/customers/",
        request_hash="0" * 64,
        created_at=now,
        locked_until=now,
        expires_at=now + timedelta(days=1),
    )
    make_staff("store_clerk", stores=[store_a], username="clerk-a")
    make_staff("store_clerk", stores=[store_b], username="clerk-b")
    return {"product": product, "customer": customer, "api_client": api_client}


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.com", "pw-for-tests")


@pytest.fixture
def hq_user(db):
    return make_staff("hq", username="hq-anna")


@pytest.fixture
def manager_a(store_a):
    return make_staff("store_manager", stores=[store_a], username="manager-a")


def _can(user, model, permission):
    request = RequestFactory().get("/")
    request.user = user
    return getattr(admin.site._registry[model], f"has_{permission}_permission")(request)


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=lambda m: m._meta.label)
@pytest.mark.parametrize("who", ["superuser", "hq_user"])
def test_admin_pages_load_for_superuser_and_hq(client, graph, request, who, model):
    user = request.getfixturevalue(who)
    client.force_login(user)
    if who == "hq_user" and model._meta.app_label == "auth" and model is not User:
        # HQ manages users (through roles), not permission groups.
        assert client.get(_url(model, "changelist")).status_code == 403
        return
    assert client.get(_url(model, "changelist")).status_code == 200
    add = client.get(_url(model, "add"))
    assert add.status_code == (200 if _can(user, model, "add") else 403)
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, "the graph fixture should create one row of every model"
    assert client.get(_url(model, "change", obj.pk)).status_code == 200


def test_admin_apikey_default_admin_is_unregistered():
    assert not admin.site.is_registered(APIKey)


def test_admin_product_search_matches_any_gtin_notation(client, superuser):
    product = ProductFactory(sku="COLA-1", name="Cola", gtin="036000291452")  # UPC-A
    ProductFactory(sku="OTHER-1", name="Other")
    client.force_login(superuser)
    for term in ("036000291452", "0036000291452", "00036000291452", "COLA"):
        response = client.get(_url(Product, "changelist"), {"q": term})
        assert list(response.context["cl"].result_list) == [product], term


def test_admin_product_changelist_query_budget(client, superuser, django_assert_max_num_queries):
    for _ in range(30):
        ProductFactory()
    client.force_login(superuser)
    url = _url(Product, "changelist")
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200


def test_admin_vat_rate_overlap_is_a_form_error(client, superuser):
    vat = VatClassFactory()
    VatRate.objects.create(
        country="DK", vat_class=vat, rate=Decimal("25.00"), valid_from=date(2020, 1, 1)
    )
    client.force_login(superuser)
    response = client.post(
        _url(VatRate, "add"),
        {"country": "DK", "vat_class": vat.pk, "rate": "12.00", "valid_from": "2024-01-01"},
    )
    assert response.status_code == 200
    assert "overlaps another rate" in response.content.decode()
    assert VatRate.objects.count() == 1


def test_admin_customer_consent_withdrawal_goes_through_service(client, superuser):
    customer = CustomerFactory()
    customer_set_consent(customer=customer, kind="email", granted=True, source="test")
    client.force_login(superuser)
    client.post(
        _url(Customer, "changelist"),
        {"action": "withdraw_email_consent", "_selected_action": [customer.pk]},
    )
    customer.refresh_from_db()
    assert customer.email_marketing_consent is False
    assert list(
        CustomerConsentEvent.objects.filter(customer=customer).values_list("granted", flat=True)
    ) == [False, True]


# --- Store scoping -----------------------------------------------------------------


def test_admin_store_manager_sees_only_own_store(client, graph, store_a, store_b, manager_a):
    client.force_login(manager_a)
    page = client.get(_url(Store, "changelist")).content.decode()
    assert "Aarhus Strøget" in page
    assert "Bergen" not in page
    assert "Norway" not in page  # not even in the country filter
    assert client.get(_url(Store, "change", store_a.pk)).status_code == 200
    other = client.get(_url(Store, "change", store_b.pk))
    assert other.status_code in (302, 404)
    if other.status_code == 302:
        assert other["Location"] == reverse("admin:index")


def test_admin_hq_sees_every_store(client, graph, hq_user):
    client.force_login(hq_user)
    page = client.get(_url(Store, "changelist"))
    content = page.content.decode()
    assert "Aarhus Strøget" in content and "Bergen Torget" in content
    assert "Norway" in content and "Denmark" in content


def test_admin_store_manager_sees_only_own_hours_and_staff(client, graph, store_b, manager_a):
    client.force_login(manager_a)
    hours = client.get(_url(OpeningHours, "changelist"))
    assert [h.store.code for h in hours.context["cl"].result_list] == ["AAR01"]
    assert "Bergen" not in hours.content.decode()
    b_hours = OpeningHours.objects.get(store=store_b)
    assert client.get(_url(OpeningHours, "change", b_hours.pk)).status_code in (302, 404)
    staff = client.get(_url(StaffProfile, "changelist"))
    usernames = {p.user.username for p in staff.context["cl"].result_list}
    assert usernames == {"clerk-a", "manager-a"}


def test_admin_store_manager_store_choices_are_own_stores(
    client, graph, store_a, store_b, manager_a
):
    client.force_login(manager_a)
    choices = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "retail", "model_name": "openinghours", "field_name": "store", "term": ""},
    ).json()["results"]
    assert [c["id"] for c in choices] == [str(store_a.pk)]

    form_field = client.get(_url(OpeningHours, "add")).context["adminform"].form.fields["store"]
    assert list(form_field.queryset) == [store_a]

    hours = {"weekday": 6, "opens_at": "10:00", "closes_at": "16:00"}
    refused = client.post(_url(OpeningHours, "add"), {**hours, "store": store_b.pk})
    assert refused.status_code == 200
    assert not OpeningHours.objects.filter(store=store_b, weekday=6).exists()
    accepted = client.post(_url(OpeningHours, "add"), {**hours, "store": store_a.pk})
    assert accepted.status_code == 302
    assert OpeningHours.objects.filter(store=store_a, weekday=6).exists()


def test_admin_store_manager_cannot_change_core_data(client, graph, manager_a):
    client.force_login(manager_a)
    product = graph["product"]
    assert client.get(_url(Product, "change", product.pk)).status_code == 200  # view
    response = client.post(_url(Product, "change", product.pk), {"name": "Changed"})
    assert response.status_code == 403
    assert client.get(_url(StaffProfile, "add")).status_code == 403


def test_admin_clerk_cannot_use_admin(client, graph, store_a):
    clerk = User.objects.get(username="clerk-a")
    assert clerk.is_staff is False
    client.force_login(clerk)
    for url in (reverse("admin:index"), _url(Store, "changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


# --- Roles -------------------------------------------------------------------------


def _role_groups(user):
    return set(
        user.groups.filter(name__in=ROLE_GROUP_NAMES.values()).values_list("name", flat=True)
    )


def test_admin_role_change_updates_groups_and_admin_access(client, graph, store_a, hq_user):
    clerk = User.objects.get(username="clerk-a")
    profile = clerk.staff_profile
    client.force_login(hq_user)

    response = client.post(
        _url(StaffProfile, "change", profile.pk), {"role": "store_manager", "stores": [store_a.pk]}
    )
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert _role_groups(clerk) == {"Store manager"}
    assert clerk.is_staff is True

    client.post(
        _url(StaffProfile, "change", profile.pk), {"role": "store_clerk", "stores": [store_a.pk]}
    )
    clerk.refresh_from_db()
    assert _role_groups(clerk) == {"Store clerk"}
    assert clerk.is_staff is False


def test_admin_add_staff_profile_goes_through_service(client, store_a, hq_user):
    newcomer = UserFactory(username="newcomer")
    client.force_login(hq_user)
    response = client.post(
        _url(StaffProfile, "add"),
        {"user": newcomer.pk, "role": "store_manager", "stores": [store_a.pk]},
    )
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.staff_profile.role == "store_manager"
    assert list(newcomer.staff_profile.stores.all()) == [store_a]
    assert _role_groups(newcomer) == {"Store manager"}
    assert newcomer.is_staff is True


def test_admin_store_role_without_store_is_a_form_error(client, hq_user):
    newcomer = UserFactory(username="newcomer")
    client.force_login(hq_user)
    response = client.post(_url(StaffProfile, "add"), {"user": newcomer.pk, "role": "store_clerk"})
    assert response.status_code == 200
    assert "needs at least one store" in response.content.decode()
    assert not StaffProfile.objects.filter(user=newcomer).exists()
    assert not Group.objects.filter(user=newcomer).exists()


def test_admin_hq_cannot_raise_own_privileges(client, hq_user, superuser):
    client.force_login(hq_user)
    form = client.get(_url(User, "change", hq_user.pk)).context["adminform"].form
    assert not {"is_superuser", "is_staff", "groups", "user_permissions"} & set(form.fields)
    # Nor take over a superuser's account by setting its password.
    password_url = reverse("admin:auth_user_password_change", args=[superuser.pk])
    response = client.post(
        password_url, {"password1": "Takeover-123456", "password2": "Takeover-123456"}
    )
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.check_password("pw-for-tests")


def test_admin_staff_profile_cannot_be_deleted(client, graph, superuser):
    profile = StaffProfile.objects.get(user__username="clerk-a")
    client.force_login(superuser)
    assert client.get(_url(StaffProfile, "delete", profile.pk)).status_code == 403


@pytest.mark.parametrize("term", ["M-1001", "acct-42", "Mette"])
def test_admin_customer_search_by_member_number_external_id_and_name(
    client, graph, superuser, term
):
    client.force_login(superuser)
    response = client.get(_url(Customer, "changelist"), {"q": term})
    assert list(response.context["cl"].result_list) == [graph["customer"]]
