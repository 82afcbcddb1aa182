"""The one caller scope of every API: a key fixes its channel and store, staff name theirs."""

import uuid
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from retail.api.auth import ApiClientUser
from retail.api.permissions import IsApiClientOrHQReader
from retail.api.scope import (
    api_client,
    call_channel,
    call_store,
    customer_get,
    key_store,
    store_get,
)
from retail.errors import (
    ApiKeyRequiredError,
    ChannelNotAllowedError,
    ChannelNotFoundError,
    ChannelRequiredError,
    CustomerNotFoundError,
    StoreKeyRequiredError,
    StoreNotAllowedError,
    StoreNotFoundError,
    StoreRequiredError,
)
from retail.models import StaffRole
from tests.factories import (
    ChannelFactory,
    CustomerFactory,
    StoreFactory,
    make_api_client,
    make_staff,
)

pytestmark = pytest.mark.django_db


def _key(channel, store=None):
    """A request as the key authentication leaves it: ``auth`` is the client."""
    client, _ = make_api_client(channel=channel, store=store)
    return SimpleNamespace(auth=client, user=ApiClientUser(client), method="POST")


def _user(user, method="GET"):
    return SimpleNamespace(auth=None, user=user, method=method)


@pytest.fixture
def web():
    return ChannelFactory(code="WEB-DK", kind="webshop")


@pytest.fixture
def pos():
    return ChannelFactory(code="POS-DK", kind="pos")


@pytest.fixture
def cph():
    return StoreFactory(code="DK-CPH01")


@pytest.fixture
def aar():
    return StoreFactory(code="DK-AAR01")


def _raises(error_class, call, *, field=None):
    with pytest.raises(error_class) as caught:
        call()
    assert caught.value.field == field
    return caught.value


def test_call_channel_key_fixes_its_channel_and_refuses_another(web):
    request = _key(web)
    ChannelFactory(code="APP-DK", kind="app")

    assert call_channel(request) == web
    assert call_channel(request, channel_code="WEB-DK", required=True) == web
    error = _raises(
        ChannelNotAllowedError,
        lambda: call_channel(request, channel_code="APP-DK"),
        field="channel",
    )
    assert (error.status, error.extra) == (403, {"channel": "WEB-DK"})


def test_call_channel_staff_name_an_active_channel_or_none(web):
    request = _user(make_staff(StaffRole.HQ))
    ChannelFactory(code="OLD-DK", is_active=False)

    assert call_channel(request) is None
    assert call_channel(request, channel_code="WEB-DK") == web
    required = _raises(
        ChannelRequiredError, lambda: call_channel(request, required=True), field="channel"
    )
    assert required.status == 400
    for code in ("NOPE", "OLD-DK"):
        error = _raises(
            ChannelNotFoundError,
            lambda c=code: call_channel(request, channel_code=c),
            field="channel",
        )
        assert (error.status, error.extra) == (400, {"channel": code})


def test_call_store_store_key_is_bound_to_its_store(pos, cph, aar):
    request = _key(pos, store=cph)

    assert call_store(request) == cph
    assert call_store(request, store_code="DK-CPH01", required=True, own_only=True) == cph
    error = _raises(
        StoreNotAllowedError, lambda: call_store(request, store_code="DK-AAR01"), field="store"
    )
    assert (error.status, error.extra) == (403, {"store": "DK-CPH01"})


def test_call_store_channel_key_names_any_active_store(web, cph, aar):
    request = _key(web)
    StoreFactory(code="DK-OLD01", is_active=False)

    assert call_store(request) is None
    assert call_store(request, store_code="DK-AAR01", own_only=True) == aar
    _raises(StoreRequiredError, lambda: call_store(request, required=True), field="store")
    for code in ("NOPE", "DK-OLD01"):
        error = _raises(
            StoreNotFoundError, lambda c=code: call_store(request, store_code=c), field="store"
        )
        assert (error.status, error.extra) == (400, {"store": code})


def test_call_store_own_only_keeps_store_staff_to_their_stores(cph, aar):
    clerk = _user(make_staff(StaffRole.STORE_CLERK, stores=[cph]))
    hq = _user(make_staff(StaffRole.HQ))

    assert call_store(clerk, store_code="DK-AAR01") == aar  # not own_only: any store
    assert call_store(clerk, store_code="DK-CPH01", own_only=True) == cph
    assert call_store(hq, store_code="DK-AAR01", own_only=True) == aar
    error = _raises(
        StoreNotAllowedError,
        lambda: call_store(clerk, store_code="DK-AAR01", own_only=True),
        field="store",
    )
    assert (error.status, error.extra) == (403, {"store": "DK-AAR01"})


def test_store_get_names_the_field_it_was_given(cph):
    assert store_get("") is None
    assert store_get("DK-CPH01", field="collect_store") == cph
    error = _raises(
        StoreNotFoundError, lambda: store_get("NOPE", field="source_store"), field="source_store"
    )
    assert error.code == "store_not_found" and error.extra == {"store": "NOPE"}


def test_customer_get_by_public_id():
    customer = CustomerFactory()

    assert customer_get(None) is None
    assert customer_get(customer.public_id) == customer
    error = _raises(CustomerNotFoundError, lambda: customer_get(uuid.uuid4()), field="customer")
    assert error.status == 404


def test_api_client_and_key_store_need_a_key_and_a_store(web, pos, cph):
    till = _key(pos, store=cph)
    staff = _user(make_staff(StaffRole.HQ))

    assert api_client(till) == till.auth
    assert key_store(till) == cph
    assert _raises(ApiKeyRequiredError, lambda: api_client(staff)).status == 403
    assert _raises(ApiKeyRequiredError, lambda: key_store(staff)).status == 403
    assert _raises(StoreKeyRequiredError, lambda: key_store(_key(web))).status == 403


def test_is_api_client_or_hq_reader_lets_hq_read_and_keys_write(web, cph):
    permission = IsApiClientOrHQReader()
    hq = make_staff(StaffRole.HQ)
    clerk = make_staff(StaffRole.STORE_CLERK, stores=[cph])

    assert permission.has_permission(_key(web), None)
    assert permission.has_permission(_user(hq, "GET"), None)
    assert not permission.has_permission(_user(hq, "POST"), None)
    assert not permission.has_permission(_user(clerk, "GET"), None)
    assert not permission.has_permission(_user(AnonymousUser(), "GET"), None)
