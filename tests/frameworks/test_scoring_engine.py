"""Known answers for every scoring rule: values, weights, N/A, thresholds, gates, overall rules."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from frameworks.definition import BandDef, GateDef, OptionDef
from frameworks.scoring.engine import score_assessment, score_domains
from frameworks.scoring.rules import Answer, exact_value

from .scoring_builders import at, domain, framework, question, scale, yes_no

CHOICES = (
    OptionDef(label="None", score=0),
    OptionDef(label="Some", score=1),
    OptionDef(label="Most", score=3),
    OptionDef(label="All", score=4),
)
BANDS = (
    BandDef(label="More than 10", min=Decimal(0), max=Decimal(1), score=0),
    BandDef(label="1 to 9", min=Decimal(1), max=Decimal(10), score=2),
    BandDef(label="10 or more", min=Decimal(10), max=None, score=4),
)


def only_domain(definition, answers):
    [result] = score_assessment(definition, answers).domains
    return result


# --- answer values ---------------------------------------------------------------------------


def test_scale_value_is_option_score_over_highest_score():
    q = scale("A-1")
    assert [exact_value(q, at(i)) for i in range(4)] == [0, Fraction(1, 3), Fraction(2, 3), 1]


def test_yes_no_values():
    q = yes_no("A-1")
    assert (exact_value(q, Answer(option=0)), exact_value(q, Answer(option=1))) == (1, 0)


def test_single_choice_value_uses_highest_option_score():
    q = question("A-1", "single_choice", options=CHOICES)
    assert exact_value(q, Answer(option=2)) == 3 / 4


def test_multiple_choice_value_is_share_of_all_option_scores():
    q = question("A-1", "multiple_choice", options=CHOICES)
    assert exact_value(q, Answer(selected=frozenset({1, 2}))) == 4 / 8
    assert exact_value(q, Answer(selected=frozenset({0, 1, 2, 3}))) == 1


@pytest.mark.parametrize(
    ("number", "value"),
    [(40, Fraction(2, 5)), (140, 1), (-5, 0), (100, 1), (33.25, Fraction(3325, 10_000))],
)
def test_percentage_value_is_clamped_fraction(number, value):
    assert exact_value(question("A-1", "percentage"), Answer(number=number)) == value


@pytest.mark.parametrize(
    ("number", "value"), [(0, 0.0), (0.5, 0.0), (1, 0.5), (9.99, 0.5), (10, 1.0), (500, 1.0)]
)
def test_number_value_is_band_score_with_inclusive_minimum(number, value):
    assert exact_value(question("A-1", "number", bands=BANDS), Answer(number=number)) == value


def test_free_text_is_never_scored():
    assert exact_value(question("A-1", "free_text"), Answer(text="Funding")) is None


def test_not_applicable_has_no_value():
    assert exact_value(scale("A-1", allows_na=True), Answer(not_applicable=True)) is None


# --- domain scores ---------------------------------------------------------------------------


def test_domain_score_is_weighted_mean_of_values():
    definition = framework(domain("A", scale("A-1", weight=3), scale("A-2", weight=1)))
    result = only_domain(definition, {"A-1": at(3), "A-2": at(0)})
    assert result.score == pytest.approx(75.0)


def test_not_applicable_is_left_out_of_numerator_and_denominator():
    definition = framework(domain("A", scale("A-1"), scale("A-2", allows_na=True)))
    result = only_domain(definition, {"A-1": at(2), "A-2": Answer(not_applicable=True)})
    assert result.score == 66.7
    assert not result.incomplete


def test_free_text_does_not_change_the_score():
    definition = framework(domain("A", scale("A-1"), question("A-2", "free_text")))
    result = only_domain(definition, {"A-1": at(3), "A-2": Answer(text="Workload")})
    assert result.score == 100


def test_unanswered_mandatory_question_makes_domain_incomplete_with_provisional_score():
    definition = framework(domain("A", scale("A-1"), scale("A-2")))
    result = only_domain(definition, {"A-1": at(3)})
    assert result.incomplete
    assert result.stage is None
    assert result.score == 100
    assert result.explanation.provisional_stage == "advanced"
    assert result.explanation.missing_mandatory == ("A-2",)
    assert "First answer the mandatory question(s) A-2." in result.explanation.next_steps


def test_unanswered_optional_question_leaves_domain_complete():
    definition = framework(domain("A", scale("A-1"), scale("A-2", mandatory=False)))
    result = only_domain(definition, {"A-1": at(1)})
    assert not result.incomplete
    assert result.stage == "developing"


def test_mandatory_free_text_must_be_answered():
    definition = framework(domain("A", scale("A-1"), question("A-2", "free_text", mandatory=True)))
    assert only_domain(definition, {"A-1": at(1), "A-2": Answer(text="  ")}).incomplete


# --- thresholds ----------------------------------------------------------------------------------


def four_questions_scoring(total_points: int):
    """Four equal scale questions whose option scores add up to total_points of 12."""
    definition = framework(domain("A", *(scale(f"A-{i}") for i in range(4))))
    levels = [min(3, max(0, total_points - 3 * i)) for i in range(4)]
    return definition, {f"A-{i}": at(level) for i, level in enumerate(levels)}


@pytest.mark.parametrize(
    ("points", "score", "stage"),
    [
        (3, 25.0, "developing"),
        (6, 50.0, "established"),
        (9, 75.0, "advanced"),
        (2, 16.7, "initial"),
        (5, 41.7, "developing"),
    ],
)
def test_score_exactly_on_a_threshold_reaches_it(points, score, stage):
    definition, answers = four_questions_scoring(points)
    result = only_domain(definition, answers)
    assert result.score == score
    assert result.stage == stage


@pytest.mark.parametrize(
    ("percent", "score", "stage"),
    [
        (49.95, 50.0, "established"),  # rounds up to the threshold, so reaches it
        (49.94, 49.9, "developing"),
        (33.25, 33.3, "developing"),  # half up, not to even
        (33.35, 33.4, "developing"),
    ],
)
def test_score_is_rounded_once_half_up_before_it_is_compared(percent, score, stage):
    thresholds = (
        ("developing", Decimal("33.3")),
        ("established", Decimal(50)),
        ("advanced", Decimal(75)),
    )
    definition = framework(domain("A", question("A-1", "percentage"), thresholds=thresholds))
    result = only_domain(definition, {"A-1": Answer(number=percent)})
    assert (result.score, result.stage) == (score, stage)


def test_a_threshold_finer_than_the_shown_score_is_compared_with_the_shown_score():
    # 1/3 scores 33.333…, shown and compared as 33.3: below a threshold written as 33.33.
    thresholds = (
        ("developing", Decimal("33.33")),
        ("established", Decimal(60)),
        ("advanced", Decimal(90)),
    )
    definition = framework(domain("A", scale("A-1"), thresholds=thresholds))
    result = only_domain(definition, {"A-1": at(1)})
    assert (result.score, result.stage) == (33.3, "initial")


# --- gates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gated_stage", "capped_at"),
    [("developing", "initial"), ("established", "developing"), ("advanced", "established")],
)
def test_failed_gate_caps_the_domain_below_its_stage(gated_stage, capped_at):
    definition = framework(
        domain("A", scale("A-1", weight=10), yes_no("A-2", gate=GateDef(stage=gated_stage)))
    )
    result = only_domain(definition, {"A-1": at(3), "A-2": Answer(option=1)})
    assert result.score == 90.9
    assert result.stage == capped_at


def test_met_gate_lets_score_decide():
    definition = framework(
        domain("A", scale("A-1"), yes_no("A-2", gate=GateDef(stage="established")))
    )
    assert only_domain(definition, {"A-1": at(3), "A-2": Answer(option=0)}).stage == "advanced"


def test_gate_with_lower_minimum_accepts_answers_at_that_value():
    gate = GateDef(stage="established", minimum=Decimal("0.66"))
    definition = framework(domain("A", scale("A-1", gate=gate), scale("A-2")))
    assert only_domain(definition, {"A-1": at(2), "A-2": at(3)}).stage == "advanced"
    assert only_domain(definition, {"A-1": at(1), "A-2": at(3)}).stage == "developing"


def test_unanswered_gate_is_not_met():
    definition = framework(
        domain(
            "A",
            scale("A-1"),
            yes_no("A-2", gate=GateDef(stage="developing")),
        )
    )
    result = only_domain(definition, {"A-1": at(3)})
    assert result.incomplete
    assert result.explanation.provisional_stage == "initial"


def test_not_applicable_gate_does_not_block():
    gate = GateDef(stage="established")
    definition = framework(domain("A", scale("A-1"), scale("A-2", gate=gate, allows_na=True)))
    result = only_domain(definition, {"A-1": at(3), "A-2": Answer(not_applicable=True)})
    assert result.stage == "advanced"


# --- overall -------------------------------------------------------------------------------------


def three_domains(rule: str):
    definition = framework(
        domain("A", scale("A-1"), weight=2),
        domain("B", scale("B-1")),
        domain("C", scale("C-1")),
        rule=rule,
    )
    return definition, {"A-1": at(3), "B-1": at(1), "C-1": at(2)}


def test_overall_score_is_weighted_mean_of_domain_scores():
    definition, answers = three_domains("weakest_link")
    overall = score_assessment(definition, answers).overall
    assert overall.score == pytest.approx((2 * 100 + 100 / 3 + 200 / 3) / 4)


def test_weakest_link_takes_the_lowest_domain_stage():
    definition, answers = three_domains("weakest_link")
    assert score_assessment(definition, answers).overall.stage == "developing"


def test_median_takes_the_middle_domain_stage():
    definition, answers = three_domains("median")
    assert score_assessment(definition, answers).overall.stage == "established"


def test_median_of_an_even_count_takes_the_lower_middle():
    definition = framework(
        *(domain(code, scale(f"{code}-1")) for code in "ABCD"),
        rule="median",
    )
    answers = {"A-1": at(0), "B-1": at(1), "C-1": at(2), "D-1": at(3)}
    assert score_assessment(definition, answers).overall.stage == "developing"


def test_score_rule_uses_overall_thresholds():
    definition, answers = three_domains("score")
    overall = score_assessment(definition, answers).overall
    assert overall.score == pytest.approx(75.0)
    assert overall.stage == "advanced"


def test_overall_is_incomplete_when_any_domain_is():
    definition, answers = three_domains("median")
    del answers["B-1"]
    overall = score_assessment(definition, answers).overall
    assert overall.incomplete
    assert overall.stage is None
    assert overall.score == 88.9  # (100 + 100 + 66.7) ÷ 3, of the shown domain scores


# --- explanations --------------------------------------------------------------------------------


def test_explanation_names_gate_and_smallest_raise_for_next_stage():
    definition = framework(
        domain(
            "LG",
            scale("LG-01"),
            scale("LG-02"),
            yes_no("LG-03", gate=GateDef(stage="established")),
        )
    )
    result = only_domain(definition, {"LG-01": at(2), "LG-02": at(1), "LG-03": Answer(option=1)})
    assert result.stage == "developing"
    assert [g.question_code for g in result.explanation.unmet_gates] == ["LG-03"]
    # With LG-03 at 'Yes' the score is (2/3 + 1/3 + 1) / 3 = 66.7, enough for Established's 50.
    assert result.explanation.next_steps == (
        "To reach Established: Answer 'Yes' to LG-03 (Title of LG-03)."
    )


def test_explanation_raises_the_question_with_largest_gain_only_as_far_as_needed():
    definition = framework(domain("A", scale("A-1", weight=1), scale("A-2", weight=5)))
    result = only_domain(definition, {"A-1": at(1), "A-2": at(1)})
    assert result.stage == "developing"
    # 50 needs Σ(w·v) ≥ 3; raising A-2 (weight 5) one step gives (1/3 + 10/3)/6·100 = 61.1.
    assert result.explanation.next_steps == (
        "To reach Established: Raise A-2 (Title of A-2) from 'Developing' to 'Established'."
    )
    assert result.explanation.points_needed == pytest.approx(50 - 33.3)


def test_explanation_of_held_domain_says_which_gate_holds_it():
    definition = framework(
        domain("A", scale("A-1"), yes_no("A-2", gate=GateDef(stage="developing")))
    )
    result = only_domain(definition, {"A-1": at(3), "A-2": Answer(option=1)})
    assert result.stage == "initial"
    assert "but it also needs A-2 (Title of A-2), which is not met" in result.explanation.summary


def test_advanced_domain_has_no_next_stage():
    definition = framework(domain("A", scale("A-1")))
    result = only_domain(definition, {"A-1": at(3)})
    assert result.explanation.next_stage is None
    assert result.explanation.changes == ()
    assert "highest stage" in result.explanation.next_steps


def test_domain_with_every_question_not_applicable_cannot_rise_by_answers():
    definition = framework(domain("A", scale("A-1", allows_na=True)))
    result = only_domain(definition, {"A-1": Answer(not_applicable=True)})
    assert (result.score, result.stage) == (None, "initial")
    assert not result.explanation.reachable
    assert "cannot be reached by changing answers alone" in result.explanation.next_steps
    assert "no score yet" in result.explanation.summary


@pytest.mark.parametrize(
    ("item", "answer", "step"),
    [
        (
            question("A-1", "multiple_choice", options=CHOICES),
            Answer(selected=frozenset({1})),
            "Also select 'All' in A-1 (Title of A-1)",
        ),
        (
            question("A-1", "percentage"),
            Answer(number=12),
            "Raise A-1 (Title of A-1) to at least 25%",
        ),
        (
            question("A-1", "number", bands=BANDS),
            Answer(number=0),
            "Bring A-1 (Title of A-1) into the band '1 to 9'",
        ),
        (scale("A-1", mandatory=False), None, "Answer A-1 (Title of A-1) at 'Developing'"),
        (
            question("A-1", "single_choice", options=CHOICES),
            Answer(option=0),
            "Answer 'Some' to A-1 (Title of A-1)",
        ),
    ],
    ids=["multiple", "percentage", "number", "unanswered scale", "single"],
)
def test_explanation_words_each_answer_type(item, answer, step):
    definition = framework(domain("A", item, scale("A-2", mandatory=False)))
    answers = {} if answer is None else {"A-1": answer}
    result = only_domain(definition, answers)
    assert result.stage == "initial"
    assert result.explanation.next_steps == f"To reach Developing: {step}."


def test_scores_only_path_matches_full_result():
    definition, answers = three_domains("median")
    full = score_assessment(definition, answers)
    assert score_domains(definition, answers) == tuple(d.outcome for d in full.domains)
