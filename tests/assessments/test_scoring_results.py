"""Stored results: built from the database in a fixed number of queries, refreshed on change."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import Assessment, AssessmentResult, DomainResult, Response
from assessments.services.answers import AnswerInput, response_save
from assessments.services.demo import demo_seed
from assessments.services.scoring import assessment_answers, assessment_results_refresh
from frameworks.models import Question, StageThreshold
from frameworks.scoring.engine import ENGINE_VERSION, score_assessment
from frameworks.selectors import framework_definition, frozen_content_cache
from frameworks.services import framework_load
from organisations.models import Membership
from organisations.services.reference_data import organisations_load

from ..frameworks.conftest import SHIPPED


def queries_to_refresh(assessments) -> int:
    with CaptureQueriesContext(connection) as captured:
        assessment_results_refresh(assessments=assessments)
    return len(captured)


class TestStoredResults(TestCase):
    """Demo data seeded once; each test runs in its own rolled-back transaction."""

    @classmethod
    def setUpTestData(cls) -> None:
        organisations_load()
        framework_load(path=SHIPPED, publish=True, user=None)
        demo_seed()

    def test_refresh_uses_the_same_number_of_queries_for_one_or_many_assessments(self):
        # Ten keeps SQLite's bulk inserts in one batch; PostgreSQL never splits them.
        frozen_content_cache.clear()
        first = queries_to_refresh(Assessment.objects.all()[:1])
        one = queries_to_refresh(Assessment.objects.all()[:1])
        many = queries_to_refresh(Assessment.objects.all()[:10])
        assert one == many
        assert first > one  # the published framework itself is read once, then kept

    def test_stored_result_matches_the_engine(self):
        assessment = Assessment.objects.select_related("cycle__framework").get(
            organisation__ods_code="R0B", cycle__name="2026/27"
        )
        definition = framework_definition(framework=assessment.cycle.framework)
        answers = assessment_answers(assessment_ids=[assessment.pk])[assessment.pk]
        expected = score_assessment(definition, answers)
        stored = AssessmentResult.objects.get(assessment=assessment)
        assert stored.overall_score == Decimal(repr(expected.overall.score))
        assert stored.engine_version == ENGINE_VERSION
        rows = {row.domain.code: row for row in stored.domains.select_related("domain", "stage")}
        for domain in expected.domains:
            assert rows[domain.code].score == Decimal(repr(domain.score))
            assert (
                rows[domain.code].stage.code if rows[domain.code].stage else None
            ) == domain.stage
            assert rows[domain.code].explanation["summary"] == domain.explanation.summary

    def test_stored_scores_compared_with_thresholds_give_the_stored_stages(self):
        """A reader who re-compares stored scores with the thresholds agrees with every stage."""
        thresholds = {
            (row.domain_id, row.stage.ordinal): row.minimum_score
            for row in StageThreshold.objects.filter(domain__isnull=False).select_related("stage")
        }
        rows = DomainResult.objects.filter(stage__isnull=False).select_related("stage")
        assert rows.count() > 100
        for row in rows:
            assert row.score == row.score.quantize(Decimal("0.1"))
            reached = thresholds.get((row.domain_id, row.stage.ordinal), Decimal(0))
            assert row.score >= reached, (row.score, reached)
            above = thresholds.get((row.domain_id, row.stage.ordinal + 1))
            held_by_gate = bool(row.explanation["unmet_gates"])
            assert above is None or row.score < above or held_by_gate, (row.score, above)

    def test_answers_are_read_back_as_engine_answers(self):
        response = (
            Response.objects.filter(
                question__type="multiple_choice", selected_options__isnull=False
            )
            .select_related("question")
            .first()
        )
        answers = assessment_answers(assessment_ids=[response.assessment_id])
        answer = answers[response.assessment_id][response.question.code]
        expected = {option.order - 1 for option in response.selected_options.all()}
        assert answer.selected == frozenset(expected)

    def test_saving_an_answer_refreshes_the_stored_result(self):
        assessment = Assessment.objects.filter(status="in_progress", cycle__name="2026/27").first()
        lead = get_user_model().objects.create_user("lead", password="a-long-pass-2026")
        Membership.objects.create(
            user=lead, organisation=assessment.organisation, role="digital_lead"
        )
        question = Question.objects.get(framework=assessment.cycle.framework, code="LG-01")
        current = Response.objects.filter(assessment=assessment, question=question).first()
        before = DomainResult.objects.get(result__assessment=assessment, domain__code="LG")
        new_option = 1 if current is None or current.option.order != 1 else 4
        response_save(
            assessment=assessment,
            question=question,
            answer=AnswerInput(option=new_option),
            comment="",
            based_on_version=current.version if current else 0,
            user=lead,
        )
        after = DomainResult.objects.get(result__assessment=assessment, domain__code="LG")
        assert after.score != before.score
        assert after.explanation != before.explanation

    def test_score_assessments_command_rescores_a_cycle(self):
        AssessmentResult.objects.all().delete()
        out = io.StringIO()
        call_command("score_assessments", "--cycle", "2025/26", stdout=out)
        assert "Scored 202 assessment(s)." in out.getvalue()
        assert AssessmentResult.objects.filter(assessment__cycle__name="2025/26").count() == 202
        assert not AssessmentResult.objects.filter(assessment__cycle__name="2026/27").exists()


@pytest.mark.django_db
def test_score_assessments_names_an_unknown_cycle():
    with pytest.raises(CommandError, match="No cycle named '1999/00'"):
        call_command("score_assessments", "--cycle", "1999/00", stdout=io.StringIO())


def stored_results(assessment) -> tuple:
    result = AssessmentResult.objects.get(assessment=assessment)
    return (
        result.overall_score,
        result.overall_stage_id,
        result.incomplete,
        result.explanation,
        sorted(
            result.domains.values_list(
                "domain_id",
                "score",
                "stage_id",
                "provisional_stage_id",
                "incomplete",
                "answered",
                "explanation",
            )
        ),
    )


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(choices=st.lists(st.tuples(st.integers(0, 30), st.integers(1, 4)), min_size=1, max_size=8))
def test_rescoring_one_domain_stores_what_rescoring_everything_would(world, choices):
    """A save rescores only its own domain; the stored results must not differ for it."""
    with transaction.atomic():
        lead = world.users["lead_a"]
        questions = list(
            Question.objects.filter(framework=world.framework, type="scale").order_by("code")
        )
        for index, option in choices:
            question = questions[index % len(questions)]
            current = Response.objects.filter(assessment=world.assessment_a, question=question)
            response_save(
                assessment=world.assessment_a,
                question=question,
                answer=AnswerInput(option=option),
                comment="",
                based_on_version=current.first().version if current.exists() else 0,
                user=lead,
            )
        after_saves = stored_results(world.assessment_a)
        assessment_results_refresh(assessments=[world.assessment_a])
        assert stored_results(world.assessment_a) == after_saves
        transaction.set_rollback(True)
