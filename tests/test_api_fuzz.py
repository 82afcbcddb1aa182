"""Every API operation, fuzzed by schemathesis from the OpenAPI schema (issue 14).

Against a small seeded demo chain (``seed_demo``: the SKUs, stores, customers
and member numbers the schema's examples name), as three identities: a
webshop key, a POS key of DK-CPH01 and the signed-in HQ user (with a CSRF
token, so writes get past the session check).

- **Examples and fuzzing**: every operation gets its documented examples and
  ``MAX_EXAMPLES`` generated requests, each sent as all three identities.
- **Stateful**: per identity, ``SCENARIOS`` journeys of up to ``STEPS`` calls
  that follow the schema's OpenAPI links (``retail.api.links``): an order
  placed is fetched, picked, made ready, handed over, returned; a reservation
  extended and released; a gift card sold, held on, redeemed and refunded.
  The producers (placing an order, selling a card...) start from a generated
  body or, as often, from one of their documented example bodies, so a journey
  has something real to follow.

Every answer must be no server error, have a status the schema documents for
that operation, the documented content type, and match its schema.  The
numbers of cases and requests per phase are printed at the end (the README
quotes them).  Bugs it found have their own regression tests beside the API
tests (tests/retail/test_api_nul.py, ...).
"""

from __future__ import annotations

import io
import json
import os
from collections import Counter

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection, transaction
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.utils.encoders import JSONEncoder
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from retail.api.examples import operations
from retail.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from tests.conftest import SUMMARY
from tests.factories import make_api_client

# CI's budget; a longer run: FUZZ_MAX_EXAMPLES=200 FUZZ_SCENARIOS=200 FUZZ_COVERAGE=1.
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", 12))  # per operation, besides its examples
SCENARIOS = int(os.environ.get("FUZZ_SCENARIOS", 30))  # stateful journeys per identity
STEPS = 12  # calls per journey at most
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# The coverage phase (every boundary of every parameter) is long: left to a longer run.
# The stateful run follows the schema's own links only, not links schemathesis guesses.
CONFIG = SchemathesisConfig.from_dict(
    {
        "phases": {
            "coverage": {"enabled": bool(os.environ.get("FUZZ_COVERAGE"))},
            "stateful": {"inference": {"algorithms": []}},
        }
    }
)
CSRF = "f" * 32  # an unmasked CSRF secret: the same in the cookie and the header
SETTINGS = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": list(HealthCheck),
}

COUNTS: Counter = Counter()  # (phase, "cases" | "requests" | "links followed") -> n
STATUSES: Counter = Counter()  # stateful (operation, status) -> n; FUZZ_STATUSES=1 prints them


def _schema():
    """The schema ``/api/schema/`` serves, loaded without a request; calls go to the WSGI app.

    (``schemathesis.pytest.from_fixture`` does not work with pytest 9, and
    ``from_wsgi`` at import would need the database.)
    """
    generated = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(
        json.loads(json.dumps(generated, cls=JSONEncoder)), config=CONFIG
    )
    loaded.app = get_wsgi_application()
    return loaded


schema = _schema()


def _example_bodies() -> dict[str, list[dict]]:
    """Documented request bodies that need no value drawn by the seed, by operation id."""
    bodies: dict[str, list[dict]] = {}
    for operation_id, doc in operations().items():
        for call in doc.calls:
            if call.body is None or call.files:
                continue
            if any(where.startswith("body.") for where in call.demo):
                continue
            bodies.setdefault(operation_id, []).append(call.body)
    return bodies


EXAMPLE_BODIES = _example_bodies()


@schema.hook
def flatmap_body(context, body):
    """As often as not, a producer's documented example body instead of a generated one."""
    operation_id = context.operation.definition.raw.get("operationId")
    examples = EXAMPLE_BODIES.get(operation_id)
    if not examples or not isinstance(body, dict):
        return st.just(body)
    return st.one_of(st.just(body), st.sampled_from(examples))


@schema.hook
def flatmap_headers(context, headers):
    """As often as not, a fresh valid ``Idempotency-Key`` where one is taken.

    A generated key is often invalid (400) or, short and reused, the key of
    another body (422): both documented, but a journey would end there.
    """
    if not isinstance(headers, dict) or IDEMPOTENCY_HEADER not in headers:
        return st.just(headers)
    fresh = st.uuids().map(lambda key: {**headers, IDEMPOTENCY_HEADER: f"fuzz-{key}"})
    return st.one_of(st.just(headers), fresh)


