"""Scanning with the phone's camera where the browser can (BarcodeDetector + getUserMedia).

Headless Chromium has no camera and (on Linux) no BarcodeDetector, so the page is given a
fake of both before it loads: the fake camera films a grey canvas and the fake detector
"reads" the codes the test queues in ``window.__codes``. Without BarcodeDetector the
button stays hidden and typing (or a scanner that types) works as before.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from tests.browser.handheld_world import LONG_GTIN, LONG_NAME, LONG_SKU, make_handheld_world

PHONE = {"width": 390, "height": 844}

FAKE_CAMERA = """
window.__codes = [];
window.__detectorFormats = null;
window.BarcodeDetector = class {
  constructor(options) { window.__detectorFormats = (options && options.formats) || []; }
  static async getSupportedFormats() { return ["ean_13", "code_128", "qr_code"]; }
  async detect(source) {
    if (!(source instanceof HTMLVideoElement) || !source.srcObject) throw new TypeError("no video");
    const code = window.__codes.shift();
    return code ? [{rawValue: code, format: "ean_13", boundingBox: {}, cornerPoints: []}] : [];
  }
};
const fakeGetUserMedia = async (constraints) => {
  window.__cameraAsked = constraints;
  const canvas = document.createElement("canvas");
  canvas.width = 64; canvas.height = 48;
  const paint = canvas.getContext("2d");
  paint.fillStyle = "#888"; paint.fillRect(0, 0, 64, 48);
  return canvas.captureStream(5);
};
if (navigator.mediaDevices) {
  navigator.mediaDevices.getUserMedia = fakeGetUserMedia;
} else {
  Object.defineProperty(navigator, "mediaDevices", {value: {getUserMedia: fakeGetUserMedia}});
}
"""
NO_DETECTOR = "delete window.BarcodeDetector;"


@pytest.fixture
def handheld(db):
    return make_handheld_world(at=timezone.now())


def _phone(browser, live_server, handheld, script: str):
    from django.contrib.auth import get_user_model

    context = browser.new_context(viewport=PHONE, locale="en-GB", has_touch=True)
    context.add_init_script(script)
    client = Client()
    client.force_login(get_user_model().objects.get(username=handheld.users["en"]))
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_scan_camera_reads_a_code_into_the_field_and_looks_it_up(live_server, handheld, browser):
    from playwright.sync_api import expect

    context, page = _phone(browser, live_server, handheld, FAKE_CAMERA)
    try:
        page.goto(f"{live_server.url}/store/products/")
        button = page.get_by_role("button", name="Scan with camera")
        expect(button).to_be_visible()
        button.tap()
        dialog = page.get_by_role("dialog", name="Scan with camera")
        expect(dialog).to_be_visible()
        expect(dialog.locator("video")).to_have_js_property("paused", False)
        assert page.evaluate("window.__cameraAsked.video.facingMode") == "environment"
        assert "ean_13" in page.evaluate("window.__detectorFormats")
        page.evaluate(f"window.__codes.push({LONG_GTIN!r})")

        expect(page.get_by_test_id("product").get_by_role("heading", level=2)).to_have_text(
            LONG_NAME
        )
        expect(page).to_have_url(f"{live_server.url}/store/products/?code={LONG_GTIN}")
        expect(page.get_by_label("SKU, GTIN or product name")).to_have_value(LONG_GTIN)
        expect(page.get_by_role("dialog")).to_have_count(0)

        # Cancel closes the camera and changes nothing.
        page.get_by_role("button", name="Scan with camera").tap()
        page.get_by_role("dialog").get_by_role("button", name="Cancel").tap()
        expect(page.get_by_role("dialog")).to_have_count(0)
        expect(page.get_by_label("SKU, GTIN or product name")).to_have_value(LONG_GTIN)

        # The hand-over code field has its own button; the labels list collects scans, one a
        # line, without sending the form.
        page.goto(f"{live_server.url}/store/orders/hand-over/")
        expect(page.get_by_test_id("scan-pickup-code")).to_be_visible()
        page.goto(f"{live_server.url}/store/labels/")
        codes = page.get_by_label("SKUs or barcodes, one a line (scan them one after another)")
        for code in (LONG_SKU, "SHIRT"):
            page.get_by_test_id("scan-label-codes").tap()
            page.evaluate(f"window.__codes.push({code!r})")
            expect(page.get_by_role("dialog")).to_have_count(0)
        expect(codes).to_have_value(f"{LONG_SKU}\nSHIRT\n")
        expect(page).to_have_url(f"{live_server.url}/store/labels/")
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_scan_camera_button_absent_without_barcode_detector_typing_works(
    live_server, handheld, browser
):
    from playwright.sync_api import expect

    context, page = _phone(browser, live_server, handheld, NO_DETECTOR)
    try:
        for path in ("/store/products/", "/store/stock/", "/store/orders/hand-over/", "/store/"):
            page.goto(live_server.url + path)
            expect(page.locator("[data-scan-for]").first).to_be_hidden()
            expect(page.get_by_role("button", name="Scan with camera")).to_have_count(0)
        page.goto(f"{live_server.url}/store/products/")
        field = page.get_by_label("SKU, GTIN or product name")
        expect(field).to_be_focused()  # a scanner wedge types into it without a tap
        page.keyboard.type(LONG_GTIN)
        page.keyboard.press("Enter")
        expect(page.get_by_test_id("product").get_by_role("heading", level=2)).to_have_text(
            LONG_NAME
        )
    finally:
        context.close()
