"""Every API endpoint × every role × own and other trust, against the pages' own answers.

The API must agree with the pages: what a page shows (200) the API reads (200), what a page hides
(404) the API hides (404), and a write a page refuses (403) the API refuses (403). Lists hold
exactly what ``access.scoping`` gives. After every refused write nothing has changed.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from access import scoping
from assessments.models import AssessmentStatus, Response
from audit.models import AuditEvent
from reports.models import BenchmarkRun, JobStatus, JobTrigger
from tests.assessments.conftest import ROLES
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PAGE_TO_API = {200: 200, 302: 200, 403: 403, 404: 404}


def page_client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def ids(response) -> set:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("role", ROLES)
def test_an_assessment_is_read_where_its_page_is_shown(world, clients, role):
    for assessment in (world.assessment_a, world.assessment_b, world.last_a):
        page = page_client(role).get(reverse("task-list", args=[assessment.pk])).status_code
        api = clients[role]
        for url in (
            f"/api/v1/assessments/{assessment.pk}/",
            f"/api/v1/assessments/{assessment.pk}/answers/",
            f"/api/v1/assessments/{assessment.pk}/answers/D1-01/",
            f"/api/v1/assessments/{assessment.pk}/questionnaire-response/",
        ):
            assert api.get(url).status_code == PAGE_TO_API[page], (role, url, page)


@pytest.mark.parametrize("role", ROLES)
def test_lists_hold_exactly_what_the_access_layer_gives(world, clients, role):
    user = world.users[role]
    api = clients[role]
    assert ids(api.get("/api/v1/assessments/")) == set(
        scoping.assessments_visible_to(user=user).values_list("pk", flat=True)
    )
    organisations = api.get("/api/v1/organisations/?page_size=500").json()["results"]
    assert {row["ods_code"] for row in organisations} == set(
        scoping.organisations_visible_to(user=user).values_list("ods_code", flat=True)
    )
    for trust in (world.trust_a, world.trust_b):
        visible = scoping.organisations_visible_to(user=user).filter(pk=trust.pk).exists()
        status = api.get(f"/api/v1/organisations/{trust.ods_code}/").status_code
        assert status == (200 if visible else 404)
    assert api.get("/api/v1/frameworks/").status_code == 200
    questionnaire = api.get(f"/api/v1/frameworks/{world.framework.pk}/questionnaire/")
    assert questionnaire.status_code == 200
    assert questionnaire["Content-Type"] == "application/fhir+json"
    assert api.get("/api/v1/cycles/").status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("code", ["D1-01", "D2-01"])
def test_an_answer_is_saved_where_the_page_would_save_it(world, clients, role, code):
    """Each role tries the page and the API on trust A's open assessment; they must agree, and a
    refused write leaves answers and the audit trail as they were."""
    assessment = world.assessment_a
    page = page_client(role).post(
        reverse("question-save", args=[assessment.pk, code]),
        {f"{code}-answer": "2", f"{code}-version": 0, f"{code}-comment": ""},
    )
    Response.objects.filter(assessment=assessment).delete()  # the API starts where the page did
    AuditEvent.objects.all().delete()
    response = clients[role].put(
        f"/api/v1/assessments/{assessment.pk}/answers/{code}/",
        {"option": 2},
        format="json",
        HTTP_IF_MATCH='"v0"',
    )
    assert response.status_code == PAGE_TO_API[page.status_code], (role, code, page.status_code)
    if response.status_code != 200:
        assert not Response.objects.filter(assessment=assessment).exists()
        assert not AuditEvent.objects.exists()


def test_a_token_of_trust_a_never_reads_or_writes_trust_b(world, clients):
    api = clients["lead_a"]
    b = world.assessment_b
    assert api.get(f"/api/v1/assessments/{b.pk}/").status_code == 404
    assert b.pk not in ids(api.get("/api/v1/assessments/?organisation=RB2"))
    put = api.put(
        f"/api/v1/assessments/{b.pk}/answers/D1-01/",
        {"option": 2},
        format="json",
        HTTP_IF_MATCH='"v0"',
    )
    assert put.status_code == 404
    assert not Response.objects.filter(assessment=b).exists()


@pytest.mark.parametrize("role", ROLES)
def test_national_downloads_and_benchmark_runs_are_for_nhs_england(world, clients, role):
    run = BenchmarkRun.objects.create(
        cycle=world.last_cycle,
        fingerprint="x",
        trigger=JobTrigger.ON_DEMAND,
        status=JobStatus.QUEUED,
        min_peers=5,
    )
    api = clients[role]
    analyst = role == "analyst"
    for url in (
        "/api/v1/national/results/dictionary/",
        "/api/v1/national/results/csv/",
        "/api/v1/national/answers/csv/?cycle=2025/26",
    ):
        assert api.get(url).status_code == (200 if analyst else 403), (role, url)
    nhs_england = role in ("analyst", "admin")
    assert ids(api.get("/api/v1/benchmark-runs/")) == ({run.pk} if nhs_england else set())
    statistics = api.get(f"/api/v1/benchmark-runs/{run.pk}/statistics/").status_code
    assert statistics == (200 if nhs_england else 404)


def test_the_analyst_reads_only_what_has_been_shared(world, clients):
    """An analyst sees submitted and signed-off assessments, never one still being answered."""
    api = clients["analyst"]
    assert ids(api.get("/api/v1/assessments/")) == {world.last_a.pk}
    world.assessment_b.status = AssessmentStatus.SUBMITTED
    world.assessment_b.submitted_at = world.last_a.submitted_at
    world.assessment_b.save(update_fields=["status", "submitted_at"])
    assert ids(api.get("/api/v1/assessments/?status=submitted")) == {world.assessment_b.pk}


@pytest.mark.parametrize("role", ROLES)
def test_a_questionnaire_response_is_imported_where_the_import_page_opens(world, clients, role):
    """An import with no answers in it: allowed (200) wherever the page opens, refused (403)
    where the page refuses, and unseen (404) where the assessment is hidden."""
    assessment = world.assessment_a
    page = page_client(role).get(
        reverse("assessment-questionnaire-response-import", args=[assessment.pk])
    )
    empty = {
        "resourceType": "QuestionnaireResponse",
        "status": "in-progress",
        "questionnaire": f"{settings.FHIR_BASE_URL}/Questionnaire/{world.framework.code}",
    }
    response = clients[role].post(
        f"/api/v1/assessments/{assessment.pk}/questionnaire-response/", empty, format="json"
    )
    assert response.status_code == PAGE_TO_API[page.status_code], (role, page.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_details_of_what_everyone_may_read(world, clients, role):
    api = clients[role]
    assert api.get(f"/api/v1/frameworks/{world.framework.pk}/").json()["definition"]["domains"]
    assert api.get(f"/api/v1/cycles/{world.cycle.pk}/").json()["name"] == world.cycle.name
    assert api.get("/api/v1/frameworks/999999/").status_code == 404
