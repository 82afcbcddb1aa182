"""GTIN barcodes as inline SVG for store pages: pick lists, shelf labels (python-barcode)."""

from __future__ import annotations

import io

import barcode
from barcode.writer import SVGWriter
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# EAN/UPC by length; anything else (GTIN-14, odd codes) as Code 128.
_KINDS = {8: "ean8", 12: "upca", 13: "ean13"}
_OPTIONS = {
    "module_width": 0.3,
    "module_height": 9.0,
    "quiet_zone": 2.0,
    "font_size": 7,
    "text_distance": 3.0,
}


def _svg(kind: str, code: str) -> str:
    out = io.BytesIO()
    barcode.get(kind, code, writer=SVGWriter()).write(out, options=_OPTIONS)
    text = out.getvalue().decode("utf-8")
    # Inline in HTML: drop the XML declaration and doctype.
    return text[text.index("<svg") :]


def gtin_svg(gtin: str) -> SafeString:
    """Return ``gtin`` as an inline ``<svg>`` barcode (EAN-13/8, UPC-A, else Code 128).

    An empty GTIN gives an empty string; a code the EAN/UPC encoders refuse
    (bad check digit) falls back to Code 128 so the pick list still prints.
    """
    if not gtin:
        return mark_safe("")
    kind = _KINDS.get(len(gtin), "code128") if gtin.isdigit() else "code128"
    try:
        svg = _svg(kind, gtin)
    except Exception:  # python-barcode raises several unrelated errors for bad input
        svg = _svg("code128", gtin)
    label = escape(f"GTIN {gtin}")
    # Our own generator's markup with the code escaped inside it: safe to inline.
    tagged = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" class="barcode" ', 1)
    return mark_safe(tagged)  # noqa: S308
