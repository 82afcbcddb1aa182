"""Factories for pricing's tables (and the retail rows pricing needs: VAT rates, groups).

Engine dataclasses are built in ``tests/pricing/builders.py``; these make rows.
"""

from datetime import UTC, date, datetime
from decimal import Decimal

import factory

from pricing.models import (
    Campaign,
    CampaignTarget,
    CouponCode,
    PriceList,
    PriceListEntry,
    ProductSet,
)
from retail.models import CustomerGroup, CustomerGroupMembership, VatRate
from tests.factories import ChannelFactory, VatClassFactory

EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def _m2m(field_name):
    """A post-generation hook that sets a many-to-many field from a list."""

    def hook(self, create, extracted, **kwargs):
        if create and extracted:
            getattr(self, field_name).set(extracted)

    return factory.PostGeneration(hook)


class VatRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VatRate
        django_get_or_create = ("country", "vat_class", "valid_from")

    country = "DK"
    vat_class = factory.SubFactory(VatClassFactory)
    rate = Decimal("25.00")
    valid_from = date(2020, 1, 1)
    valid_to = None


class CustomerGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerGroup
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"GROUP{n}")
    name = factory.LazyAttribute(lambda o: f"Group {o.code}")
    kind = CustomerGroup.Kind.MEMBER


def join_group(customer, group, valid_from=None, valid_to=None):
    return CustomerGroupMembership.objects.create(
        customer=customer, group=group, valid_from=valid_from, valid_to=valid_to
    )


class PriceListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceList
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"LIST{n}")
    name = factory.LazyAttribute(lambda o: f"Price list {o.code}")
    currency = "DKK"
    priority = 0
    channels = _m2m("channels")
    stores = _m2m("stores")
    customer_groups = _m2m("customer_groups")


class PriceListEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceListEntry

    price_list = factory.SubFactory(PriceListFactory)
    product = factory.SubFactory("tests.factories.ProductFactory")
    amount = Decimal("100.00")
    valid_from = EPOCH
    valid_to = None


class ProductSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductSet
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"SET{n}")
    name = factory.LazyAttribute(lambda o: f"Set {o.code}")
    products = _m2m("products")


class CampaignFactory(factory.django.DjangoModelFactory):
    """An active 10 % campaign from 2020 on; pass ``targets=[dict(product=p), ...]``."""

    class Meta:
        model = Campaign
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"CAMP{n}")
    name = factory.LazyAttribute(lambda o: f"Campaign {o.code}")
    kind = Campaign.Kind.PERCENT_OFF
    status = Campaign.Status.ACTIVE
    currency = ""
    valid_from = EPOCH
    valid_to = None
    percent = Decimal("10.00")
    channels = _m2m("channels")
    stores = _m2m("stores")
    customer_groups = _m2m("customer_groups")

    @factory.post_generation
    def targets(self, create, extracted, **kwargs):
        for spec in extracted or ():
            CampaignTarget.objects.create(campaign=self, **spec)


class CouponCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouponCode
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"CODE{n:05d}")
    campaign = factory.SubFactory(
        CampaignFactory, requires_coupon=True, kind=Campaign.Kind.PERCENT_OFF
    )
    max_uses = 1


def dk_market(*, code="WEB-DK", kind="webshop"):
    """A Danish channel with the standard VAT rate: what pricing needs to price anything."""
    channel = ChannelFactory(code=code, name=f"Channel {code}", kind=kind)
    VatRateFactory()
    return channel
