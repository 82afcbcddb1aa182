"""The campaign admin form refuses what the campaign contract refuses, naming the field.

One row per refusal (tests/pricing/campaign_rules_cases.py), posted to the
admin's add view as an HQ user: the error is on the field (or on the targets
inline) and nothing is saved; valid campaigns of every kind are saved with
their targets.
"""

import pytest

from pricing.models import Campaign, CampaignTarget
from tests.factories import ProductFactory
from tests.pricing.admin_support import admin_url
from tests.pricing.campaign_rules_cases import REFUSALS, VALID

pytestmark = pytest.mark.django_db


def form_data(values: dict, targets, *, products, gift=None) -> dict:
    """What the add form posts for a campaign of ``values`` with one product per target."""
    data = {
        "code": "RULES-1",
        "name": "Rules",
        "status": "draft",
        "receipt_text": "{}",
        "valid_from_0": "2026-06-01",
        "valid_from_1": "00:00:00",
        "valid_to_0": "",
        "valid_to_1": "",
        "priority": "0",
        "stacking": "best_price",
        "currency": "",
        "gift_quantity": "1",
        "targets-TOTAL_FORMS": str(len(targets)),
        "targets-INITIAL_FORMS": "0",
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000",
    }
    for name, value in values.items():
        if value is True:
            data[name] = "on"
        elif value == "gift":
            data[name] = str(gift.pk)
        elif value is not None:
            data[name] = str(value)
    for index, ((group, exclude), product) in enumerate(zip(targets, products, strict=False)):
        prefix = f"targets-{index}-"
        data |= {
            f"{prefix}group": str(group),
            f"{prefix}quantity": "1",
            f"{prefix}product": product.pk,
        }
        if exclude:
            data[f"{prefix}exclude"] = "on"
    return data


@pytest.fixture
def products(db):
    return [ProductFactory(sku=f"RULE-{i}") for i in range(3)]


@pytest.fixture
def gift(db):
    return ProductFactory(sku="GIFT-1", name="Gift")


@pytest.mark.parametrize("case", REFUSALS, ids=lambda c: c.id)
def test_admin_campaign_form_refuses_on_the_field(case, client, hq, products, gift):
    client.force_login(hq)
    data = form_data(case.values, case.targets, products=products, gift=gift)
    response = client.post(admin_url(Campaign, "add"), data)

    assert response.status_code == 200  # the form again, not a redirect
    if case.field == "targets":
        (inline,) = response.context["inline_admin_formsets"]
        codes = [e.code for e in inline.formset.non_form_errors().as_data()]
        assert case.code in codes
    else:
        errors = response.context["adminform"].form.errors.as_data()
        assert case.code in [e.code for e in errors.get(case.field, [])], errors
    assert not Campaign.objects.exists()
    assert not CampaignTarget.objects.exists()


@pytest.mark.parametrize("case", VALID, ids=lambda c: c.id)
def test_admin_campaign_form_saves_valid_campaigns(case, client, hq, products, gift):
    client.force_login(hq)
    data = form_data(case.values, case.targets, products=products, gift=gift)
    response = client.post(admin_url(Campaign, "add"), data)

    assert response.status_code == 302, _errors(response)
    campaign = Campaign.objects.get(code="RULES-1")
    assert campaign.kind == case.values["kind"]
    assert campaign.targets.count() == len(case.targets)


def _errors(response):
    if response.context is None:
        return response
    inlines = [f.formset.non_form_errors() for f in response.context["inline_admin_formsets"]]
    return response.context["adminform"].form.errors, inlines


def test_admin_campaign_change_refuses_removing_the_last_target(client, hq, products):
    client.force_login(hq)
    client.post(
        admin_url(Campaign, "add"),
        form_data({"kind": "percent_off", "percent": "10"}, ((0, False),), products=products),
    )
    campaign = Campaign.objects.get(code="RULES-1")
    target = campaign.targets.get()
    data = form_data({"kind": "percent_off", "percent": "10"}, (), products=products)
    data |= {
        "targets-TOTAL_FORMS": "1",
        "targets-INITIAL_FORMS": "1",
        "targets-0-id": str(target.pk),
        "targets-0-campaign": str(campaign.pk),
        "targets-0-group": "0",
        "targets-0-quantity": "1",
        "targets-0-product": str(products[0].pk),
        "targets-0-DELETE": "on",
    }
    response = client.post(admin_url(Campaign, "change", campaign.pk), data)

    assert response.status_code == 200
    assert campaign.targets.count() == 1


def test_admin_campaign_form_says_which_kinds_use_a_field(client, hq):
    client.force_login(hq)
    page = client.get(admin_url(Campaign, "add")).content.decode()

    assert "pricing/admin/campaign_kind.js" in page
    assert "data-kind-fields" in page
    # Without JavaScript every field shows; its help text names the kinds using it.
    assert "Used by: Multibuy (buy N pay M / N for a price), Mix & match across a set." in page
    assert "Used by: Gift with purchase." in page
    assert "Basket or spend discount" in page


def test_admin_campaign_form_in_the_staff_language(client, hq):
    from retail.i18n.services import user_language_set

    user_language_set(user=hq, language="da")  # the staff member's own choice
    client.force_login(hq)
    page = client.get(admin_url(Campaign, "add"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="da"' in page
