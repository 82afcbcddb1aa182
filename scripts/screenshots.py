"""Phone-size screenshots (390 x 844) of the main store journeys, for docs/screenshots/.

Starts nothing itself: point it at a running server with data (``make run`` seeds the
demo chain) and a store login. It drives Debian's headless Chromium through Playwright
the way the browser tests do (``tests/browser/conftest.py``) and walks the pages as a clerk
would: home, the work queue, an order being picked, hand-over, stock and product lookup,
shelf labels, returns. One screen each (``--full-page`` for whole pages); each PNG should stay
under 150 KB, and the script says when one does not.

    make run   # in another shell
    .venv/bin/python scripts/screenshots.py --url http://127.0.0.1:8000 \\
        --user manager-dk-cph01 --password demo-password
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _browser_settings() -> tuple[str, list[str]]:
    """The Chromium and its flags the browser tests use (they import Django settings)."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "retail.settings")
    django.setup()
    from tests.browser.conftest import CHROMIUM_ARGS
    from tests.conftest import CHROMIUM

    if not CHROMIUM:
        raise SystemExit("No Chromium found (set CHROMIUM_PATH).")
    return CHROMIUM, CHROMIUM_ARGS


PHONE = {"width": 390, "height": 844}
LIMIT = 150_000


def _shoot(page, out: Path, name: str, *, full_page: bool = False) -> None:
    path = out / f"{name}.png"
    png = page.screenshot(full_page=full_page)
    path.write_bytes(png)
    flag = "" if len(png) <= LIMIT else "  (over 150 KB: try without --full-page)"
    print(f"{path}: {len(png) // 1024} KB{flag}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the running server")
    parser.add_argument("--user", default="manager-dk-cph01")
    parser.add_argument("--password", default="demo-password")
    parser.add_argument("--pickup-code", default="", help="of an order ready at the store")
    parser.add_argument(
        "--customer", default="", help="e-mail, phone or member number of a customer with purchases"
    )
    parser.add_argument("--locale", default="en-GB", help="the browser's language")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--full-page", action="store_true", help="whole pages, not one screen")
    args = parser.parse_args(argv)

    from playwright.sync_api import expect, sync_playwright

    base = args.url.rstrip("/")
    args.out.mkdir(parents=True, exist_ok=True)
    full = args.full_page
    chromium, chromium_args = _browser_settings()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=chromium_args)
        context = browser.new_context(
            viewport=PHONE, locale=args.locale, device_scale_factor=1, has_touch=True
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            page.goto(f"{base}/store/login/?next=/store/")
            page.locator("#id_username").fill(args.user)
            page.locator("#id_password").fill(args.password)
            page.locator("form.stack button[type=submit]").tap()
            expect(page).to_have_url(f"{base}/store/")
            _shoot(page, args.out, "home", full_page=full)

            page.goto(f"{base}/store/orders/")
            _shoot(page, args.out, "queue", full_page=full)

            # The first order of the queue's new or picking section: its picking page.
            link = page.locator(
                '[data-testid="section-new"] td a, [data-testid="section-picking"] td a'
            ).first
            link.tap()
            expect(page.get_by_test_id("order")).to_be_visible()
            _shoot(page, args.out, "order-picking", full_page=full)
            sku = page.locator("tr[data-sku]").first.get_attribute("data-sku") or ""
            missing = page.locator(".short-pick summary").first
            if missing.count():
                missing.tap()
                missing.scroll_into_view_if_needed()
                _shoot(page, args.out, "order-short-pick", full_page=full)

            # With a ready order's code the page shows the order to hand over; else the lookup.
            query = f"?code={args.pickup_code}" if args.pickup_code else ""
            page.goto(f"{base}/store/orders/hand-over/{query}")
            _shoot(page, args.out, "hand-over", full_page=full)

            page.goto(f"{base}/store/stock/?code={sku}")
            _shoot(page, args.out, "stock-lookup", full_page=full)

            page.goto(f"{base}/store/products/?code={sku}")
            _shoot(page, args.out, "product-lookup", full_page=full)

            page.goto(f"{base}/store/labels/")
            _shoot(page, args.out, "labels", full_page=full)

            # Returns at the counter: the customer's purchases, then the first one to take back.
            query = f"?q={args.customer}" if args.customer else ""
            page.goto(f"{base}/store/returns/{query}")
            _shoot(page, args.out, "returns-find", full_page=full)
            take_back = page.locator('[data-testid="customer-purchases"] a.button').first
            if args.customer and take_back.count():
                take_back.tap()
                _shoot(page, args.out, "returns-choose", full_page=full)
        finally:
            context.close()
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
