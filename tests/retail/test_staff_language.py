"""The language staff read: their own choice, else their store's market, else the browser's."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from retail.i18n.services import user_language_set
from retail.store.access import SESSION_STORE_KEY
from tests.factories import StoreFactory, make_staff
from tests.orders.world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = make_world()
    world.place([("SHIRT", 1)])
    return world


def _queue(client, **headers):
    return client.get(reverse("orders:queue"), headers=headers)


def test_staff_language_danish_store_manager_reads_the_queue_in_danish_without_choosing(
    client, world
):
    client.force_login(make_staff("store_manager", stores=[world.cph], language=""))

    response = _queue(client)

    html = response.content.decode()
    assert response["Content-Language"] == "da"
    assert "<th>Ordre</th>" in html  # a purchase order, not a sort order
    assert "Rækkefølge" not in html
    assert "Klik og hent: arbejdskø" in html
    assert "Udskriv plukliste for de afkrydsede ordrer" in html
    for english in ("Work queue", "Print pick list", "Customer", "Promised", "Log out"):
        assert f">{english}<" not in html


def test_staff_language_the_users_choice_wins_over_the_market(client, world):
    client.force_login(make_staff("store_clerk", stores=[world.cph], language="sv"))

    response = _queue(client, accept_language="da")

    html = response.content.decode()
    assert response["Content-Language"] == "sv"
    assert "<th>Order</th>" in html
    assert "Klicka och hämta: arbetskö" in html
    assert "Skriv ut plocklista för markerade ordrar" in html


def test_staff_language_follows_the_store_picked_in_the_session(client, world):
    malmo = StoreFactory(code="SE-MMA01", name="Malmö Södergatan", country="SE")
    user = make_staff("store_manager", stores=[world.cph, malmo], language="")
    client.force_login(user)

    assert _queue(client)["Content-Language"] == "da"  # DK-CPH01 comes first by code

    client.post(reverse("store:select_store"), {"store": malmo.code})
    assert client.session[SESSION_STORE_KEY] == malmo.pk
    assert _queue(client)["Content-Language"] == "sv"


def test_staff_language_without_a_market_falls_back_to_the_browser_then_english(client, world):
    helsinki = StoreFactory(code="FI-HEL01", name="Helsinki", country="FI")
    client.force_login(make_staff("store_clerk", stores=[helsinki], language=""))
    assert (
        client.get(reverse("store:home"), headers={"accept-language": "nb"})["Content-Language"]
        == "nb"
    )
    assert client.get(reverse("store:home"))["Content-Language"] == "en"

    client.force_login(make_staff("hq", language=""))  # HQ keeps no store, so no market
    response = client.get(reverse("store:home"), headers={"accept-language": "sv,en;q=0.5"})
    assert response["Content-Language"] == "sv"
    assert "Min butik" in response.content.decode()


def test_language_page_saves_the_choice_and_empty_follows_the_market_again(client, world):
    client.force_login(make_staff("store_clerk", stores=[world.cph], language=""))
    page = client.get(reverse("store:language"))
    assert page.status_code == 200
    assert "Min butiks sprog (dansk)" in page.content.decode()

    response = client.post(
        reverse("store:language"), {"language": "nb", "next": reverse("orders:queue")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("orders:queue")
    queue = _queue(client)
    assert queue["Content-Language"] == "nb"
    assert "Klikk og hent: arbeidskø" in queue.content.decode()

    client.post(reverse("store:language"), {"language": ""})
    assert _queue(client)["Content-Language"] == "da"

    refused = client.post(reverse("store:language"), {"language": "xx"})
    assert refused.status_code == 403
    assert _queue(client)["Content-Language"] == "da"


def test_store_header_links_to_the_language_page(client, world):
    client.force_login(make_staff("store_clerk", stores=[world.cph], language=""))
    html = client.get(reverse("store:home")).content.decode()
    assert 'data-testid="language-link"' in html
    assert "Sprog: dansk" in html


def test_admin_in_danish_says_tilfoej_kampagne(client, world):
    client.force_login(make_staff("hq", language="da"))

    response = client.get(reverse("admin:pricing_campaign_add"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Tilføj kampagne" in html
    assert "Tilføj campaign" not in html


def test_admin_user_change_page_edits_the_language(client, world):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw-for-tests")
    clerk = make_staff("store_clerk", stores=[world.cph], language="")
    user_language_set(user=admin, language="sv")
    client.force_login(admin)

    html = client.get(reverse("admin:auth_user_change", args=[clerk.pk])).content.decode()

    assert 'name="preference-0-language"' in html
    assert "Lägg till" in html or "Ändra användare" in html  # the admin itself reads Swedish


def test_staff_language_leaves_api_requests_to_the_api(client, world):
    client.force_login(make_staff("store_manager", stores=[world.cph], language=""))

    response = client.get("/api/v1/no-such-endpoint/")

    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Language"] == "en"
