"""The OpenAPI schema generates without warnings and documents what clients need."""

import pytest
from django.core.management import call_command


def test_schema_generates_without_warnings_and_validates(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/customers/lookup/" in text
    assert "ApiKeyAuth" in text


@pytest.mark.django_db
def test_schema_and_docs_are_public_for_integrators(client):
    # The contract is public; the data behind it needs a key.
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()


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
                yield f"{method.upper()} {path}", operation


def test_schema_every_error_status_of_every_operation_is_the_error_component(schema):
    untyped = [
        f"{name} {status}"
        for name, operation in _operations(schema)
        for status, response in operation["responses"].items()
        if int(status) >= 400
        and response.get("content", {}).get("application/json", {}).get("schema")
        != {"$ref": "#/components/schemas/Error"}
    ]
    assert untyped == []
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "message"]
    assert set(error["properties"]) == {"code", "message", "fields", "extra"}


def test_schema_error_responses_list_their_codes_with_an_example(schema):
    responses = schema["paths"]["/api/v1/pricing/basket/"]["post"]["responses"]
    assert "`vat_rate_missing`" in responses["422"]["description"]
    assert "`invalid_quantity`" in responses["400"]["description"]
    assert "`throttled`" in responses["429"]["description"]
    example = next(iter(responses["400"]["content"]["application/json"]["examples"].values()))
    assert example["value"]["fields"]


def test_schema_declares_idempotency_key_on_every_operation_that_takes_it(schema):
    from retail.api.idempotency import HEADER

    takes = {
        name
        for name, operation in _operations(schema)
        if any(p["name"] == HEADER and p["in"] == "header" for p in operation.get("parameters", []))
    }
    assert "POST /api/v1/loyalty/gift-cards/" in takes
    assert "POST /api/v1/orders/" in takes
    assert "POST /api/v1/inventory/reservations/" in takes
    assert "POST /api/v1/pricing/basket/" not in takes
    assert len(takes) >= 12
    for name in takes:
        operation = dict(_operations(schema))[name]
        assert {"409", "422"} <= set(operation["responses"]), name


def test_schema_request_bodies_are_json_only(schema):
    # File uploads only: an import's spreadsheet, a stock feed file (or its rows as JSON).
    multipart_ok = {"POST /api/v1/imports/runs/", "POST /api/v1/inventory/feeds/"}
    others = [
        name
        for name, operation in _operations(schema)
        if "requestBody" in operation
        and name not in multipart_ok
        and set(operation["requestBody"]["content"]) != {"application/json"}
    ]
    assert others == []


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("ApiClient", "channel"),
        ("ApiClient", "store"),
        ("Campaign", "gift_product"),
        ("Membership", "tier"),
        ("HistoryOrder", "collect_store"),
        ("ReturnSummary", "exchange_order"),
        ("Order", "customer"),
        ("Order", "collect_store"),
        ("Customer", "preferred_store"),
        ("SpecialOpeningHours", "opens_at"),
    ],
)
def test_schema_fields_that_can_be_null_say_so(schema, component, field):
    # Found by fuzzing: e.g. /me/ of a webshop key answers "store": null.
    assert schema["components"]["schemas"][component]["properties"][field].get("nullable")


def test_schema_opening_hours_are_wall_clock_strings_not_format_time(schema):
    # "10:00:00" is not an RFC 3339 time (no offset); it is local to the store's time_zone.
    opens = schema["components"]["schemas"]["OpeningHours"]["properties"]["opens_at"]
    assert "format" not in opens
    assert opens["pattern"]
    assert "time_zone" in opens["description"]


def test_schema_local_datetime_inputs_say_how_a_time_without_offset_is_read(schema):
    parameters = schema["paths"]["/api/v1/pricing/prices/"]["get"]["parameters"]
    at = next(p for p in parameters if p["name"] == "at")
    assert "without one it is local time" in at["description"]


@pytest.mark.parametrize(
    ("operation_name", "status", "code"),
    [
        ("POST /api/v1/imports/runs/", "403", "permission_denied"),
        ("GET /api/v1/imports/runs/{run_id}/preview/", "403", "permission_denied"),
        ("GET /api/v1/pricing/campaigns/", "403", "permission_denied"),  # another channel's
        ("GET /api/v1/pricing/campaigns/", "404", "not_found"),  # a page past the last
        ("GET /api/v1/products/{sku}/", "404", "not_found"),
        ("GET /api/v1/products/", "400", "invalid"),  # a filter
        ("POST /api/v1/orders/{number}/exchanges/", "429", "throttled"),
        ("POST /api/v1/orders/{number}/exchanges/", "422", "idempotency_key_reused"),
        ("POST /api/v1/pricing/basket/", "422", "vat_rate_missing"),
    ],
)
def test_schema_documents_the_statuses_fuzzing_met(schema, operation_name, status, code):
    # Each was an undocumented status in the first fuzzing run (issue 14).
    response = dict(_operations(schema))[operation_name]["responses"][status]
    assert f"`{code}`" in response["description"]


def test_schema_links_name_real_operations_parameters_and_fields(schema):
    from retail.api.links import LINKS

    components = schema["components"]["schemas"]
    by_id = {operation["operationId"]: operation for _, operation in _operations(schema)}

    def properties(response):
        ref = response["content"]["application/json"]["schema"]["$ref"]
        return components[ref.rsplit("/", 1)[1]]["properties"]

    found = 0
    for source, links in LINKS.items():
        for link in links:
            response = by_id[source]["responses"][str(link.status)]
            written = response["links"][link.name]
            assert written["operationId"] == link.target
            fields = properties(response)
            target = by_id[link.target]
            taken = {f"{p['in']}.{p['name']}" for p in target.get("parameters", [])}
            for parameter, expression in written.get("parameters", {}).items():
                assert parameter in taken, (source, link.name, parameter)
                assert expression.split("#/")[1].split("/")[0] in fields, (source, expression)
            if "requestBody" in written:
                body = target["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                body_fields = components[body.rsplit("/", 1)[1]]["properties"]
                for name, expression in written["requestBody"].items():
                    assert name in body_fields, (source, link.name, name)
                    assert expression.split("#/")[1].split("/")[0] in fields, (source, expression)
            found += 1
    assert found >= 40
    assert "GetOrder" in by_id["orders_place"]["responses"]["201"]["links"]