@pytest.fixture(scope="module")
def demo_chain(django_db_setup, django_db_blocker):
    """Seed the small demo chain once for the module; empty the database afterwards."""
    from retail.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, False
    with django_db_blocker.unblock():
        call_command(
            "seed_demo", "--stores", "4", "--products", "60", "--customers", "30",
            "--no-progress", stdout=io.StringIO(),
        )  # fmt: skip
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)
        app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture(scope="module", autouse=True)
def _report_counts(request):
    """Leave the cases run per phase for the end of the pytest run."""
    yield
    phases = sorted({phase for phase, _ in COUNTS})
    if not phases:
        return
    parts = [
        f"{p}: {COUNTS[p, 'cases']} cases, {COUNTS[p, 'requests']} requests"
        + (f" ({COUNTS[p, 'links followed']} along a link)" if COUNTS[p, "links followed"] else "")
        for p in phases
    ]
    total = sum(COUNTS[p, "cases"] for p in phases)
    lines = [f"API fuzz ({connection.vendor}): {'; '.join(parts)}; {total} cases in all"]
    if os.environ.get("FUZZ_STATUSES"):
        lines += [f"  {label} {status}: {n}" for (label, status), n in sorted(STATUSES.items())]
    request.config.stash.setdefault(SUMMARY, []).extend(lines)


@pytest.fixture
def _keep_the_test_connection():
    """Do what Django's test client does: a request must not close the test's connection.

    The WSGI handler closes "old" connections when a request starts and ends;
    on PostgreSQL that would close the connection holding the test transaction.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def identities(demo_chain, db, _keep_the_test_connection):
    from django.contrib.auth import get_user_model

    from retail.models import Channel, Store

    cache.clear()  # throttles and failed-lookup counters from earlier tests
    _, web = make_api_client(channel=Channel.objects.get(code="WEB-DK"), name="Webshop fuzz")
    _, pos = make_api_client(
        channel=Channel.objects.get(code="POS-DK"),
        store=Store.objects.get(code="DK-CPH01"),
        name="Till fuzz",
    )
    browser = Client()
    browser.force_login(get_user_model().objects.get(username="hq"))
    session = browser.cookies["sessionid"].value
    return {
        "webshop": {"headers": {"Authorization": f"Api-Key {web}"}},
        "pos": {"headers": {"Authorization": f"Api-Key {pos}"}},
        "hq": {
            "headers": {"X-CSRFToken": CSRF},
            "cookies": {"sessionid": session, "csrftoken": CSRF},
        },
    }


def _phase(case) -> str:
    return str(case.meta.phase.name) if case.meta is not None else "examples"


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, **SETTINGS)
def test_api_fuzz_no_server_error_and_every_answer_as_documented(case, identities):
    phase = _phase(case)
    COUNTS[phase, "cases"] += 1
    for kwargs in identities.values():
        COUNTS[phase, "requests"] += 1
        case.call_and_validate(checks=CHECKS, **kwargs)


@pytest.mark.parametrize("identity", ["webshop", "pos", "hq"])
def test_api_fuzz_stateful_journeys_follow_the_links(identity, identities):
    call_kwargs = identities[identity]

    class Journey(schema.as_state_machine()):
        def setup(self):
            # Every journey starts from the seeded chain, not throttled by the ones before it:
            # Hypothesis replays journeys and needs the same answers to the same calls.
            cache.clear()
            self._savepoint = transaction.savepoint()

        def teardown(self):
            transaction.savepoint_rollback(self._savepoint)
            super().teardown()

        def step(self, input):
            if input.transition is not None and input.applied_parameters:
                COUNTS["stateful", "links followed"] += 1
            return super().step(input)

        def get_call_kwargs(self, case):
            return call_kwargs

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            COUNTS["stateful", "cases"] += 1
            COUNTS["stateful", "requests"] += 1
            STATUSES[case.operation.label, response.status_code] += 1
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    Journey.run(settings=settings(max_examples=SCENARIOS, stateful_step_count=STEPS, **SETTINGS))
