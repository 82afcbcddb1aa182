"""Factories for the core retail graph; later apps add theirs beside these."""

import itertools
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from retail.gtin import gtin_with_check_digit
from retail.i18n.services import user_language_set
from retail.models import (
    ApiClient,
    Brand,
    Category,
    Channel,
    Customer,
    Product,
    ProductGtin,
    Store,
    VatClass,
)
from retail.services.api_clients import api_key_issue
from retail.services.staff import staff_assign_role

_gtin_counter = itertools.count(1)


def next_gtin13() -> str:
    return gtin_with_check_digit(f"570{next(_gtin_counter):09d}")


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"WEB-DK-{n}")
    name = factory.LazyAttribute(lambda o: f"Webshop {o.code}")
    kind = Channel.Kind.WEBSHOP
    country = "DK"
    currency = "DKK"
    language = "da"


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"S{n:03d}")
    name = factory.LazyAttribute(lambda o: f"Store {o.code}")
    kind = Store.Kind.STORE
    country = "DK"
    time_zone = "Europe/Copenhagen"
    street = factory.Sequence(lambda n: f"Købmagergade {n}")
    postal_code = "1150"
    city = "København K"
    latitude = Decimal("55.680000")
    longitude = Decimal("12.578000")
    click_and_collect = True
    ship_from_store = False


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"BRAND{n}")
    name = factory.LazyAttribute(lambda o: f"Brand {o.code}")


class CategoryFactory(factory.django.DjangoModelFactory):
    """Pass ``parent=`` for a child node; treebeard places it in the tree."""

    class Meta:
        model = Category

    code = factory.Sequence(lambda n: f"CAT{n}")
    name = factory.LazyAttribute(lambda o: f"Category {o.code}")

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        if parent is None:
            return model_class.objects.add_root(kwargs)
        return model_class.objects.add_child(parent, kwargs)


class VatClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VatClass
        django_get_or_create = ("code",)

    code = "STANDARD"
    name = "Standard rate"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("sku",)
        skip_postgeneration_save = True

    sku = factory.Sequence(lambda n: f"SKU-{n:06d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    brand = factory.SubFactory(BrandFactory)
    category = factory.SubFactory(CategoryFactory)
    vat_class = factory.SubFactory(VatClassFactory)
    unit_cost_amount = Decimal("10.0000")
    unit_cost_currency = "DKK"

    @factory.post_generation
    def gtin(self, create, extracted, **kwargs):
        if create and extracted is not False:
            ProductGtin.objects.create(
                product=self, gtin=extracted or next_gtin13(), is_primary=True
            )


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    first_name = "Mette"
    last_name = factory.Sequence(lambda n: f"Jensen{n}")
    email = factory.Sequence(lambda n: f"customer{n}@example.dk")
    language = "da"
    market = "DK"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password("pw-for-tests")


def make_staff(role: str, stores=(), language: str = "en", **user_kwargs):
    """Create a user with a staff role at ``stores`` (through the real service).

    The user reads English unless ``language`` says otherwise; ``language=""``
    follows the store's market (a Danish store's staff read Danish), as a
    user who never chose does.
    """
    user = UserFactory(**user_kwargs)
    staff_assign_role(user=user, role=role, stores=list(stores))
    if language is not None:
        user_language_set(user=user, language=language)
    user.refresh_from_db()
    return user


def make_api_client(channel=None, store=None, name="Test client"):
    """Create a channel client and return ``(client, plain_key)``."""
    channel = channel or ChannelFactory()
    client = ApiClient.objects.create(name=name, channel=channel, store=store)
    _, key = api_key_issue(client=client)
    return client, key
