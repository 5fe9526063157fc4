"""The OpenAPI schema is valid, and the running API keeps to it: schemathesis sends every operation
generated requests (a bounded number) on a seeded database, as a trust lead and as an analyst,
and no response is a server error or breaks the schema."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, settings
from rest_framework.throttling import UserRateThrottle
from schemathesis.checks import not_a_server_error, response_schema_conformance

from api.docs import schema as api_schema
from api.services import api_token_create
from assessments.models import AssessmentStatus
from assessments.services.scoring import assessment_results_refresh
from reports.models import BenchmarkRun, JobTrigger
from tests.factories import PASSWORD, answer_all

from .conftest import client_for

SCHEMA = schemathesis.openapi.from_dict(api_schema())


def test_the_schema_validates_without_a_warning(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    assert "/api/v1/assessments/{id}/answers/{code}/" in (tmp_path / "s.yml").read_text()


@pytest.mark.django_db
def test_the_schema_and_the_documentation_need_a_signed_in_caller(world):
    assert client_for(None).get("/api/v1/schema/").status_code == 401
    assert client_for(world.users["board_a"]).get("/api/v1/schema/").status_code == 200
    page = Client()
    assert page.get(reverse("api-docs")).status_code == 302
    assert page.login(username="board_a", password=PASSWORD)
    html = page.get(reverse("api-docs")).content.decode()
    assert "PUT /api/v1/assessments/{id}/answers/{code}/" in html
    assert "If-Match" in html


@pytest.fixture
def seeded(world):
    """Answers, results and a shared assessment for the generated requests to find."""
    answer_all(world.assessment_a, world.users["lead_a"], mandatory_only=False)
    world.assessment_b.status = AssessmentStatus.SUBMITTED
    world.assessment_b.submitted_at = world.last_a.submitted_at
    world.assessment_b.save(update_fields=["status", "submitted_at"])
    assessment_results_refresh(assessments=[world.assessment_a, world.assessment_b])
    BenchmarkRun.objects.create(
        cycle=world.cycle, fingerprint="seed", trigger=JobTrigger.ON_DEMAND, min_peers=5
    )
    return world


@pytest.fixture
def unthrottled(monkeypatch):
    """Generated requests come faster than any person's; the limit is tested on its own."""
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": None, "anon": None})


@pytest.fixture
def token(seeded, role) -> str:
    return api_token_create(user=seeded.users[role], name="schemathesis", days=7)[1]


@pytest.mark.parametrize("role", ["lead_a", "analyst"])
@SCHEMA.parametrize()
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
def test_generated_requests_never_break_the_api(case, role, token, unthrottled, live_server):
    case.call_and_validate(
        base_url=live_server.url,
        headers={"Authorization": f"Token {token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )


@pytest.mark.django_db
def test_each_person_is_held_to_the_rate_limit(world, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/minute", "anon": None})
    lead, board = client_for(world.users["lead_a"]), client_for(world.users["board_a"])
    statuses = [lead.get("/api/v1/cycles/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "Retry-After" in lead.get("/api/v1/cycles/").headers
    assert board.get("/api/v1/cycles/").status_code == 200


@pytest.mark.parametrize("role", ["lead_a", "analyst"])
def test_real_objects_keep_to_the_schema(role, seeded, token, unthrottled, live_server):
    """Generated ids rarely name a real row; here every read and a save meet real ones."""
    assessment = seeded.assessment_a if role == "lead_a" else seeded.assessment_b
    run = BenchmarkRun.objects.get()
    known = {
        "id": assessment.pk,
        "code": "D1-01",
        "ods_code": assessment.organisation.ods_code,
        "dataset": "results",
    }
    specific = {
        "/api/v1/benchmark-runs/{id}/": run.pk,
        "/api/v1/benchmark-runs/{id}/statistics/": run.pk,
    }
    specific |= {
        "/api/v1/frameworks/{id}/": seeded.framework.pk,
        "/api/v1/cycles/{id}/": seeded.cycle.pk,
    }
    checked = 0
    for path, operations in SCHEMA.items():
        for method, operation in operations.items():
            if method != "get":
                continue
            names = [
                p["name"]
                for p in operation.definition.raw.get("parameters", [])
                if p["in"] == "path"
            ]
            parameters = {name: known[name] for name in names}
            if path in specific:
                parameters["id"] = specific[path]
            case = SCHEMA.make_case(operation=operation, path_parameters=parameters)
            response = case.call_and_validate(
                base_url=live_server.url,
                headers={"Authorization": f"Token {token}"},
                checks=[not_a_server_error, response_schema_conformance],
            )
            checked += response.status_code == 200
    assert checked >= 8
