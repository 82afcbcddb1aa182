"""Every operation of /api/docs/ has a summary and examples, and the examples run on the demo.

``RECORD_API_EXAMPLES=1`` makes the demo run write each operation's answer to
``retail/api/examples.json`` (the response examples of the docs).
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation
from rest_framework.test import APIClient

from retail.api.examples import CUSTOMER_FREDERIK, HQ, RECORDED, Call, operations

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
KEY_LINE = re.compile(
    r"^  (?P<client>\S.*?)\s+[A-Z]{3}-[A-Z]{2}\s+(?:[A-Z]{2}-[A-Z0-9]+)?\s*"
    r"(?P<key>[A-Za-z0-9]{8}\.[A-Za-z0-9]{32})$",
    re.MULTILINE,
)


@pytest.fixture(scope="module")
def schema():
    from django.utils import translation
    from drf_spectacular.generators import SchemaGenerator

    # In English whatever language an earlier test left active in this thread.
    with translation.override("en"):
        return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield method.upper(), path, operation


def test_api_docs_every_operation_has_a_short_imperative_summary(schema):
    missing = [op["operationId"] for _, _, op in _operations(schema) if not op.get("summary")]
    assert missing == []
    for _, _, operation in _operations(schema):
        summary = operation["summary"]
        assert len(summary) <= 60 and not summary.endswith("."), summary
        assert summary.split()[0][0].isupper(), summary


def test_api_docs_name_only_operations_that_exist(schema):
    ids = {op["operationId"] for _, _, op in _operations(schema)}
    assert set(operations()) - ids == set()


def test_api_docs_every_write_operation_has_a_request_example(schema):
    missing = []
    for method, _, operation in _operations(schema):
        if method not in WRITE_METHODS:
            continue
        doc = operations().get(operation["operationId"])
        if doc is None or not doc.calls:
            missing.append(operation["operationId"])
            continue
        for content in operation.get("requestBody", {}).get("content", {}).values():
            if not content.get("examples"):
                missing.append(operation["operationId"])
    assert missing == []


def test_api_docs_every_operation_has_a_2xx_response_example(schema):
    missing = [
        operation["operationId"]
        for _, _, operation in _operations(schema)
        if not any(
            content.get("examples")
            for status, response in operation["responses"].items()
            if status.startswith("2")
            for content in response.get("content", {}).values()
        )
    ]
    assert missing == []


def test_api_docs_parameters_of_the_examples_are_shown(schema):
    operation = schema["paths"]["/api/v1/stores/{code}/"]["get"]
    code = next(p for p in operation["parameters"] if p["name"] == "code")
    assert next(iter(code["examples"].values()))["value"] == "DK-CPH01"
    place = schema["paths"]["/api/v1/orders/"]["post"]
    examples = place["requestBody"]["content"]["application/json"]["examples"]
    assert "Webshop DK" in next(iter(examples.values()))["description"]


# ---- every request example against a freshly seeded demo chain -------------------------------


def _demo_resolvers() -> dict[str, Callable[[dict], object]]:
    """How the test finds a current value for each ``DEMO_VALUES`` name (``used`` avoids reuse)."""
    from imports.models import ImportRun
    from loyalty.models import StoredValueAccount
    from orders.models import Order, OrderLine, Refund

    def order(**filters) -> Callable[[dict], object]:
        def find(state: dict):
            qs = Order.objects.filter(**filters).exclude(number__in=state["used"])
            number = qs.order_by("pk").values_list("number", flat=True).first()
            if not state["reading"]:  # a write changes the order: the next example takes another
                state["used"].add(number)
            state["order"] = number
            return number

        return find

    def picked(state: dict):
        """A picking order at DK-CPH01 with its last lines picked, as a clerk would first."""
        from orders.services import fulfilment

        candidate = (
            Order.objects.filter(status="picking", fulfil_location__code="DK-CPH01")
            .order_by("pk")
            .first()
        )
        for line in candidate.lines.filter(status="open"):
            fulfilment.order_line_pick(
                line=line, store=candidate.fulfil_location, at=datetime.now(tz=UTC)
            )
        return candidate.number

    def to_ship(state: dict):
        """A ship-from-store order of DK-CPH01, picked: placed and picked as a shop would."""
        from orders.services import fulfilment

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {state['keys']['Webshop DK']}")
        placed = client.post(
            "/api/v1/orders/",
            {
                "customer": CUSTOMER_FREDERIK,
                "lines": [{"sku": "SKU-000003", "quantity": 1}],
                "fulfilment": "ship_from_store",
                "source_store": "DK-CPH01",
                "shipping_address": {
                    "name": "Frederik Mortensen",
                    "street": "Vesterbrogade 1",
                    "postal_code": "1620",
                    "city": "København V",
                    "country": "DK",
                },
                "tenders": [{"kind": "external", "provider": "card", "external_reference": "s-1"}],
            },
            format="json",
            HTTP_IDEMPOTENCY_KEY="test-ship-from-store",
        )
        assert placed.status_code == 201, placed.content
        order = Order.objects.get(number=placed.json()["number"])
        for line in order.lines.all():
            fulfilment.order_line_pick(
                line=line, store=order.fulfil_location, at=datetime.now(tz=UTC)
            )
        return order.number

    def unpicked_line(state: dict):
        line = (
            OrderLine.objects.filter(order__number=state["order"], status="open")
            .order_by("line_no")
            .first()
        )
        return line.line_no if line else 1

    def pickup_code(state: dict):
        number = order(status="ready", collect_store__code="DK-CPH01")(state)
        return Order.objects.get(number=number).pickup_code

    def gift_card(state: dict):
        account = (
            StoredValueAccount.objects.filter(kind="gift_card", currency="DKK", status="active")
            .filter(balance__gte=200)
            .order_by("pk")
            .first()
        )
        return account.code

    def refund(state: dict):
        return (
            Refund.objects.filter(status="pending", order__channel__code="WEB-DK")
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )

    return {
        "order_new": order(status="new", channel__code="WEB-DK", collect_store__code="DK-CPH01"),
        "order_picking": order(status="picking", fulfil_location__code="DK-CPH01"),
        "order_picked": picked,
        "order_ready": order(status="ready", collect_store__code="DK-CPH01"),
        "order_collected": order(status="collected", channel__code="WEB-DK", returns__isnull=True),
        "order_in_transit": order(status="in_transit", collect_store__code="DK-CPH01"),
        "order_shipping": to_ship,
        "receipt_dk": order(kind="receipt", collect_store__code="DK-CPH01", returns__isnull=True),
        "line_unpicked": unpicked_line,
        "pickup_code_ready": pickup_code,
        "gift_card": gift_card,
        "refund_pending": refund,
        "import_run": lambda state: ImportRun.objects.order_by("-pk").values_list("pk", flat=True)[
            0
        ],
        "feed_run": lambda state: None,
    }


def _put(call_parts: dict, where: str, value) -> None:
    section, *keys = where.split(".")
    target = call_parts[section]
    for key in keys[:-1]:
        target = target[int(key)] if isinstance(target, list) else target[key]
    last = keys[-1]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value


def _shrink(value, depth: int = 0):
    """Lists cut to two items at every level: an example, not the whole catalogue."""
    if isinstance(value, list):
        return [_shrink(item, depth + 1) for item in value[:2]]
    if isinstance(value, dict):
        return {key: _shrink(item, depth + 1) for key, item in value.items()}
    return value


def _send(client: APIClient, method: str, url: str, call: Call, parts: dict):
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in parts["headers"].items()}
    if method == "GET":
        return client.get(url, parts["query"], **headers)
    if call.files:
        data = dict(parts["body"] or {})
        for name, (file_name, text) in call.files.items():
            data[name] = SimpleUploadedFile(file_name, text.encode(), content_type="text/csv")
        return client.post(url, data, format="multipart", **headers)
    return getattr(client, method.lower())(url, parts["body"] or {}, format="json", **headers)


@pytest.mark.django_db
def test_api_docs_request_examples_run_against_the_seeded_demo(
    schema, django_capture_on_commit_callbacks, settings
):
    from retail.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    try:
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command(
                "seed_demo", "--stores", "4", "--products", "60", "--customers", "30",
                "--no-progress", stdout=out,
            )  # fmt: skip
        keys = {m["client"].strip(): m["key"] for m in KEY_LINE.finditer(out.getvalue())}
        # The examples ask for Danish answers; later tests must not inherit the language.
        with translation.override(None):
            problems, recorded = _run_examples(schema, keys, django_capture_on_commit_callbacks)
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = saved
    if os.environ.get("RECORD_API_EXAMPLES"):
        RECORDED.write_text(
            json.dumps(recorded, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
        )
    assert problems == []


def _run_examples(schema, keys: dict[str, str], capture) -> tuple[list[str], dict]:
    resolvers = _demo_resolvers()
    hq = get_user_model().objects.get(username="hq")
    by_id = {op["operationId"]: (m, p, op) for m, p, op in _operations(schema)}
    problems: list[str] = []
    recorded: dict[str, dict] = {}
    state: dict = {"used": set(), "order": None, "keys": keys}
    # In the order the apps document them: an upload before the run it names.
    for operation_id, doc in operations().items():
        method, path, operation = by_id[operation_id]
        documented = {int(code) for code in operation["responses"]}
        for call in doc.calls:
            # A deep copy the demo values can be written into.
            parts = json.loads(json.dumps(
                {"path": call.path, "query": call.query, "headers": call.headers, "body": call.body}
            ))  # fmt: skip
            state["reading"] = method == "GET"
            for where, what in call.demo.items():
                _put(parts, where, resolvers[what](state))
            client = APIClient()
            if call.client == HQ:
                client.force_login(hq)
            else:
                client.credentials(HTTP_AUTHORIZATION=f"Api-Key {keys[call.client]}")
            url = path.format(**parts["path"])
            with capture(execute=True):
                response = _send(client, method, url, call, parts)
            status = response.status_code
            label = f"{operation_id} / {call.name}: {status}"
            detail = response.content[:300].decode(errors="replace")
            if status >= 500 or status not in documented:
                problems.append(f"{label} (undocumented) {detail}")
            elif (method == "GET" or "Idempotency-Key" in call.headers) and status >= 300:
                problems.append(f"{label} (a read or idempotent write must succeed) {detail}")
            elif status != call.status:
                problems.append(f"{label} (the example says {call.status}) {detail}")
            if operation_id not in recorded and 200 <= status < 300:
                recorded[operation_id] = _recording(response)
    return problems, recorded


def _recording(response) -> dict:
    content_type = response["Content-Type"].split(";")[0]
    if content_type == "application/json":
        return {"status": response.status_code, "body": _shrink(response.json())}
    text = response.content.decode(errors="replace")
    return {
        "status": response.status_code,
        "media_type": content_type,
        "body": "\n".join(text.splitlines()[:4]),
    }


def _json_schema(node):
    """OpenAPI 3.0's ``nullable`` as JSON Schema (what jsonschema understands)."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        if "type" in out and isinstance(out["type"], str):
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            return {"anyOf": [out, {"type": "null"}]}
    return out


