"""A bounded fuzz run of the API (issue 10): schemathesis generates requests for every operation of
the OpenAPI document the site serves, as a department token and as an agency token; every answer
must be a documented status with the documented content (0 server errors, 0 undocumented statuses).

The run is derandomised (the same examples every run, CI stays reproducible); set
``CHISO_FUZZ_EXAMPLES`` for a longer local run.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance

from chiso.api.models import Token
from chiso.lib import frameworks
from chiso.site.wsgi import application

from ..base import TEST_FW
from .test_api import ApiTestCase

EXAMPLES = int(os.environ.get("CHISO_FUZZ_EXAMPLES", "25"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance]

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
# Valid and invalid requests (wrong types, out-of-range ids, NUL bytes in text), the same every run.
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], deterministic=True,
                                allow_x00=True)


@pytest.fixture
def in_test_transaction():
    """Requests go to the WSGI application itself, which closes the database connection at the end
    of each request; inside the test's transaction that would drop it (PostgreSQL).  Django's test
    client disconnects the same handlers."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db, in_test_transaction):
    """The web tests' cast (department, agencies A and B, a round with forms, a published table and a run)."""
    frameworks.register(TEST_FW)

    class Cast(ApiTestCase):
        pass

    Cast.setUpTestData()
    return {"department": Cast.tokens["admin"], "agency": Cast.tokens["alice"],
            "agency_head": Token.issue(Cast.anna, "fuzz")[1]}


@pytest.mark.parametrize("who", ["department", "agency"])
@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_fuzz(case, who, tokens):
    case.call_and_validate(headers={"Authorization": f"Bearer {tokens[who]}"}, checks=CHECKS)
