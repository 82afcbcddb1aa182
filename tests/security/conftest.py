"""The callers of issue 16's holes: two tills of two stores of one market, a webshop of another
market, and a chain-wide integration key (a client of the POS channel bound to no store)."""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from retail.models import ApiClient, Channel, Store
from tests.factories import ChannelFactory, StoreFactory, make_api_client


@dataclass
class Caller:
    api: APIClient
    client: ApiClient


@dataclass
class Callers:
    pos: Channel
    web_dk: Channel
    web_no: Channel
    store_a: Store
    store_b: Store
    till_a: Caller
    till_b: Caller
    web: Caller  # the Danish webshop
    web_norway: Caller
    erp: Caller  # chain-wide: the POS channel, no store


def caller(channel, store=None, name="client") -> Caller:
    client, key = make_api_client(channel=channel, store=store, name=name)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return Caller(api=api, client=client)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()  # throttles count in the cache
    yield
    cache.clear()


@pytest.fixture
def callers(db) -> Callers:
    pos = ChannelFactory(code="POS-DK", name="Stores DK", kind="pos")
    web_dk = ChannelFactory(code="WEB-DK", name="Webshop DK", kind="webshop")
    web_no = ChannelFactory(
        code="WEB-NO", name="Webshop NO", kind="webshop", country="NO", currency="NOK"
    )
    store_a = StoreFactory(code="DK-A01")
    store_b = StoreFactory(code="DK-B01")
    return Callers(
        pos=pos,
        web_dk=web_dk,
        web_no=web_no,
        store_a=store_a,
        store_b=store_b,
        till_a=caller(pos, store_a, "Till A"),
        till_b=caller(pos, store_b, "Till B"),
        web=caller(web_dk, name="Webshop DK"),
        web_norway=caller(web_no, name="Webshop NO"),
        erp=caller(pos, name="ERP"),
    )
