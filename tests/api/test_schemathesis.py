"""Schemathesis over every operation of the checked-in schema, with a valid token: no 5xx, every answer's status
code, content type and body as the schema says.

The WSGI application runs in-process on the test's database transaction (as Django's test client does, the
request signals do not close the connection), with a small trial behind the ids (a participant with a marrow,
flow and NGS MRD, a blood count, a data query and stored results). Examples per operation are few: the CI suite
has a time budget.
"""

import os
from pathlib import Path

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from endpoints.models import EndpointSnapshot, ParticipantResult
from tests.factories.api import bearer, make_token
from tests.factories.assessments import BloodCountFactory, FlowMrdFactory, MarrowFactory, NgsMrdFactory
from tests.factories.enrollment import ParticipantFactory
from tests.factories.integrity import DataQueryFactory

SCHEMA = schemathesis.openapi.from_path(Path(__file__).resolve().parents[2] / "api" / "openapi.yaml")
SCHEMA.app = get_wsgi_application()
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 15
IN_CI = os.environ.get("CI", "").lower() == "true"  # as the fuzz module: the same inputs every CI run, new ones locally


@pytest.fixture
def in_process():
    """The request signals leave the test's connection (and its transaction) open, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token_headers(db, data_manager, site_a, in_process) -> dict:
    participant = ParticipantFactory(site=site_a, screening__site=site_a)
    marrow = MarrowFactory(participant=participant)
    FlowMrdFactory(marrow=marrow), NgsMrdFactory(marrow=marrow), BloodCountFactory(participant=participant)
    DataQueryFactory(record=participant)
    cutoff = timezone.localdate()
    EndpointSnapshot.objects.create(
        cutoff=cutoff, data_version=1, calc_version="1", computed_at=timezone.now(), duration_ms=1.0,
        n_participants=1, n_treated=1, results={"primary": {"n": 1}, "by_site": {"01": {"primary": {"n": 1}}}},
    )
    ParticipantResult.objects.create(
        cutoff=cutoff, participant_pk=participant.pk, participant_id=participant.participant_id, site_code="01",
        data_version=1, groups=["treated"], entry={}, safety={},
    )
    _token, key = make_token(data_manager, name="schemathesis")
    return bearer(key)


@SCHEMA.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=IN_CI,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_answers_as_its_schema_says(case, token_headers):
    case.call_and_validate(headers=token_headers, checks=CHECKS)
