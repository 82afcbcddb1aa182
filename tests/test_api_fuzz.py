"""Every API operation, fuzzed by schemathesis from the OpenAPI schema (issue 14).

Each operation gets ``MAX_EXAMPLES`` generated requests, each sent as a
webshop key, a POS key and a signed-in HQ user (with a CSRF token, so
writes get past the session check) against the small chain of
``tests/orders/world.py``.  Every answer must be no server error, have a
status the schema documents for that operation, and match its schema.
Bugs it found have their own regression tests beside the API tests
(tests/retail/test_api_nul.py, ...).
"""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.utils.encoders import JSONEncoder
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import make_api_client, make_staff
from tests.orders.world import make_world

MAX_EXAMPLES = 15
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# The schema's examples and MAX_EXAMPLES generated cases per operation; the coverage
# phase (every boundary of every parameter) is unbounded and left to a longer run.
CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})
CSRF = "f" * 32  # an unmasked CSRF secret: the same in the cookie and the header

pytestmark = pytest.mark.django_db


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
def identities(db, _keep_the_test_connection):
    cache.clear()  # throttles and failed-lookup counters from earlier tests
    world = make_world()
    _, web = make_api_client(channel=world.webshop, name="Webshop")
    _, pos = make_api_client(channel=world.pos, store=world.cph, name="Till 1")
    browser = Client()
    browser.force_login(make_staff("hq", username="hq-fuzz"))
    session = browser.cookies["sessionid"].value
    return {
        "webshop": ({"Authorization": f"Api-Key {web}"}, {}),
        "pos": ({"Authorization": f"Api-Key {pos}"}, {}),
        "hq": ({"X-CSRFToken": CSRF}, {"sessionid": session, "csrftoken": CSRF}),
    }


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_fuzz_no_server_error_and_every_answer_as_documented(case, identities):
    for headers, cookies in identities.values():
        case.call_and_validate(headers=headers, cookies=cookies, checks=CHECKS)
