"""One store journey in each language: log in, the queue, the pick list, the order.

A Danish clerk who never chose reads Danish (the store's market); the Swedish
and Norwegian clerks chose their language.  The login page follows the browser.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import ARTIFACTS
from tests.factories import make_staff
from tests.orders.world import make_world

JOURNEYS = {
    # language: (the user's choice, the browser's locale, labels seen, English that must not be)
    "da": (
        "",
        "da-DK",
        {
            "user_name": "Brugernavn",
            "password": "Adgangskode",
            "log_in": "Log ind",
            "queue": "Klik og hent: arbejdskø",
            "order_column": "Ordre",
            "print_ticked": "Udskriv plukliste for de afkrydsede ordrer",
            "pick_list": "Plukliste",
            "open_picking": "Åbn plukkesiden",
            "status": "Plukkes",
            "missing": "Mangler eller beskadiget?",
            "fulfilment": "Klik og hent",
        },
    ),
    "sv": (
        "sv",
        "sv-SE",
        {
            "user_name": "Användarnamn",
            "password": "Lösenord",
            "log_in": "Logga in",
            "queue": "Klicka och hämta: arbetskö",
            "order_column": "Order",
            "print_ticked": "Skriv ut plocklista för markerade ordrar",
            "pick_list": "Plocklista",
            "open_picking": "Öppna plocksidan",
            "status": "Plockas",
            "missing": "Saknas eller skadad?",
            "fulfilment": "Klicka och hämta",
        },
    ),
    "nb": (
        "nb",
        "nb-NO",
        {
            "user_name": "Brukernavn",
            "password": "Passord",
            "log_in": "Logg inn",
            "queue": "Klikk og hent: arbeidskø",
            "order_column": "Ordre",
            "print_ticked": "Skriv ut plukkliste for avkryssede ordrer",
            "pick_list": "Plukkliste",
            "open_picking": "Åpne plukkesiden",
            "status": "Plukkes",
            "missing": "Mangler eller skadet?",
            "fulfilment": "Klikk og hent",
        },
    ),
}
# English labels of these pages; none may be left in a translated page.
ENGLISH_LABELS = (
    "Work queue",
    "Pick list",
    "Print pick list",
    "Customer",
    "Promised",
    "Picking",
    "Missing or damaged?",
    "Log out",
    "My store",
    "Click and collect",
    "Click-and-collect",
    "Lines",
    "History",
)


@pytest.fixture
def viewport():
    return {"width": 1200, "height": 900}


def _english_left(text: str) -> list[str]:
    return [label for label in ENGLISH_LABELS if re.search(rf"\b{re.escape(label)}\b", text)]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", sorted(JOURNEYS))
def test_browser_store_journey_in_each_language(live_server, browser, viewport, language):
    from playwright.sync_api import expect

    choice, locale, label = JOURNEYS[language]
    world = make_world()
    make_staff("store_clerk", stores=[world.cph], username="clerk-cph", language=choice)
    order = world.place([("SHIRT", 1), ("MUG", 2)], at=timezone.now() - timedelta(hours=1))
    context = browser.new_context(viewport=viewport, locale=locale)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{live_server.url}/store/login/?next=/store/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        page.get_by_label(label["user_name"]).fill("clerk-cph")
        page.get_by_label(label["password"]).fill("pw-for-tests")
        page.get_by_role("button", name=label["log_in"]).click()

        page.get_by_test_id("home-work-queue").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(label["queue"])
        new = page.get_by_test_id("section-new")
        expect(new.locator("thead th").nth(1)).to_have_text(label["order_column"])
        row = new.locator(f'tr[data-order="{order.number}"]')
        expect(row).to_contain_text(label["fulfilment"])
        assert _english_left(page.locator("body").inner_text()) == []
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"queue-{language}.png", full_page=True)

        row.get_by_role("checkbox").check()
        new.get_by_role("button", name=label["print_ticked"]).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(label["pick_list"])
        expect(page.get_by_test_id("pick-order")).to_contain_text(order.number)
        assert _english_left(page.locator("body").inner_text()) == []

        page.get_by_role("link", name=label["open_picking"]).click()
        expect(page.get_by_test_id("order-status")).to_have_text(label["status"])
        expect(page.locator("main")).to_contain_text(label["missing"])
        assert _english_left(page.locator("body").inner_text()) == []
        page.screenshot(path=ARTIFACTS / f"order-{language}.png", full_page=True)
    finally:
        context.close()
