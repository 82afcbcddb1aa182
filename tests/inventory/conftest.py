"""Fixtures shared by the inventory test modules: the small chain, and API keys in it."""

import pytest

from tests.factories import ChannelFactory, make_api_client
from tests.inventory.api_support import api_client
from tests.inventory.helpers import make_chain


@pytest.fixture
def chain(db):
    return make_chain()


@pytest.fixture
def web(chain):
    _, key = make_api_client(channel=chain.webshop, name="Webshop DK")
    return api_client(key)


@pytest.fixture
def pos(chain):
    channel = ChannelFactory(code="POS-DK", name="Stores DK", kind="pos")
    _, key = make_api_client(channel=channel, store=chain.cph, name="POS CPH till 1")
    return api_client(key)
