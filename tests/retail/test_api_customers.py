"""Customers: one profile across channels, found only by what the caller presents."""

from datetime import timedelta

import pytest
from django.utils import timezone

from retail.models import Customer, CustomerConsentEvent, CustomerGroup, CustomerGroupMembership
from tests.factories import CustomerFactory, StoreFactory

pytestmark = pytest.mark.django_db


def test_customer_create_with_external_id_and_consents(api, channel):
    StoreFactory(code="DK-CPH01")
    response = api.post(
        "/api/v1/customers/",
        {
            "first_name": "Mette",
            "last_name": "Hansen",
            "email": "mette@example.dk",
            "phone": "+45 20 12 34 56",
            "language": "da",
            "preferred_store": "DK-CPH01",
            "external_id": "acct-881",
            "email_marketing_consent": True,
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="signup-881",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["phone"] == "+4520123456"
    assert body["preferred_store"] == "DK-CPH01"
    assert body["external_ids"] == [{"kind": "account", "value": "acct-881"}]
    assert body["consents"]["email"]["granted"] is True
    assert body["consents"]["sms"] == {"granted": False, "changed_at": None}
    customer = Customer.objects.get(public_id=body["id"])
    event = CustomerConsentEvent.objects.get(customer=customer)
    assert (event.kind, event.granted, event.channel, event.source) == (
        "email",
        True,
        channel,
        "sign-up",
    )


def test_customer_create_consent_needs_the_contact_point(api):
    response = api.post(
        "/api/v1/customers/",
        {"email": "x@example.dk", "sms_marketing_consent": True},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert response.status_code == 400
    assert "sms_marketing_consent" in response.json()["fields"]
    assert not Customer.objects.exists()


def test_customer_create_duplicate_external_id_writes_nothing(api, channel):
    existing = CustomerFactory()
    existing.external_ids.create(channel=channel, kind="account", value="acct-1")
    response = api.post(
        "/api/v1/customers/",
        {"email": "fresh@example.dk", "external_id": "acct-1", "email_marketing_consent": True},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert response.status_code == 409
    assert response.json()["fields"]["external_id"][0]["code"] == "customer_exists"
    assert Customer.objects.count() == 1
    assert not CustomerConsentEvent.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("member_number", "100042"), ("email", "MIKKEL@example.dk"), ("phone", "+4531313131")],
)
def test_customer_lookup_by_identifier(api, field, value):
    CustomerFactory(member_number="100042", email="mikkel@example.dk", phone="+4531313131")
    CustomerFactory()
    response = api.post("/api/v1/customers/lookup/", {field: value}, format="json")
    assert response.status_code == 200
    assert response.json()["member_number"] == "100042"


def test_customer_lookup_shows_groups_in_force_now(api):
    customer = CustomerFactory(member_number="7")
    now = timezone.now()
    for code, kind, start, end in [
        ("MEMBER", "member", None, None),
        ("EMPLOYEE", "employee", now - timedelta(days=30), now - timedelta(days=1)),
        ("B2B-ACME", "b2b_contract", now - timedelta(days=1), None),
    ]:
        group = CustomerGroup.objects.create(code=code, name=code, kind=kind)
        CustomerGroupMembership.objects.create(
            customer=customer, group=group, valid_from=start, valid_to=end
        )
    body = api.post("/api/v1/customers/lookup/", {"member_number": "7"}).json()
    assert body["groups"] == ["B2B-ACME", "MEMBER"]


def test_customer_list_is_not_offered(api):
    CustomerFactory()
    assert api.get("/api/v1/customers/").status_code == 405
