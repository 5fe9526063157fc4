"""Score assessments with the engine and store the results.

The engine knows nothing of the database: this module reads answers in a fixed number of
queries (whatever the number of assessments), turns them into the engine's ``Answer`` values,
and stores what comes back. Anything that changes answers calls ``assessment_results_refresh``
so dashboards and reports read stored results and never recompute on page load.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from assessments.models import Assessment, AssessmentResult, DomainResult, Response
from frameworks.definition import ShownWhenDef
from frameworks.models import Domain
from frameworks.scoring import engine
from frameworks.scoring.explain import Explanation
from frameworks.scoring.rules import Answer
from frameworks.selectors import framework_content


def assessment_answers(*, assessment_ids: Iterable[int]) -> dict[int, dict[str, Answer]]:
    """Every answer of the given assessments, keyed by assessment and question code: 2 queries."""
    ids = list(assessment_ids)
    answers: dict[int, dict[str, Answer]] = {assessment_id: {} for assessment_id in ids}
    selected: dict[int, set[int]] = defaultdict(set)
    for response_id, order in Response.selected_options.through.objects.filter(
        response__assessment_id__in=ids
    ).values_list("response_id", "answeroption__order"):
        selected[response_id].add(order - 1)
    rows = Response.objects.filter(assessment_id__in=ids).values_list(
        "pk",
        "assessment_id",
        "question__code",
        "option__order",
        "number_value",
        "text_value",
        "is_not_applicable",
    )
    for pk, assessment_id, code, option_order, number, text, not_applicable in rows:
        answers[assessment_id][code] = engine_answer(
            option_order=option_order,
            selected_orders={order + 1 for order in selected.get(pk, ())},
            number=number,
            text=text,
            not_applicable=not_applicable,
        )
    return answers


def engine_answer(
    *, option_order: int | None, selected_orders, number, text: str, not_applicable: bool
) -> Answer:
    """A stored answer as the engine reads it: options by position from 0, numbers as floats."""
    return Answer(
        option=None if option_order is None else option_order - 1,
        selected=frozenset(order - 1 for order in selected_orders),
        number=None if number is None else float(number),
        not_applicable=not_applicable,
        text=text,
    )


@transaction.atomic
def assessment_results_refresh(*, assessments: Iterable[Assessment]) -> list[AssessmentResult]:
    """Score the assessments and replace their stored results, in a fixed number of queries."""
    assessments = list(
        Assessment.objects.filter(pk__in=[a.pk for a in assessments]).select_related(
            "cycle__framework"
        )
    )
    if not assessments:
        return []
    contents = {
        a.cycle.framework_id: framework_content(framework=a.cycle.framework) for a in assessments
    }
    answers = assessment_answers(assessment_ids=[assessment.pk for assessment in assessments])
    AssessmentResult.objects.filter(assessment__in=assessments).delete()
    now = timezone.now()
    results, domain_rows = [], []
    for assessment in assessments:
        content = contents[assessment.cycle.framework_id]
        scored = engine.score_assessment(content.definition, answers[assessment.pk])
        result = AssessmentResult(
            assessment=assessment,
            overall_score=stored_score(scored.overall.score),
            overall_stage=content.stage_by_code.get(scored.overall.stage),
            incomplete=scored.overall.incomplete,
            explanation=_overall_record(scored.overall_explanation),
            readiness=readiness_record(scored.readiness, content),
            barriers=scored.barriers,
            engine_version=scored.engine_version,
            computed_at=now,
        )
        results.append(result)
        domain_rows += [
            (result, content.domain_by_code[domain.code], domain, content)
            for domain in scored.domains
        ]
    AssessmentResult.objects.bulk_create(results)
    DomainResult.objects.bulk_create(
        DomainResult(
            result=result,
            domain=domain,
            score=stored_score(scored_domain.score),
            stage=content.stage_by_code.get(scored_domain.stage),
            provisional_stage=content.stage_by_code[scored_domain.explanation.provisional_stage],
            incomplete=scored_domain.incomplete,
            answered=scored_domain.answered,
            explanation=explanation_record(scored_domain.explanation),
        )
        for result, domain, scored_domain, content in domain_rows
    )
    return results


def stored_score(score: float | None) -> Decimal | None:
    """The engine's score (already rounded to one decimal) as the decimal that is stored."""
    return None if score is None else Decimal(repr(score))


