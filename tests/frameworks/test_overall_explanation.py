"""The overall stage comes with its reason in the framework's own rule, and the way up."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frameworks.scoring.engine import score_assessment
from tests.frameworks.scoring_builders import (
    at,
    domain,
    framework,
    generated_answers,
    generated_framework,
    scale,
)

FIVE = tuple(domain(f"D{n}", scale(f"D{n}-Q")) for n in range(1, 6))


def explained(rule: str, stages: list[int]):
    definition = framework(*FIVE, rule=rule)
    answers = {f"D{n}-Q": at(stage) for n, stage in enumerate(stages, start=1)}
    result = score_assessment(definition, answers)
    return result.overall, result.overall_explanation


def test_median_names_the_domains_below_and_how_many_more_must_rise():
    overall, why = explained("median", [3, 3, 3, 1, 0])
    assert overall.stage == "advanced"
    assert "middle domain stage (the median): 3 of 5 domains are at Advanced or above" in (
        why.summary
    )
    assert "below it: Domain D4 (Developing) and Domain D5 (Initial)" in why.summary
    assert "does not set the stage" in why.summary
    assert why.next_steps == "The overall stage is the highest."
    overall, why = explained("median", [3, 2, 2, 1, 0])
    assert overall.stage == "established"
    assert (
        why.next_steps
        == "To reach Advanced overall, 2 more domains must reach Advanced (3 of 5 in all)."
    )


def test_weakest_link_names_the_weakest_domains():
    overall, why = explained("weakest_link", [3, 1, 2, 1, 3])
    assert overall.stage == "developing"
    assert "lowest domain stage (weakest link): Domain D2 and Domain D4 are at Developing" in (
        why.summary
    )
    assert (
        why.next_steps
        == "To reach Established overall, Domain D2 and Domain D4 must reach Established."
    )


def test_score_rule_gives_the_score_and_the_next_threshold():
    overall, why = explained("score", [2, 2, 2, 2, 2])
    assert overall.stage == "established"
    assert f"the score is {overall.score:.1f}" in why.summary
    assert "Established starts at 50" in why.summary
    assert why.next_steps == "To reach Advanced overall, the overall score must reach 75."


def test_no_overall_stage_while_a_domain_is_incomplete_and_it_says_which():
    definition = framework(*FIVE, rule="median")
    answers = {f"D{n}-Q": at(2) for n in range(1, 5)}
    result = score_assessment(definition, answers)
    assert result.overall.stage is None
    assert result.overall_explanation.summary.startswith(
        "No overall stage until every domain is complete: Domain D5 still has"
    )


@pytest.mark.parametrize("rule", ["median", "weakest_link", "score"])
def test_the_explanation_names_the_stage_the_engine_gave(rule):
    overall, why = explained(rule, [0, 1, 2, 3, 2])
    assert f"The overall stage is {overall.stage.capitalize()} because" in why.summary


@st.composite
def framework_and_answers(draw):
    definition = draw(generated_framework())
    return definition, draw(generated_answers(definition))


@settings(max_examples=60, deadline=None)
@given(case=framework_and_answers())
def test_every_result_is_explained_with_its_stage(case):
    definition, answers = case
    result = score_assessment(definition, answers)
    names = {stage.code: stage.name for stage in definition.stages}
    if result.overall.stage is None:
        assert result.overall_explanation.summary.startswith("No overall stage")
    else:
        assert f"The overall stage is {names[result.overall.stage]} because" in (
            result.overall_explanation.summary
        )
