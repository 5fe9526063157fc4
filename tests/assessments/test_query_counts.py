"""Key pages use the same number of queries however many questions and answers there are."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Evidence, Response
from assessments.services.workflow import assessment_start
from frameworks.models import Question
from tests.factories import (
    PASSWORD,
    OrganisationFactory,
    answer_all,
    assessment_in,
    closed_cycle,
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


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "args"),
    [("home", ()), ("audit", ("pk",)), ("assessment-list", ())],
    ids=["home", "audit trail", "list of assessments"],
)
def test_other_journey_pages_use_a_fixed_number_of_queries(page, args):
    small = answered_assessment(questions_per_domain=2, domains=2, username="small")
    large = answered_assessment(questions_per_domain=12, domains=7, username="large")
    small_queries = queries_for(reverse(page, args=[small.pk] if args else []), "small")
    large_queries = queries_for(reverse(page, args=[large.pk] if args else []), "large")
    assert small_queries == large_queries
    assert small_queries <= 12


def queries_to_save(assessment, username: str, *, htmx: bool) -> int:
    client = Client()
    client.login(username=username, password=PASSWORD)
    client.get(reverse("home"))  # warm the session and the framework's content
    url = reverse("question-save", args=[assessment.pk, "D1-01"])
    counts = []
    for option in ("1", "2"):  # the second save is measured with everything warm
        version = Response.objects.get(assessment=assessment, question__code="D1-01").version
        data = {"D1-01-answer": option, "D1-01-version": version, "D1-01-comment": ""}
        with CaptureQueriesContext(connection) as captured:
            response = client.post(url, data, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))
        assert response.status_code == (200 if htmx else 302)
        counts.append(len(captured))
    return counts[-1]


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [True, False], ids=["in place", "plain post"])
def test_an_answer_save_takes_a_small_fixed_number_of_queries(htmx):
    small = answered_assessment(questions_per_domain=2, domains=2, username="small")
    large = answered_assessment(questions_per_domain=12, domains=7, username="large")
    small_queries = queries_to_save(small, "small", htmx=htmx)
    assert small_queries == queries_to_save(large, "large", htmx=htmx)
    assert small_queries <= 30  # session, roles and the transaction's own statements included


def queries_to_start(evidence_per_question: int, username: str) -> int:
    framework = published_framework(questions_per_domain=4, domains=3, version=username)
    trust = OrganisationFactory()
    lead = member(trust, "digital_lead", username)
    last = assessment_in(trust, closed_cycle(framework, name=f"{username}-last"))
    current = open_cycle(framework, name=username)
    for question in Question.objects.filter(framework=framework):
        Response.objects.create(assessment=last, question=question)
        Evidence.objects.bulk_create(
            Evidence(assessment=last, question=question, kind="link", url=f"https://e.nhs.uk/{n}")
            for n in range(evidence_per_question)
        )
    assessment_start(organisation=trust, cycle=current, user=lead, copy_forward=False).delete()
    with CaptureQueriesContext(connection) as captured:
        started = assessment_start(organisation=trust, cycle=current, user=lead, copy_forward=True)
    questions = Question.objects.filter(framework=framework).count()
    assert Evidence.objects.filter(assessment=started).count() == questions * evidence_per_question
    return len(captured)


@pytest.mark.postgres  # SQLite splits a bulk insert past 999 parameters; PostgreSQL never does
@pytest.mark.django_db
def test_starting_with_copy_forward_takes_the_same_queries_whatever_the_evidence():
    assert queries_to_start(1, "few") == queries_to_start(8, "many")