@transaction.atomic
def assessment_domain_refresh(*, assessment: Assessment, domain: Domain) -> None:
    """After answers in one domain change: rescore that domain and the overall result only.

    Gives the same stored results as ``assessment_results_refresh`` (a test holds them equal),
    in 4 queries, updating two rows instead of replacing them all.
    """
    content = framework_content(framework=assessment.cycle.framework)
    if content.definition.domains_conditioned_on(domain.code):
        # An answer here decides which questions another domain asks: its result moves too.
        assessment_results_refresh(assessments=[assessment])
        return
    answers = assessment_answers(assessment_ids=[assessment.pk])[assessment.pk]
    scored = engine.rescore_domain(content.definition, answers, domain.code)
    [changed] = scored.domains
    updated = DomainResult.objects.filter(result__assessment=assessment, domain=domain).update(
        score=stored_score(changed.score),
        stage=content.stage_by_code.get(changed.stage),
        provisional_stage=content.stage_by_code[changed.explanation.provisional_stage],
        incomplete=changed.incomplete,
        answered=changed.answered,
        explanation=explanation_record(changed.explanation),
    )
    if not updated:  # no stored result yet, or one from another framework version
        assessment_results_refresh(assessments=[assessment])
        return
    AssessmentResult.objects.filter(assessment=assessment).update(
        overall_score=stored_score(scored.overall.score),
        overall_stage=content.stage_by_code.get(scored.overall.stage),
        incomplete=scored.overall.incomplete,
        explanation=_overall_record(scored.overall_explanation),
        readiness=readiness_record(scored.readiness, content),
        barriers=scored.barriers,
        engine_version=scored.engine_version,
        computed_at=timezone.now(),
    )


def readiness_record(readiness, content) -> list[dict]:
    """Each technology's readiness as JSON, each unmet prerequisite said in words (``what``)
    beside why it matters: what the dashboard and the board pack show."""
    titles = {question.code: question.title for question in content.questions}
    domain_names = {domain.code: domain.name for domain in content.domains}

    def what(prerequisite) -> str:
        if prerequisite.condition is not None:
            return ShownWhenDef("all", (prerequisite.condition,)).describe(titles)
        stage = content.stage_by_code[prerequisite.stage].name
        return f"{domain_names[prerequisite.domain]} at {stage} or above"

    return [
        {
            "code": item.code,
            "name": item.name,
            "ready": item.ready,
            "unmet": [
                {
                    "what": what(prerequisite),
                    "why": prerequisite.why,
                    "domain": prerequisite.domain,
                    "stage": prerequisite.stage,
                    "question": prerequisite.condition.question if prerequisite.condition else None,
                }
                for prerequisite in item.unmet
            ],
        }
        for item in readiness
    ]


def _overall_record(explanation) -> dict:
    return {"summary": explanation.summary, "next_steps": explanation.next_steps}


def explanation_record(explanation: Explanation) -> dict:
    """The explanation as JSON: what a page or a download needs to show the reasons."""
    return {
        "summary": explanation.summary,
        "next_steps": explanation.next_steps,
        "reached_threshold": _plain(explanation.reached_threshold),
        "next_stage": explanation.next_stage,
        "next_threshold": _plain(explanation.next_threshold),
        "points_needed": round(explanation.points_needed, 6),
        "reachable": explanation.reachable,
        "missing_mandatory": list(explanation.missing_mandatory),
        "unmet_gates": [gate.question_code for gate in explanation.unmet_gates],
        "gates_met": [gate.question_code for gate in explanation.gates_met],
        "changes": [
            {"question": change.question_code, "instruction": change.instruction}
            for change in explanation.changes
        ],
    }


def _plain(number: float | Decimal | None) -> float | None:
    return None if number is None else float(number)
