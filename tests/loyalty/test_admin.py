"""The loyalty admin: pages load for HQ, ledgers are read-only, adjustments go through
services with a reason, voucher batches are idempotent and CSV exports are spreadsheet-safe."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from loyalty.admin.stored_value import voucher_batch_issue
from loyalty.models import (
    Membership,
    PointsEntry,
    StoredValueAccount,
    StoredValueEntry,
    StoredValueHold,
    Tier,
)
from loyalty.services.membership import membership_join
from loyalty.services.points import points_book_check
from loyalty.services.stored_value import stored_value_book_check
from retail.models import CustomerGroup, CustomerGroupMembership
from retail.roles import sync_role_groups
from tests.factories import CustomerFactory, make_staff
from tests.loyalty.sv_helpers import issue

pytestmark = pytest.mark.django_db

LOYALTY_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "loyalty"),
    key=lambda model: model._meta.label,
)
READ_ONLY = (PointsEntry, StoredValueEntry, StoredValueHold)


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def hq(db):
    sync_role_groups()
    return make_staff("hq", username="hq-loyalty")


@pytest.fixture
def hq_client(client, hq):
    client.force_login(hq)
    return client


@pytest.fixture
def member(settings):
    settings.LOYALTY_SIGNUP_BONUS = 0
    return membership_join(customer=CustomerFactory())


def test_every_loyalty_model_is_registered():
    assert set(LOYALTY_MODELS) == {
        Tier,
        Membership,
        PointsEntry,
        StoredValueAccount,
        StoredValueEntry,
        StoredValueHold,
    }


@pytest.mark.parametrize("model", LOYALTY_MODELS, ids=lambda m: m.__name__)
def test_changelists_load_for_hq(hq_client, member, model):
    issue()
    response = hq_client.get(_url(model, "changelist"))
    assert response.status_code == 200


def test_add_pages_load_for_hq(hq_client):
    assert hq_client.get(_url(Tier, "add")).status_code == 200
    assert hq_client.get(_url(Membership, "add")).status_code == 200


def test_change_pages_load_and_hide_pin_hash(hq_client, member):
    account, _code = issue(pin="1234")
    assert account.pin_hash
    response = hq_client.get(_url(StoredValueAccount, "change", account.pk))
    assert response.status_code == 200
    assert "pin_hash" not in response.content.decode()
    assert account.pin_hash not in response.content.decode()
    assert hq_client.get(_url(Membership, "change", member.pk)).status_code == 200


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m.__name__)
def test_ledgers_are_read_only(rf, hq, model):
    request = rf.get("/")
    request.user = hq
    model_admin = admin.site._registry[model]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.has_view_permission(request)


def test_search_accounts_by_code_suffix(hq_client):
    account, code = issue()
    issue()
    response = hq_client.get(_url(StoredValueAccount, "changelist"), {"q": code[-6:]})
    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == [account]


def test_adjust_points_needs_a_reason_and_calls_the_service(hq_client, member):
    url = reverse("admin:loyalty_membership_adjust_points", args=[member.pk])
    assert hq_client.get(url).status_code == 200
    response = hq_client.post(url, {"points": 50, "reason": "", "source_key": "adm-1"})
    assert response.status_code == 200
    assert not PointsEntry.objects.filter(source_key="adm-1").exists()
    response = hq_client.post(url, {"points": 50, "reason": "goodwill", "source_key": "adm-1"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.points_balance == 50
    entry = PointsEntry.objects.get(source_key="adm-1")
    assert entry.reason == "goodwill"
    assert points_book_check() == []


def test_adjust_points_action_redirects_to_the_form(hq_client, member):
    response = hq_client.post(
        _url(Membership, "changelist"),
        {"action": "adjust_points", "_selected_action": [member.pk]},
    )
    assert response.status_code == 302
    assert response.url == reverse("admin:loyalty_membership_adjust_points", args=[member.pk])


def test_adjust_balance_needs_a_reason_and_calls_the_service(hq_client):
    account, _ = issue(amount="100.00")
    url = reverse("admin:loyalty_storedvalueaccount_adjust", args=[account.pk])
    assert hq_client.get(url).status_code == 200
    response = hq_client.post(url, {"amount": "-30", "reason": " ", "source_key": "adj-1"})
    assert response.status_code == 200
    response = hq_client.post(url, {"amount": "-30", "reason": "damaged", "source_key": "adj-1"})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.balance == Decimal("70.00")
    assert stored_value_book_check() == []


def test_voucher_batch_issue_is_idempotent(hq_client, hq):
    group = CustomerGroup.objects.create(code="VIPX", name="VIP")
    customers = [CustomerFactory() for _ in range(3)]
    for customer in customers:
        CustomerGroupMembership.objects.create(customer=customer, group=group)
    CustomerFactory()  # not in the group
    url = reverse("admin:loyalty_storedvalueaccount_issue_vouchers")
    assert hq_client.get(url).status_code == 200
    data = {"batch": "spring", "group": group.pk, "amount": "50.00", "currency": "DKK"}
    assert hq_client.post(url, data).status_code == 302
    assert hq_client.post(url, data).status_code == 302
    vouchers = StoredValueAccount.objects.filter(kind=StoredValueAccount.Kind.VOUCHER)
    assert vouchers.count() == 3
    assert {v.customer_id for v in vouchers} == {c.pk for c in customers}
    assert {v.issue_source_key for v in vouchers} == {
        f"voucher-batch:spring:{c.pk}" for c in customers
    }
    assert all(v.balance == Decimal("50.00") for v in vouchers)
    again = voucher_batch_issue(
        batch="spring", group=group, amount=Decimal("50"), currency="DKK",
        expires_at=None, actor=hq,
    )  # fmt: skip
    assert again == 0
    assert vouchers.count() == 3
    assert stored_value_book_check() == []


def test_export_codes_csv_neutralises_formulas(hq_client):
    customer = CustomerFactory(email="=cmd@example.dk")
    account, code = issue(customer=customer)
    response = hq_client.post(
        _url(StoredValueAccount, "changelist"),
        {"action": "export_codes", "_selected_action": [account.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "code"
    assert rows[1][0] == code
    assert rows[1][5] == "'=cmd@example.dk"
