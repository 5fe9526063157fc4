"""Properties of the scoring method that must hold for every framework and every answer set."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frameworks.scoring.engine import overall_result, score_assessment, score_domains
from frameworks.scoring.readiness import technology_readiness
from frameworks.scoring.rules import (
    Answer,
    applicable,
    domain_facts,
    exact_value,
    gate_met,
    is_shown,
)
from frameworks.scoring.vectorised import answers_frame, readiness_frame, score_frame

from .scoring_builders import generated_answer, generated_answers, generated_framework

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def framework_and_answers(draw, sets: int = 1, *, conditions: bool = False):
    definition = draw(generated_framework(conditions=conditions))
    return definition, [draw(generated_answers(definition)) for _ in range(sets)]


def stage_rank(definition, stage: str | None) -> int:
    return -1 if stage is None else [s.code for s in definition.stages].index(stage)


def raised(question, answer: Answer | None) -> list[Answer]:
    """Every answer to the question that is worth more than the current one."""
    current = exact_value(question, answer)
    if current is None:
        return []
    match question.type:
        case "multiple_choice":
            candidates = [
                Answer(selected=answer.selected | {index}) for index in range(len(question.options))
            ]
        case "percentage":
            candidates = [Answer(number=float(n)) for n in range(0, 101, 7)]
        case "number":
            candidates = [Answer(number=float(band.min)) for band in question.bands]
        case _:
            candidates = [Answer(option=index) for index in range(len(question.options))]
    return [c for c in candidates if exact_value(question, c) > current]


@PROPERTY_SETTINGS
@given(framework_and_answers(), st.data())
def test_raising_one_answer_never_lowers_domain_score_or_stage(case, data):
    definition, [answers] = case
    candidates = [
        (domain_index, question)
        for domain_index, domain in enumerate(definition.domains)
        for question in domain.questions
        if raised(question, answers.get(question.code))
    ]
    if not candidates:
        return
    domain_index, question = data.draw(st.sampled_from(candidates))
    better = data.draw(st.sampled_from(raised(question, answers[question.code])))
    before = score_domains(definition, answers)[domain_index]
    after = score_domains(definition, {**answers, question.code: better})[domain_index]
    assert after.score >= before.score
    assert after.incomplete == before.incomplete
    assert stage_rank(definition, after.stage) >= stage_rank(definition, before.stage)


@PROPERTY_SETTINGS
@given(framework_and_answers())
def test_stages_are_cumulative(case):
    definition, [answers] = case
    codes = [stage.code for stage in definition.stages]
    for domain, result in zip(definition.domains, score_domains(definition, answers), strict=True):
        if result.stage is None:
            continue
        reached = codes.index(result.stage)
        thresholds = dict(domain.thresholds)
        for stage in codes[1 : reached + 1]:
            assert (result.score or 0) >= float(thresholds[stage])
            for question in domain.questions:
                if question.gate is not None and codes.index(question.gate.stage) <= reached:
                    assert gate_met(question, answers.get(question.code))
        if reached + 1 < len(codes):
            next_code = codes[reached + 1]
            blocked_by_gate = any(
                q.gate is not None
                and codes.index(q.gate.stage) <= reached + 1
                and not gate_met(q, answers.get(q.code))
                for q in domain.questions
            )
            below = (result.score or 0) < float(thresholds[next_code])
            assert blocked_by_gate or below


@PROPERTY_SETTINGS
@given(framework_and_answers())
def test_scoring_is_deterministic(case):
    definition, [answers] = case
    assert score_assessment(definition, answers) == score_assessment(definition, dict(answers))


@PROPERTY_SETTINGS
@given(framework_and_answers(conditions=True))
def test_every_explanation_reaches_the_next_stage_when_followed(case):
    """Applying the suggested changes really does reach the next stage (when it is reachable),
    follow-up questions included: the advice never changes which questions are asked."""
    definition, [answers] = case
    codes = [stage.code for stage in definition.stages]
    result = score_assessment(definition, answers)
    for domain, domain_result in zip(definition.domains, result.domains, strict=True):
        explanation = domain_result.explanation
        if explanation.next_stage is None or not explanation.reachable:
            continue
        followed = {**answers, **{c.question_code: c.proposed for c in explanation.changes}}
        after = domain_facts(definition, domain, applicable(definition, followed))
        assert after.provisional_ordinal >= codes.index(explanation.next_stage)
        steps = explanation.next_steps.lower()
        assert all(c.instruction.lower() in steps for c in explanation.changes)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(framework_and_answers(sets=4, conditions=True))
def test_vectorised_equals_one_by_one(case):
    definition, answer_sets = case
    frame = score_frame(
        definition, answers_frame(dict(enumerate(answer_sets))), respondents=range(len(answer_sets))
    )
    for respondent, answers in enumerate(answer_sets):
        domains = score_domains(definition, answers)
        overall = overall_result(definition, domains)
        row = frame.loc[respondent]
        for domain in domains:
            assert_same_score(row[f"{domain.code}.score"], domain.score)
            assert row[f"{domain.code}.stage"] == domain.stage
            assert bool(row[f"{domain.code}.incomplete"]) == domain.incomplete
        assert_same_score(row["overall.score"], overall.score)
        assert row["overall.stage"] == overall.stage
        assert bool(row["overall.incomplete"]) == overall.incomplete


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(framework_and_answers(conditions=True), st.data())
def test_a_hidden_question_never_changes_a_score(case, data):
    definition, [answers] = case
    seen = applicable(definition, answers)
    questions = {q.code: q for domain in definition.domains for q in domain.questions}
    hidden = [
        question
        for question in questions.values()
        if question.shown_when is not None and not is_shown(question.shown_when, seen, questions)
    ]
    if not hidden:
        return
    question = data.draw(st.sampled_from(hidden))
    other = data.draw(generated_answer(question))
    changed = (
        {**answers, question.code: other}
        if other
        else {code: answer for code, answer in answers.items() if code != question.code}
    )
    # A question hidden by earlier answers stays hidden whatever is stored for it, so no domain
    # or overall result moves.
    assert score_domains(definition, changed) == score_domains(definition, answers)
    assert (
        score_assessment(definition, changed).overall
        == score_assessment(definition, answers).overall
    )


def assert_same_score(vectorised: float, one_by_one: float | None) -> None:
    if one_by_one is None:
        assert math.isnan(vectorised)
    else:
        assert math.isclose(vectorised, one_by_one, rel_tol=1e-12, abs_tol=1e-9)


@st.composite
def adoptable_framework_and_answers(draw, sets: int = 1, *, technologies: str):
    definition = draw(
        generated_framework(conditions=technologies == "any", technologies=technologies)
    )
    return definition, [draw(generated_answers(definition)) for _ in range(sets)]


def stages_of(definition, answers) -> dict[str, str | None]:
    return {domain.code: domain.stage for domain in score_domains(definition, answers)}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(adoptable_framework_and_answers(sets=4, technologies="any"))
def test_readiness_vectorised_equals_one_by_one(case):
    definition, answer_sets = case
    frame = answers_frame(dict(enumerate(answer_sets)))
    scored = score_frame(definition, frame, respondents=range(len(answer_sets)))
    ready = readiness_frame(definition, frame, scored)
    for respondent, answers in enumerate(answer_sets):
        for readiness in technology_readiness(definition, answers, stages_of(definition, answers)):
            assert bool(ready.loc[respondent, f"{readiness.code}.ready"]) == readiness.ready
            assert readiness.ready == (not readiness.unmet)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(adoptable_framework_and_answers(technologies="monotonic"), st.data())
def test_raising_any_answer_never_turns_ready_into_not_yet(case, data):
    definition, [answers] = case
    candidates = [
        question
        for domain in definition.domains
        for question in domain.questions
        if raised(question, answers.get(question.code))
    ]
    if not candidates:
        return
    question = data.draw(st.sampled_from(candidates))
    better = {
        **answers,
        question.code: data.draw(st.sampled_from(raised(question, answers[question.code]))),
    }
    before = technology_readiness(definition, answers, stages_of(definition, answers))
    after = technology_readiness(definition, better, stages_of(definition, better))
    for was, now in zip(before, after, strict=True):
        assert now.ready or not was.ready, (was, now)
        assert set(now.unmet) <= set(was.unmet)
