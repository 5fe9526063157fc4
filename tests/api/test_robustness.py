"""Bad input to the API gets a clear refusal and never a server error."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from tests.factories import PASSWORD, published_framework

from .conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_token_that_is_not_text_is_a_401(world):
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION=b"Token mp_caf\xe9")
    assert client.get("/api/v1/cycles/").status_code == 401


def test_an_expired_token_is_refused_but_kept_for_its_owner_to_see(world):
    client = client_for(world.users["lead_a"])
    ApiToken.objects.update(expiry=timezone.now() - dt.timedelta(minutes=1))
    assert client.get("/api/v1/cycles/").status_code == 401
    assert ApiToken.objects.count() == 1
    page = Client()
    assert page.login(username="lead_a", password=PASSWORD)
    assert "Expired" in page.get(reverse("api-tokens")).content.decode()


@pytest.mark.parametrize("query", ["region=a%0Ab", 'icb=a";x=1', "cycle=1999/00", "trust_type=x"])
def test_national_filters_that_name_nothing_are_refused(world, clients, query):
    response = clients["analyst"].get(f"/api/v1/national/results/csv/?{query}")
    assert response.status_code == 400
    assert response.json()


def test_a_version_with_any_characters_is_still_a_questionnaire(world, clients):
    framework = published_framework(version="2026 beta/2+")
    response = clients["lead_a"].get(
        f"/api/v1/frameworks/{framework.pk}/questionnaire/",
        HTTP_ACCEPT="application/fhir+json",
    )
    assert response.status_code == 200
    assert response.json()["id"] == f"{framework.code}-2026-beta-2-"
    assert response.json()["version"] == "2026 beta/2+"


def test_fhir_clients_may_ask_for_fhir_json(world, clients):
    url = f"/api/v1/assessments/{world.assessment_a.pk}/questionnaire-response/"
    response = clients["lead_a"].get(url, HTTP_ACCEPT="application/fhir+json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"


def test_json_nested_too_deeply_is_a_400(world, clients):
    body = "[" * 100_000 + "]" * 100_000
    for url, method in (
        (f"/api/v1/assessments/{world.assessment_a.pk}/questionnaire-response/", "post"),
        (f"/api/v1/assessments/{world.assessment_a.pk}/answers/D1-01/", "put"),
    ):
        response = getattr(clients["lead_a"], method)(
            url, body, content_type="application/json", HTTP_IF_MATCH='"v0"'
        )
        assert response.status_code == 400, url


def test_more_than_two_decimal_places_is_refused_everywhere(world, clients):
    response = clients["lead_a"].put(
        f"/api/v1/assessments/{world.assessment_a.pk}/answers/D1-PC/",
        {"number": "50.004"},
        format="json",
        HTTP_IF_MATCH='"v0"',
    )
    assert response.status_code == 400
