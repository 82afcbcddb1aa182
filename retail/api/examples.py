"""Summaries and examples of every API operation, documented beside the app that owns it.

Each app's ``api/docs.py`` defines ``DOCS``: operation id -> :class:`Operation`
(a short imperative summary, a description where the view has none, request
examples as :class:`Call` and a 2xx response example).  ``document_operations``,
a drf-spectacular post-processing hook, writes them into the schema: the
summary, the request body and parameter examples, and the response example.

The request examples use the demo data of ``manage.py seed_demo`` (SKUs,
store codes, customers, member numbers, coupon codes and the demo API keys), so
"Try it out" in ``/api/docs/`` works against ``make run``.  Values the demo
draws anew on every run (order numbers, pickup codes, gift card codes) are
shown as one such value and named in ``Call.demo``: the example's description
says where to find a current one, and ``tests/retail/test_api_examples.py``
fills one in before it runs every example against a freshly seeded chain.

A response example is the real answer of the operation's first example on
the small demo chain, recorded by that test (``RECORD_API_EXAMPLES=1``) into
``retail/api/examples.json``; an ``Operation.response`` given by hand wins.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import Any

from django.apps import apps
from django.utils.module_loading import module_has_submodule

RECORDED = Path(__file__).with_name("examples.json")

# The demo's API clients (retail.demo.api_clients) by what they stand for.
WEBSHOP_DK = "Webshop DK"
WEBSHOP_SE = "Webshop SE"
APP_DK = "App DK"
POS_DK = "POS DK-CPH01 till 1"
HQ = "hq"  # the demo's HQ user, signed in (imports take HQ or a chain-wide key)

# Demo values that are the same on every seed of every size.
# Frederik Mortensen: a Danish club member with a Danish webshop account.
CUSTOMER_FREDERIK = "2072c170-72c3-4ebf-92f3-37f29b5c7fa2"
MEMBER_FREDERIK = "7488575064"
# Signe Kristensen: a Danish webshop customer who is not a member yet.
CUSTOMER_SIGNE = "37c01a13-25d7-4b01-ab52-1c29454f8053"
# Camilla Rasmussen: a Danish member who shows her card at the tills.
MEMBER_CAMILLA = "7210234485"

# What a ``Call.demo`` entry names, and where a reader of the docs finds a current one.
DEMO_VALUES = {
    "order_new": "a new click-and-collect order of Webshop DK at DK-CPH01 (/store/orders/)",
    "order_picking": "an order being picked at DK-CPH01 (the work queue, section Picking)",
    "order_picked": "an order at DK-CPH01 with every line picked (lines/{n}/pick/ first)",
    "line_unpicked": "a line of that order still to pick",
    "order_ready": "an order ready for pickup at DK-CPH01 (the work queue, section Ready)",
    "order_collected": "a collected Webshop DK order (GET /api/v1/orders/history/)",
    "order_in_transit": "an order on its way to DK-CPH01 (the work queue, In transit)",
    "order_shipping": "a picked ship-from-store order of DK-CPH01",
    "receipt_dk": "a POS receipt of DK-CPH01 (its order number starts with P)",
    "pickup_code_ready": "the pickup code of an order ready at DK-CPH01",
    "gift_card": "a DKK gift card with a balance (Admin > Loyalty > Stored value accounts)",
    "refund_pending": "a pending refund of Webshop DK (GET /api/v1/orders/refunds/pending/)",
    "import_run": "the id of the import run the upload example answered",
    "feed_run": "the feed_id of the stock feed the submit example sent",
}


@dataclass(frozen=True)
class Call:
    """One request example of an operation, as a client sends it.

    ``client`` names the demo API client whose key sends it (or ``HQ``);
    ``path``, ``query``, ``headers`` and ``body`` are what it sends (``files``
    adds multipart files: name -> (file name, text)).  ``status`` is what the
    demo chain answers.  ``demo`` maps a place in the request
    (``path.number``, ``body.tenders.0.code``) to a ``DEMO_VALUES`` key: the
    value shown there is one the demo draws anew on every seed.
    """

    name: str
    client: str = WEBSHOP_DK
    path: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    files: dict[str, tuple[str, str]] = field(default_factory=dict)
    status: int = 200
    demo: dict[str, str] = field(default_factory=dict)
    description: str = ""


@dataclass(frozen=True)
class Operation:
    summary: str
    calls: tuple[Call, ...] = ()
    description: str = ""
    response: Any = None
    response_status: int | None = None


def idempotency(key: str) -> dict[str, str]:
    return {"Idempotency-Key": key}


@cache
def operations() -> dict[str, Operation]:
    """``DOCS`` of every installed app's ``api.docs`` module, by operation id."""
    found: dict[str, Operation] = {}
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, "api") and module_has_submodule(
            import_module(f"{app_config.name}.api"), "docs"
        ):
            found.update(import_module(f"{app_config.name}.api.docs").DOCS)
    return found