def test_api_docs_response_examples_match_the_response_schemas(schema):
    import jsonschema

    components = _json_schema(schema["components"])
    wrong = []
    for _, _, operation in _operations(schema):
        for status, response in operation["responses"].items():
            if not status.startswith("2"):
                continue
            content = response.get("content", {}).get("application/json", {})
            for example in content.get("examples", {}).values():
                root = {**_json_schema(content.get("schema", {})), "components": components}
                try:
                    jsonschema.validate(example["value"], root)
                except jsonschema.ValidationError as error:
                    wrong.append(f"{operation['operationId']}: {error.message[:200]}")
    # A serializer changed since the answers were recorded: record them again with
    # RECORD_API_EXAMPLES=1 pytest tests/retail/test_api_examples.py
    assert wrong == []


def test_api_docs_request_examples_match_the_request_schemas(schema):
    import jsonschema

    components = _json_schema(schema["components"])
    wrong = []
    for _, _, operation in _operations(schema):
        content = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if not content:
            continue
        root = {**_json_schema(content["schema"]), "components": components}
        for name, example in content.get("examples", {}).items():
            try:
                jsonschema.validate(example["value"], root)
            except jsonschema.ValidationError as error:
                wrong.append(f"{operation['operationId']} {name}: {error.message[:200]}")
    assert wrong == []
