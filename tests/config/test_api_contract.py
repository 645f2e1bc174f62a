"""Contract test: schemathesis generates requests from the OpenAPI schema for every operation
of the open data API and sends them to the WSGI app over a small data set with private rows in
it. No answer may be a server error, and every answer must match what the schema promises
(status code, content type, body)."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.specs.openapi.checks import negative_data_rejection

from config.wsgi import application
from tests.config.api_world import build

schemathesis_settings = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,  # the same requests on every run: a failure in CI reproduces locally
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# The schema is read from the app itself (no database needed to describe it).
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def world(db, forum, leo, local_unit, monkeypatch):
    # The app is called outside Django's test client: keep the request signals from closing
    # the test's connection (and its transaction) after each request, as the client does.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield from _world(forum, leo, local_unit, monkeypatch)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _world(forum, leo, local_unit, monkeypatch):
    # hundreds of requests in a second: the anonymous limits are not what is tested here
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "100000/min", "anon_csv": "100000/min"}
    )
    yield build(forum, leo, local_unit, n=2)


@schema.parametrize()
@schemathesis_settings
def test_every_operation_keeps_the_contract(case, world):
    # Lenient by design, so not a failure: an empty filter means "no filter" (HTML forms send
    # empty fields), unknown parameters are ignored, a bad page_size falls back to the default.
    # Every other check applies, to hostile (schema-violating) requests as well.
    case.call_and_validate(excluded_checks=[negative_data_rejection])
