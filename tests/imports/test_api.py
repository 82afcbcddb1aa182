"""The import API: upload, poll, preview, confirm; one JSON error shape throughout."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from imports.models import ImportRun
from pricing.models import PriceList, PriceListEntry
from pricing.services.prices import price_entry_set
from tests.factories import ChannelFactory, ProductFactory, StoreFactory, make_api_client
from tests.imports.helpers import csv_bytes

pytestmark = pytest.mark.django_db
HEADERS = ["price_list", "sku", "price", "valid_from", "valid_to"]


def _client(channel, store=None) -> APIClient:
    _, key = make_api_client(channel=channel, store=store, name="ERP")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


@pytest.fixture
def erp():
    """A chain-wide integration: a POS-channel key without a store."""
    return _client(ChannelFactory(code="POS-DK", kind="pos"))


@pytest.fixture
def prices():
    public = PriceList.objects.create(code="PUBLIC", name="Public", currency="DKK")
    product = ProductFactory(sku="API-1")
    price_entry_set(
        price_list=public,
        product=product,
        amount=Decimal("100"),
        valid_from=datetime(2030, 1, 1, tzinfo=ZoneInfo("Europe/Copenhagen")),
        source="admin",
    )
    return public


def _upload(api, content, name="prices.csv", kind="prices"):
    return api.post(
        "/api/v1/imports/runs/",
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
        format="multipart",
    )


def test_api_upload_poll_preview_confirm(erp, prices, django_capture_on_commit_callbacks):
    content = csv_bytes(HEADERS, [["PUBLIC", "API-1", "40,00", "2030-01-01", ""]])

    with django_capture_on_commit_callbacks(execute=True):
        created = _upload(erp, content)

    assert created.status_code == 202, created.json()
    assert created.json()["status"] == "uploaded"
    run_id = created.json()["id"]
    polled = erp.get(f"/api/v1/imports/runs/{run_id}/").json()
    assert polled["status"] == "previewed"
    assert polled["progress"]["percent"] == 100
    preview = erp.get(f"/api/v1/imports/runs/{run_id}/preview/").json()
    assert preview["summary"]["changed"] == 1
    assert preview["diff_sample"][0]["changes"] == {"price": ["100.00", "40.00"]}
    assert [w["code"] for w in preview["warnings"]] == ["price_change_large"]

    refused = erp.post(f"/api/v1/imports/runs/{run_id}/confirm/", {}, format="json")
    assert refused.status_code == 422
    assert refused.json() == {
        "code": "import_warnings_not_confirmed",
        "message": "Tick every warning to confirm you have read it before applying.",
        "fields": {
            "confirmed_warnings": [
                {
                    "code": "import_warnings_not_confirmed",
                    "message": "Tick every warning to confirm you have read it before applying.",
                }
            ]
        },
        "extra": {"unconfirmed": ["price_change_large"]},
    }

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = erp.post(
            f"/api/v1/imports/runs/{run_id}/confirm/",
            {"confirmed_warnings": ["price_change_large"]},
            format="json",
        )
    assert confirmed.status_code == 202
    assert erp.get(f"/api/v1/imports/runs/{run_id}/").json()["status"] == "applied"
    assert PriceListEntry.objects.get().amount == Decimal("40.00")
    assert ImportRun.objects.get().api_client is not None

    again = erp.post(f"/api/v1/imports/runs/{run_id}/confirm/", {}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "import_run_state"


def test_api_confirm_takes_json_only(erp, prices, django_capture_on_commit_callbacks):
    # Found checking the schema: confirm advertised a form body for its list of warning codes.
    content = csv_bytes(HEADERS, [["PUBLIC", "API-1", "40,00", "2030-01-01", ""]])
    with django_capture_on_commit_callbacks(execute=True):
        run_id = _upload(erp, content).json()["id"]

    form = erp.post(
        f"/api/v1/imports/runs/{run_id}/confirm/",
        {"confirmed_warnings": "price_change_large"},
        format="multipart",
    )

    assert form.status_code == 415
    assert form.json()["code"] == "unsupported_media_type"
    assert erp.get(f"/api/v1/imports/runs/{run_id}/").json()["status"] == "previewed"


def test_api_errors_share_one_shape(erp, prices, django_capture_on_commit_callbacks):
    wrong_type = _upload(erp, b"hello", name="notes.txt")
    assert wrong_type.status_code == 400
    assert wrong_type.json()["code"] == "import_file_invalid"
    assert wrong_type.json()["fields"]["file"][0]["code"] == "import_file_invalid"

    no_kind = erp.post(
        "/api/v1/imports/runs/", {"file": SimpleUploadedFile("a.csv", b"x")}, format="multipart"
    )
    assert no_kind.status_code == 400
    assert no_kind.json()["code"] == "invalid"
    assert "kind" in no_kind.json()["fields"]

    missing = erp.get("/api/v1/imports/runs/999999/")
    assert missing.status_code == 404
    assert missing.json() == {
        "code": "import_run_not_found",
        "message": "No such import run.",
        "extra": {"run": 999999},
    }

    with django_capture_on_commit_callbacks(execute=True):
        bad = _upload(erp, csv_bytes(HEADERS, [["PUBLIC", "API-1", "12,5O", "2030-01-01", ""]]))
    preview = erp.get(f"/api/v1/imports/runs/{bad.json()['id']}/preview/").json()
    assert preview["status"] == "failed"
    assert preview["errors"][0]["message"] == "row 2, column 'price': '12,5O' is not a number"


def test_api_only_chain_integrations_and_hq_may_import(api, prices):
    store_pos = _client(ChannelFactory(code="POS-SE", kind="pos"), store=StoreFactory())

    for client in (api, store_pos):
        response = _upload(client, csv_bytes(HEADERS, []))
        assert response.status_code == 403
        assert response.json()["code"] == "import_not_allowed"


def test_api_a_client_sees_only_its_own_runs(erp, prices, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run_id = _upload(
            erp, csv_bytes(HEADERS, [["PUBLIC", "API-1", "99", "2030-01-01", ""]])
        ).json()["id"]
    other = _client(ChannelFactory(code="POS-NO", kind="pos"))

    assert other.get(f"/api/v1/imports/runs/{run_id}/").status_code == 404


def test_api_kinds_and_export(erp, prices):
    kinds = erp.get("/api/v1/imports/kinds/").json()
    assert [c["name"] for c in kinds["prices"]] == HEADERS

    export = erp.get("/api/v1/imports/exports/prices/?file_format=csv")
    assert export.status_code == 200
    assert export.content.decode("utf-8-sig").splitlines()[1] == "PUBLIC,API-1,100.00,2030-01-01,"
    assert erp.get("/api/v1/imports/exports/nope/").json()["code"] == "import_kind_unknown"
