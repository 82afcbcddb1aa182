"""Every store page on a phone (390 x 844) and a desktop (1280 x 800), in English and Nordic.

(And, in English, on a phone turned sideways and a small tablet.)

For each page of ``store_pages.PAGES``: nothing scrolls sideways, every action (buttons,
links in forms, the tabs) lies within the screen's width, is at least 44 px tall and is
what a tap at its centre reaches; on a phone the header is at most 64 px and every table
stacks (``table--stack``, each cell labelled). Then picking and handing over an order at
phone size in Danish, Swedish and Norwegian.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext, override

from orders.models import Order
from tests.browser.conftest import ARTIFACTS
from tests.browser.handheld_world import LONG_NAME, LONG_SKU, make_handheld_world
from tests.browser.store_pages import PAGES, page_language

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = {
    "phone": PHONE,
    "desktop": DESKTOP,
    # Between the two: a phone turned sideways and a small tablet, where tables do not stack.
    "phone-landscape": {"width": 844, "height": 390},
    "small-tablet": {"width": 700, "height": 1000},
}
CASES = [
    ("phone", "en"),
    ("phone", "nordic"),
    ("desktop", "en"),
    ("desktop", "nordic"),
    ("phone-landscape", "en"),
    ("small-tablet", "en"),
]
LOCALES = {"en": "en-GB", "da": "da-DK", "sv": "sv-SE", "nb": "nb-NO"}

# Runs in the page: what is wrong with its layout, as readable lines (empty: nothing).
LAYOUT_PROBLEMS = """
({phone}) => {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth) {
    const wide = [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
      .slice(-3).map((el) => el.tagName.toLowerCase() + "." + el.className);
    const widths = `${doc.scrollWidth} > ${window.innerWidth}`;
    problems.push(`scrolls sideways: ${widths} (${wide.join(", ")})`);
  }
  const selector = [
    "button", "summary", "a.button", "form a", "input[type=submit]",
    ".site-nav a", ".order-nav a", ".queue-tabs a",
  ].join(", ");
  for (const el of document.querySelectorAll(selector)) {
    // Not shown: hidden, not rendered, or inside a closed <details> (its summary is shown).
    const closed = el.closest("details:not([open])");
    if (closed && !(el.tagName === "SUMMARY" && el.parentElement === closed)) continue;
    if (!el.getClientRects().length || !el.checkVisibility({visibilityProperty: true})) continue;
    el.scrollIntoView({block: "center", inline: "nearest"});
    const box = el.getBoundingClientRect();
    const name = (el.getAttribute("aria-label") || el.innerText || el.tagName).trim().slice(0, 50);
    const wrong = [];
    if (box.left < -0.5 || box.right > window.innerWidth + 0.5) {
      wrong.push(`outside the screen (${Math.round(box.left)}..${Math.round(box.right)})`);
    }
    if (box.height < 43.5) wrong.push(`${box.height.toFixed(1)} px tall`);
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    if (!hit || !(hit === el || el.contains(hit))) {
      wrong.push(`a tap reaches ${hit ? hit.outerHTML.slice(0, 70) : "nothing"}`);
    }
    if (wrong.length) problems.push(`"${name}": ${wrong.join(", ")}`);
  }
  if (phone) {
    const header = document.querySelector(".site-header");
    if (header && header.getBoundingClientRect().height > 64) {
      problems.push(`header ${header.getBoundingClientRect().height} px tall`);
    }
    for (const table of document.querySelectorAll("main table")) {
      if (!table.classList.contains("table--stack")) problems.push("a table without table--stack");
      const bare = [...table.querySelectorAll("td")].filter((td) => !td.hasAttribute("data-label"));
      if (bare.length) problems.push(`${bare.length} cells without data-label`);
    }
  }
  window.scrollTo(0, 0);
  return problems;
}
"""


@pytest.fixture
def handheld(db):
    return make_handheld_world(at=timezone.now())


def _context(browser, live_server, viewport, language, user_name=None):
    """A browser context in ``language``, logged in as ``user_name`` (a session cookie)."""
    context = browser.new_context(viewport=viewport, locale=LOCALES[language])
    if user_name:
        from django.contrib.auth import get_user_model

        client = Client()
        client.force_login(get_user_model().objects.get(username=user_name))
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
    return context


def layout_problems(page, *, phone: bool) -> list[str]:
    return page.evaluate(LAYOUT_PROBLEMS, {"phone": phone})


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("size", "languages"), CASES)
def test_handheld_every_store_page_fits_and_its_actions_can_be_tapped(
    live_server, handheld, browser, size, languages
):
    viewport = VIEWPORTS[size]
    contexts: dict[tuple[str, bool], object] = {}
    failures: list[str] = []
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        for index, store_page in enumerate(PAGES):
            language = "en" if languages == "en" else page_language(index)
            key = (language, store_page.anonymous)
            if key not in contexts:
                user = None if store_page.anonymous else handheld.users[language]
                contexts[key] = _context(browser, live_server, viewport, language, user)
            page = contexts[key].new_page()
            page.set_default_timeout(10_000)
            try:
                response = page.goto(live_server.url + store_page.path(handheld))
                where = f"{store_page.key} [{size}, {language}]"
                if response is None or response.status >= 400:
                    failures.append(f"{where}: status {response and response.status}")
                    continue
                lang = page.locator("html").get_attribute("lang")
                if lang != language:
                    failures.append(f"{where}: html lang {lang!r}")
                failures.extend(
                    f"{where}: {problem}"
                    for problem in layout_problems(page, phone=size == "phone")
                )
                if size == "phone" and languages == "en":
                    page.screenshot(
                        path=ARTIFACTS / f"handheld-{store_page.key}.png", full_page=True
                    )
            finally:
                page.close()
    finally:
        for context in contexts.values():
            context.close()
    assert failures == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["da", "sv", "nb"])
def test_handheld_clerk_picks_and_hands_over_on_a_phone(live_server, handheld, browser, language):
    from playwright.sync_api import expect

    order = handheld.order("new")
    with override(language):
        word = {
            "user_name": gettext("User name"),
            "password": gettext("Password"),
            "log_in": gettext("Log in"),
            "click_and_collect": gettext("Click and collect"),
            "print_ticked": gettext("Print pick list for ticked orders"),
            "open_picking": gettext("Open the picking page"),
            "picked_shirt": gettext("Picked: %(name)s") % {"name": "Linen shirt"},
            "picked_sheet": gettext("Picked: %(name)s") % {"name": LONG_NAME},
            "missing": gettext("Missing or damaged?"),
            "remove": gettext("Remove and refund"),
            "ready": gettext("Ready for pickup"),
            "status_ready": str(Order.Status.READY.label),
            "hand_over": gettext("Hand over"),
            "pickup_code": gettext("Pickup code"),
            "find": gettext("Find order"),
        }
    context = browser.new_context(viewport=PHONE, locale=LOCALES[language], has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems: list[str] = []

    def check(step: str) -> None:
        problems.extend(f"{step}: {p}" for p in layout_problems(page, phone=True))

    try:
        page.goto(f"{live_server.url}/store/login/?next=/store/")
        page.get_by_label(word["user_name"]).fill(handheld.users[language])
        page.get_by_label(word["password"]).fill("pw-for-tests")
        page.get_by_role("button", name=word["log_in"]).tap()
        expect(page).to_have_url(f"{live_server.url}/store/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        check("home")

        page.locator(".site-nav").get_by_role("link", name=word["click_and_collect"]).tap()
        expect(page).to_have_url(f"{live_server.url}/store/orders/")
        new = page.get_by_test_id("section-new")
        expect(new).to_be_visible()
        check("queue")
        new.locator(f'tr[data-order="{order.number}"]').get_by_role("checkbox").check()
        new.get_by_role("button", name=word["print_ticked"]).tap()
        expect(page.get_by_test_id("pick-order")).to_contain_text(order.number)
        check("pick list")

        page.get_by_role("link", name=word["open_picking"]).tap()
        expect(page).to_have_url(f"{live_server.url}/store/orders/{order.number}/")
        page.get_by_role("button", name=word["picked_shirt"]).tap()
        expect(page.locator(".message--success")).to_be_visible()
        expect(page.get_by_role("button", name=word["picked_shirt"])).to_have_count(0)
        page.get_by_role("button", name=word["picked_sheet"]).tap()
        expect(page.get_by_role("button", name=word["picked_sheet"])).to_have_count(0)
        mug = page.locator('tr[data-sku="MUG"]')
        mug.get_by_text(word["missing"]).tap()
        check("order, short-pick open")
        mug.get_by_role("link", name=word["remove"]).tap()
        expect(page).to_have_url(re.compile(r"/lines/\d+/remove/$"))
        check("remove and refund, confirm")
        page.get_by_test_id("remove-confirm-button").tap()
        expect(page).to_have_url(re.compile(rf"/store/orders/{order.number}/"))
        expect(page.locator('tr[data-sku="MUG"]').get_by_text(word["missing"])).to_have_count(0)
        page.get_by_role("button", name=word["ready"]).tap()
        expect(page.get_by_test_id("order-status")).to_have_text(word["status_ready"])
        check("order, ready")

        code = handheld.order("new").pickup_code
        page.locator(".order-nav").get_by_role("link", name=word["hand_over"]).tap()
        expect(page).to_have_url(f"{live_server.url}/store/orders/hand-over/")
        page.get_by_label(word["pickup_code"]).fill(code.lower())
        page.get_by_role("button", name=word["find"]).tap()
        found = page.get_by_test_id("hand-over-order")
        expect(found).to_contain_text(order.number)
        check("hand-over")
        found.locator("form button[type=submit]").tap()
        expect(page.locator(".message--success")).to_contain_text(order.number)
        page.screenshot(path=ARTIFACTS / f"handheld-journey-{language}.png", full_page=True)
    finally:
        context.close()
    assert problems == []
    done = handheld.order("new")
    assert done.status == Order.Status.COLLECTED
    assert {line.sku: line.status for line in done.lines.all()} == {
        LONG_SKU: "picked",
        "SHIRT": "picked",
        "MUG": "removed",
    }