def recorded_responses() -> dict[str, dict]:
    """Recorded answers by operation id: ``{"status": 200, "body": ...}``."""
    if not RECORDED.exists():
        return {}
    return json.loads(RECORDED.read_text())


def _call_description(call: Call) -> str:
    text = call.description or ""
    who = "HQ (signed in)" if call.client == HQ else f"the demo key of **{call.client}**"
    text = (text + " " if text else "") + f"Sent with {who}."
    if call.demo:
        names = "; ".join(f"`{where}`: {DEMO_VALUES[what]}" for where, what in call.demo.items())
        text += f" Drawn anew by every demo seed, so take a current one: {names}."
    return text


def _example(call: Call, value) -> dict:
    return {"summary": call.name, "description": _call_description(call), "value": value}


def _body_value(call: Call):
    if call.files:
        return {**(call.body or {}), **{name: text for name, (_, text) in call.files.items()}}
    return call.body


def document_operations(result, generator, request, public):
    """drf-spectacular post-processing hook: write ``operations()`` into the schema."""
    docs, recorded = operations(), recorded_responses()
    for item in result.get("paths", {}).values():
        for operation in item.values():
            doc = docs.get(operation.get("operationId")) if isinstance(operation, dict) else None
            if doc is None:
                continue
            operation["summary"] = doc.summary
            if doc.description and not operation.get("description"):
                operation["description"] = doc.description
            _document_calls(operation, doc)
            _document_response(operation, doc, recorded.get(operation["operationId"]))
    return result


def _document_calls(operation: dict, doc: Operation) -> None:
    bodies = [call for call in doc.calls if call.body is not None or call.files]
    for content in operation.get("requestBody", {}).get("content", {}).values():
        if bodies:
            content["examples"] = {
                _key(call.name): _example(call, _body_value(call)) for call in bodies
            }
    for parameter in operation.get("parameters", []):
        where = {"path": "path", "query": "query", "header": "headers"}.get(parameter["in"])
        if where is None:
            continue
        values = {
            _key(call.name): _example(call, getattr(call, where)[parameter["name"]])
            for call in doc.calls
            if parameter["name"] in getattr(call, where)
        }
        if values:
            parameter["examples"] = values


def _document_response(operation: dict, doc: Operation, recorded: dict | None) -> None:
    media_type = "application/json"
    if doc.response is not None:
        status, body = str(doc.response_status or _first_2xx(operation)), doc.response
    elif recorded is not None:
        status, body = str(recorded["status"]), recorded["body"]
        media_type = recorded.get("media_type", media_type)
    else:
        return
    response = operation.get("responses", {}).get(status)
    if response is None:
        return
    name = doc.calls[0].name if doc.calls else "Answer"
    example = {_key(name): {"summary": name, "value": body}}
    # A view that declares no body (a file download) gets the media type it answers with.
    contents = response.setdefault("content", {media_type: {"schema": {}}})
    for content_type, content in contents.items():
        if content_type == media_type or "json" in content_type:
            content["examples"] = example


def _first_2xx(operation: dict) -> int:
    return min(int(code) for code in operation.get("responses", {}) if code.startswith("2"))


def _key(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name).strip("_")[:60] or "example"
