"""The API client admin: keys listed without hashes, rotated with a grace period, revoked."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from retail.models import ApiClient, ApiClientKey
from retail.services.api_clients import DEFAULT_ROTATION_GRACE
from tests.factories import ChannelFactory, StoreFactory, make_api_client, make_staff

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:retail_apiclient_changelist")


@pytest.fixture
def hq_client(client):
    client.force_login(make_staff("hq", username="hq-anna"))
    return client


@pytest.fixture
def webshop():
    return make_api_client(channel=ChannelFactory(code="WEB-DK"), name="Webshop DK")


def _me_status(key: str) -> int:
    return APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Api-Key {key}").status_code


def _rotate(client, api_client):
    response = client.post(
        CHANGELIST, {"action": "rotate_key", "_selected_action": [api_client.pk]}
    )
    assert response.status_code == 200
    page = response.content.decode()
    keys = re.findall(r"<code>([^<]+)</code>", page)
    assert len(keys) == 1, page
    return keys[0], response


def test_admin_rotate_key_shows_new_key_once_and_old_key_has_grace(hq_client, webshop):
    api_client, old_key = webshop
    new_key, response = _rotate(hq_client, api_client)
    page = response.content.decode()
    assert "will not be shown again" in page
    assert new_key != old_key
    # The key left in this response only: not in a cookie, not on the next page.
    assert all(new_key not in morsel.value for morsel in response.cookies.values())
    assert new_key not in hq_client.get(CHANGELIST).content.decode()

    assert _me_status(new_key) == 200
    assert _me_status(old_key) == 200  # still inside the grace period
    later = timezone.now() + DEFAULT_ROTATION_GRACE + timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert _me_status(old_key) in (401, 403)
        assert _me_status(new_key) == 200


def test_admin_revoke_all_keys_stops_authentication(hq_client, webshop):
    api_client, old_key = webshop
    new_key, _ = _rotate(hq_client, api_client)
    response = hq_client.post(
        CHANGELIST, {"action": "revoke_all_keys", "_selected_action": [api_client.pk]}, follow=True
    )
    assert "Revoked 2 keys." in response.content.decode()
    assert _me_status(old_key) in (401, 403)
    assert _me_status(new_key) in (401, 403)
    assert not ApiClientKey.objects.filter(client=api_client, revoked=False).exists()


def test_admin_api_client_page_lists_keys_without_hashes(hq_client, webshop):
    api_client, _ = webshop
    api_key = api_client.keys.get()
    page = hq_client.get(
        reverse("admin:retail_apiclient_change", args=[api_client.pk])
    ).content.decode()
    assert api_key.prefix in page
    assert api_key.hashed_key not in page
    assert api_key.pk not in page


def test_admin_api_client_add_goes_through_service_and_checks_pos_store(hq_client):
    pos = ChannelFactory(code="POS-DK", kind="pos")
    add_url = reverse("admin:retail_apiclient_add")
    refused = hq_client.post(add_url, {"name": "Till 1", "channel": pos.pk})
    assert refused.status_code == 200
    assert "stands in one store" in refused.content.decode()
    assert not ApiClient.objects.exists()

    store = StoreFactory(code="CPH01")
    created = hq_client.post(add_url, {"name": "Till 1", "channel": pos.pk, "store": store.pk})
    assert created.status_code == 302
    client = ApiClient.objects.get()
    assert (client.channel, client.store, client.is_active) == (pos, store, True)
    assert not client.keys.exists()


def test_admin_api_clients_hidden_from_store_managers(client):
    store = StoreFactory(code="CPH01")
    make_api_client(channel=ChannelFactory(code="POS-DK", kind="pos"), store=store)
    client.force_login(make_staff("store_manager", stores=[store], username="manager"))
    assert client.get(CHANGELIST).status_code == 403


def test_admin_user_list_shows_staff_role(client):
    superuser = get_user_model().objects.create_superuser("root", "r@example.com", "pw")
    make_staff("store_clerk", stores=[StoreFactory(code="CPH01")], username="clerk")
    client.force_login(superuser)
    page = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "Store clerk" in page
