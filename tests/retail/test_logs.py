"""Structured logs: JSON lines naming the request, its caller and the tasks it sends; no secrets.

The lines are read as the production handler writes them: the ``json``
formatter of ``retail.logs`` on the root logger.
"""

import io
import json
import logging
import os
import subprocess
import sys

import pytest
import structlog
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from loyalty.services.stored_value._common import code_generate
from retail.celery import app as celery_app
from retail.logs import MASK, formatter, logging_config, mask_text
from retail.request_id import request_id_sanitise
from tests.factories import ChannelFactory, make_api_client
from tests.inventory.sync_support import make_world


class Lines:
    """What the root logger wrote, as text and as parsed JSON objects."""

    def __init__(self, stream: io.StringIO):
        self.stream = stream

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]

    def events(self, event: str) -> list[dict]:
        return [record for record in self.records() if record.get("event") == event]


@pytest.fixture
def json_lines():
    """Every log record of the test through the production JSON formatter."""
    spec = {k: v for k, v in formatter("json").items() if k != "()"}
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(**spec))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield Lines(stream)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


# ---- the request id -----------------------------------------------------------------------


@pytest.mark.django_db
def test_request_id_from_the_caller_is_kept_and_echoed(client, json_lines):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-2f9c1e7a-0001")
    assert response["X-Request-ID"] == "lb-2f9c1e7a-0001"
    (finished,) = json_lines.events("request_finished")
    assert finished["request_id"] == "lb-2f9c1e7a-0001"
    assert finished["request"] == "GET /healthz"
    assert finished["code"] == 200


@pytest.mark.parametrize(
    "given",
    ["two words", "evil\nforged line", 'quote"d', "x" * 200, "", "-starts-with-dash", "nul\x00"],
)
def test_request_id_sanitise_refuses_what_could_break_a_line_or_a_header(given):
    assert request_id_sanitise(given) is None


@pytest.mark.django_db
def test_request_id_is_made_up_when_the_callers_is_unusable(client, json_lines):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="evil id\r\nSet-Cookie: x=1")
    made = response["X-Request-ID"]
    assert len(made) == 32 and made.isalnum()
    assert json_lines.events("request_finished")[0]["request_id"] == made
    assert "evil" not in json_lines.text


@pytest.mark.django_db
def test_request_id_differs_per_request(client):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert first["X-Request-ID"] != second["X-Request-ID"]


# ---- the line -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_log_line_is_json_with_event_level_timestamp_request_id_and_api_client(json_lines, channel):
    client_row, key = make_api_client(channel=channel, name="Webshop DK")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    response = api.get("/api/v1/me/", HTTP_X_REQUEST_ID="req-42")
    assert response.status_code == 200
    (line,) = [
        json.loads(text) for text in json_lines.text.splitlines() if '"request_finished"' in text
    ]
    assert line["event"] == "request_finished"
    assert line["level"] == "info"
    assert line["timestamp"].endswith("Z") and "T" in line["timestamp"]
    assert line["request_id"] == "req-42"
    assert line["api_client_id"] == client_row.pk
    assert line["channel_id"] == channel.pk
    assert line["code"] == 200


@pytest.mark.django_db
def test_log_line_of_a_staff_page_names_the_user(client, json_lines):
    from tests.factories import make_staff

    staff = make_staff("hq")
    client.force_login(staff)
    client.get("/healthz")
    (finished,) = json_lines.events("request_finished")
    assert finished["user_id"] == staff.pk


def test_logging_config_is_json_or_console_only():
    assert logging_config(kind="json", level="INFO")["handlers"]["console"]["formatter"] == "json"
    assert logging_config(kind="console", level="INFO")["handlers"]["console"]["formatter"] == (
        "console"
    )
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        logging_config(kind="xml", level="INFO")


