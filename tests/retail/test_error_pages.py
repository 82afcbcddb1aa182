"""The 403 and 404 pages say what to do, in the store's styling; the API keeps its JSON."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import StoreFactory, UserFactory, make_staff

pytestmark = pytest.mark.django_db


def test_tests_run_with_debug_off_so_the_real_pages_render():
    assert settings.DEBUG is False


def test_404_page_for_store_staff_points_back_to_my_store(client):
    client.force_login(make_staff("store_clerk", stores=[StoreFactory()]))

    response = client.get("/store/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-testid="error-404"' in html
    assert "Page not found" in html
    assert f'href="{reverse("store:home")}"' in html and "Go back to My store" in html
    assert "tell HQ" in html
    assert "store/store.css" in html  # the store pages' styling
    assert 'name="viewport"' in html


def test_404_page_in_the_admin_points_back_to_the_admin_index(client):
    client.force_login(make_staff("hq"))

    response = client.get("/admin/no-such-app/no-such-model/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Go back to the admin index" in html
    assert f'href="{reverse("admin:index")}"' in html


def test_404_page_for_a_visitor_offers_to_sign_in(client):
    response = client.get("/store/nothing-here/")
    assert response.status_code == 404
    assert "Sign in" in response.content.decode()


def test_api_404_stays_json(client):
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"]


def test_403_page_in_the_admin_says_who_is_signed_in_and_what_to_do(client):
    client.force_login(make_staff("marketer", username="mia"))

    response = client.get(reverse("admin:orders_order_changelist"))

    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-testid="error-403"' in html
    assert "You are signed in as mia" in html
    assert "Sign in as another user" in html
    assert f"{reverse('store:login')}?next=/admin/orders/order/" in html
    assert "Go back to the admin index" in html
    assert "ask HQ to give your user access" in html


def test_403_page_is_translated(client):
    user = make_staff("marketer", language="da")
    client.force_login(user)
    response = client.get(reverse("admin:retail_customer_changelist"))
    assert response.status_code == 403
    assert 'lang="da"' in response.content.decode()
    html = response.content.decode()
    assert "Gå tilbage til" in html or "Log ind som" in html


def test_403_page_outside_the_admin_points_to_my_store(rf):
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    request = rf.get("/store/orders/")
    request.user = UserFactory()
    from django.utils import translation

    with translation.override("en"):
        response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "Go back to My store" in response.content.decode()
