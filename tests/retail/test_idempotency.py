"""Idempotency-Key: a retry replays the first response; misuse is refused clearly."""

from datetime import timedelta

import pytest
from django.db import DatabaseError
from django.utils import timezone
from rest_framework.test import APIClient

from retail.api import idempotency, views
from retail.errors import DomainError
from retail.models import Customer, IdempotencyRecord
from retail.services.idempotency import idempotency_begin, idempotency_records_purge
from tests.concurrency import run_in_threads
from tests.factories import ChannelFactory, make_api_client

pytestmark = pytest.mark.django_db

SIGNUP = {"email": "idem@example.dk", "first_name": "Ida"}


def _post(api, body, key):
    return api.post("/api/v1/customers/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_idempotency_retry_replays_first_response(api):
    first = _post(api, SIGNUP, "retry-1")
    second = _post(api, SIGNUP, "retry-1")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Customer.objects.count() == 1


def test_idempotency_same_key_different_body_is_422(api):
    _post(api, SIGNUP, "reuse-1")
    response = _post(api, {**SIGNUP, "first_name": "Other"}, "reuse-1")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Customer.objects.count() == 1


def test_idempotency_same_key_while_first_runs_is_409(api, api_key, channel):
    client = channel.api_clients.get()
    response_probe = _post(api, SIGNUP, "probe")  # learn the fingerprint of this body
    record = IdempotencyRecord.objects.get(key="probe")
    # A first request with this body has claimed "running-1" and is still running.
    idempotency_begin(
        scope=f"client:{client.pk}",
        key="running-1",
        method="POST",
        path="/api/v1/customers/",
        request_hash=record.request_hash,
        at=timezone.now(),
    )
    Customer.objects.all().delete()
    response = _post(api, SIGNUP, "running-1")
    assert response_probe.status_code == 201
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_request_in_progress"
    assert not Customer.objects.exists()


def test_idempotency_crashed_first_request_can_be_taken_over(api, channel):
    client = channel.api_clients.get()
    _post(api, SIGNUP, "probe")
    fingerprint = IdempotencyRecord.objects.get(key="probe").request_hash
    Customer.objects.all().delete()
    idempotency_begin(
        scope=f"client:{client.pk}",
        key="crashed-1",
        method="POST",
        path="/api/v1/customers/",
        request_hash=fingerprint,
        at=timezone.now() - timedelta(hours=1),  # its lock ran out long ago
    )
    assert _post(api, SIGNUP, "crashed-1").status_code == 201


def test_idempotency_keys_are_scoped_per_client(api, channel):
    other_channel = ChannelFactory(code="APP-DK", kind="app")
    _, other_key = make_api_client(channel=other_channel)
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Api-Key {other_key}")
    assert _post(api, SIGNUP, "shared-key").status_code == 201
    response = _post(other, {"email": "someone-else@example.dk"}, "shared-key")
    assert response.status_code == 201
    assert response.json()["email"] == "someone-else@example.dk"


def test_idempotency_key_required_and_validated(api):
    response = api.post("/api/v1/customers/", SIGNUP, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_required"
    assert _post(api, SIGNUP, "x" * 256).json()["code"] == "idempotency_key_invalid"
    assert not Customer.objects.exists()


def test_idempotency_validation_error_is_replayed_too(api):
    bad = {"email": "nope"}
    first = _post(api, bad, "bad-1")
    second = _post(api, bad, "bad-1")
    assert first.status_code == second.status_code == 400
    assert second.json() == first.json()


def test_idempotency_conflict_is_not_stored_so_retry_runs_again(api):
    _post(api, SIGNUP, "a")
    assert _post(api, {**SIGNUP, "first_name": "Dup"}, "b").status_code == 409
    assert not IdempotencyRecord.objects.filter(key="b").exists()
    Customer.objects.all().delete()
    assert _post(api, {**SIGNUP, "first_name": "Dup"}, "b").status_code == 201


def test_idempotency_expired_records_are_purged():
    now = timezone.now()
    idempotency_begin(
        scope="client:1",
        key="old",
        method="POST",
        path="/x",
        request_hash="h",
        at=now - timedelta(days=3),
    )
    idempotency_begin(
        scope="client:1", key="new", method="POST", path="/x", request_hash="h", at=now
    )
    assert idempotency_records_purge(at=now) == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_idempotency_concurrent_retries_create_one_customer():
    """Ten threads send the same POST with one key at once: one customer, one answer."""
    channel = ChannelFactory(code="WEB-DK")
    _, key = make_api_client(channel=channel)

    def send(_):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
        response = _post(client, SIGNUP, "storm-1")
        return response.status_code, response.json()

    results, errors = run_in_threads(10, send)

    assert errors == []
    assert Customer.objects.count() == 1
    statuses = sorted(status for status, _ in results)
    assert set(statuses) <= {201, 409}
    created = [body for status, body in results if status == 201]
    assert created and all(body == created[0] for body in created)
    assert all(
        body["code"] == "idempotency_request_in_progress"
        for status, body in results
        if status == 409
    )
    # After the storm, a retry replays the one stored answer.
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    replay = _post(client, SIGNUP, "storm-1")
    assert replay.status_code == 201 and replay.json() == created[0]


class _Refused(DomainError):
    code = "refused_for_test"


@pytest.mark.parametrize("status", [500, 409, 423, 429])
def test_idempotency_retryable_answer_rolls_back_the_work_and_releases_the_key(
    api, monkeypatch, status
):
    real_create = views.customer_create

    def create_then_fail(**kwargs):
        real_create(**kwargs)  # the work is done...
        if status == 500:
            raise RuntimeError("worker died")
        refused = _Refused()  # ...then refused with an answer a retry may change
        refused.status = status
        raise refused

    monkeypatch.setattr(views, "customer_create", create_then_fail)
    assert _post(api, SIGNUP, "retryable-1").status_code == status
    assert not Customer.objects.exists()
    assert not IdempotencyRecord.objects.filter(key="retryable-1").exists()

    monkeypatch.setattr(views, "customer_create", real_create)
    retry = _post(api, SIGNUP, "retryable-1")
    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry
    assert Customer.objects.count() == 1


def test_idempotency_response_and_work_commit_together(api, monkeypatch):
    def storing_fails(**kwargs):
        raise DatabaseError("cannot store")

    monkeypatch.setattr(idempotency, "idempotency_complete", storing_fails)
    _post(api, SIGNUP, "together-1")
    # The response could not be stored, so the work it answers is not kept either.
    assert not Customer.objects.exists()
    assert not IdempotencyRecord.objects.filter(key="together-1").exists()

    monkeypatch.undo()
    assert _post(api, SIGNUP, "together-1").status_code == 201
    record = IdempotencyRecord.objects.get(key="together-1")
    assert (record.status, record.response_status) == (IdempotencyRecord.Status.COMPLETED, 201)
    assert record.response_body["email"] == Customer.objects.get().email