# ---- no secrets ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_log_lines_of_a_request_full_of_secrets_show_none_of_them(json_lines, channel):
    _, key = make_api_client(channel=channel, name="Webshop DK")
    card_code = code_generate()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    api.cookies["sessionid"] = "sess-cookie-9d8e7f"
    response = api.post(
        "/api/v1/loyalty/stored-value/balance/?pin=QPIN55X&password=hunter2-secret",
        {"code": card_code, "pin": "BODYPIN7391X"},
        format="json",
    )
    assert response.status_code >= 400  # an unknown card: the call is logged all the same
    # And the places a developer might put them by mistake: fields, messages, nested data.
    structlog.get_logger("retail.test").warning(
        "stored_value_checked",
        api_key=key,
        pin="FIELDPIN31X",
        password="hunter2-secret",
        gift_card_code=card_code,
        headers={"Authorization": f"Api-Key {key}", "Cookie": "sessionid=sess-cookie-9d8e7f"},
        note=f"customer typed {card_code[:4]} {card_code[4:8]} {card_code[8:12]} {card_code[12:]}",
    )
    logging.getLogger("retail.test").warning(
        "retrying with Authorization: Api-Key %s for card %s (sessionid=%s)",
        key,
        card_code,
        "sess-cookie-9d8e7f",
    )
    text = json_lines.text
    assert json_lines.events("request_finished") and json_lines.events("stored_value_checked")
    for secret in (
        key,
        key.split(".")[-1],
        card_code,
        "QPIN55X",
        "BODYPIN7391X",
        "FIELDPIN31X",
        "hunter2-secret",
        "sess-cookie-9d8e7f",
    ):
        assert secret not in text, secret
    assert MASK in text
    for record in json_lines.records():  # still one valid JSON object per line
        assert {"event", "level", "timestamp"} <= record.keys()


def test_mask_text_leaves_ordinary_numbers_and_words_alone():
    text = "order 2026-000123 of 4 units, GTIN 5705550000014, total 120.00 DKK, spinning top"
    assert mask_text(text) == text


# ---- into the tasks a request sends ----------------------------------------------------


@pytest.fixture
def eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True  # the app read Django's settings once already
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def feed_post(api: APIClient, *, feed_id: str, request_id: str):
    body = b"store,sku,quantity\nDK-CPH01,JACKET-1,4\nDK-ODE01,MUG-1,6\n"
    return api.post(
        "/api/v1/inventory/feeds/",
        {"kind": "snapshot", "feed_id": feed_id, "file": SimpleUploadedFile("c.csv", body)},
        format="multipart",
        HTTP_X_REQUEST_ID=request_id,
    )


def erp_api() -> tuple[object, APIClient]:
    client_row, key = make_api_client(channel=ChannelFactory(code="POS-DK", kind="pos"), name="ERP")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client_row, api


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("eager", "media")
def test_task_sent_by_a_request_logs_the_requests_id_eager(json_lines):
    make_world()
    client_row, api = erp_api()
    response = feed_post(api, feed_id="erp-log-eager", request_id="req-feed-eager-1")
    assert response.status_code == 202, response.json()
    (started,) = json_lines.events("task_started")
    assert started["task"] == "inventory.apply_stock_feed"
    assert started["request_id"] == "req-feed-eager-1"
    assert started["api_client_id"] == client_row.pk


@pytest.mark.parametrize(("debug", "expected"), [("0", "json"), ("1", "console")])
def test_settings_log_json_in_production_and_readable_lines_in_development(debug, expected):
    env = {
        **{k: v for k, v in os.environ.items() if k != "LOG_FORMAT"},
        "DJANGO_DEBUG": debug,
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_SETTINGS_MODULE": "retail.settings",
    }
    code = (
        "import django, structlog; django.setup(); "
        "structlog.get_logger('t').info('hello', request_id='r-1')"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stderr.strip()
    if expected == "json":
        line = json.loads(out.splitlines()[-1])
        assert (line["event"], line["request_id"], line["level"]) == ("hello", "r-1", "info")
    else:
        assert "hello" in out and "request_id=r-1" in out
        with pytest.raises(ValueError):
            json.loads(out.splitlines()[-1])
