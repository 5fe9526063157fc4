"""Key pages use the same number of queries however many questions and answers there are."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Evidence, Response
from frameworks.models import Question
from tests.factories import (
    PASSWORD,
    OrganisationFactory,
    answer_all,
    assessment_in,
    member,
    open_cycle,
    published_framework,
)


def answered_assessment(questions_per_domain: int, domains: int, username: str):
    """A trust whose every question is answered, with evidence: the heaviest page to draw."""
    framework = published_framework(
        questions_per_domain=questions_per_domain, domains=domains, version=username
    )
    trust = OrganisationFactory()
    lead = member(trust, "digital_lead", username)
    assessment = assessment_in(trust, open_cycle(framework, name=username))
    answer_all(assessment, lead, mandatory_only=False)
    for question in Question.objects.filter(framework=framework):
        Evidence.objects.create(
            assessment=assessment, question=question, kind="link", url="https://e.nhs.uk"
        )
    return assessment


def queries_for(url: str, username: str) -> int:
    client = Client()
    client.login(username=username, password=PASSWORD)
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "args"),
    [("task-list", ()), ("domain", ("D1",)), ("check-answers", ())],
    ids=["task list", "domain page", "check your answers"],
)
def test_page_queries_do_not_grow_with_the_framework(page, args):
    small = answered_assessment(questions_per_domain=2, domains=2, username="small")
    large = answered_assessment(questions_per_domain=12, domains=7, username="large")
    assert (
        Response.objects.filter(assessment=large).count()
        > 4 * Response.objects.filter(assessment=small).count()
    )
    small_queries = queries_for(reverse(page, args=[small.pk, *args]), "small")
    large_queries = queries_for(reverse(page, args=[large.pk, *args]), "large")
    assert small_queries == large_queries
    assert small_queries <= 20
