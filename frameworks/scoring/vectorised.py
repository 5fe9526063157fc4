"""The same scoring rules applied to many answer sets at once, with NumPy arrays.

For a whole cycle nationally: one row per answer in, one row per answer set out. Results are
identical to scoring each set with ``engine.score_domains`` and ``engine.overall_result``
(tests/frameworks/test_scoring_properties.py checks this on generated frameworks); only the
explanations are left to the one-by-one path, which is where people read them.

Input columns (one row per answer; a multiple-choice answer has one row per selected option):
``respondent``, ``question`` (code), ``option`` (position, or NaN), ``number`` (or NaN),
``not_applicable`` (bool), ``text_given`` (bool, free text only).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from frameworks.definition import TICKED_TYPES, FrameworkDef
from frameworks.scoring.readiness import definition_question
from frameworks.scoring.rules import AnswerSet, percentage_hundredths

PERCENT_DENOMINATOR = 10_000  # a percentage is read to hundredths: value = hundredths ÷ 10,000
ANSWER_COLUMNS = ("respondent", "question", "option", "number", "not_applicable", "text_given")
CHOICE_TYPES = ("scale", "single_choice", "yes_no")


def answers_frame(answer_sets: Mapping[Hashable, AnswerSet]) -> pd.DataFrame:
    """The long input frame for answer sets held as ``Answer`` objects."""
    rows: list[tuple] = []
    for respondent, answers in answer_sets.items():
        for code, answer in answers.items():
            if answer.selected and not answer.not_applicable:
                rows += [
                    (respondent, code, float(index), np.nan, False, False)
                    for index in sorted(answer.selected)
                ]
            else:
                rows.append(
                    (
                        respondent,
                        code,
                        np.nan if answer.option is None else float(answer.option),
                        np.nan if answer.number is None else float(answer.number),
                        answer.not_applicable,
                        bool(answer.text.strip()),
                    )
                )
    return pd.DataFrame.from_records(rows, columns=list(ANSWER_COLUMNS))


def score_frame(
    definition: FrameworkDef,
    answers: pd.DataFrame,
    respondents: Sequence[Hashable] | None = None,
) -> pd.DataFrame:
    """Scores and stages for every respondent: columns ``<domain>.score``, ``.stage``,
    ``.incomplete`` for each domain and ``overall.*``; stage is a stage code or None.

    Every value is an exact fraction (an integer over its question's denominator), so scores are
    summed and rounded in integers, exactly as the one-by-one path does with fractions.
    """
    questions = [question for domain in definition.domains for question in domain.questions]
    question_index = pd.Index([question.code for question in questions])
    respondent_index = pd.Index(
        pd.unique(answers["respondent"]) if respondents is None else list(respondents)
    )
    answers = applicable_frame(definition, answers, respondent_index)
    column = question_index.get_indexer(answers["question"])
    row = respondent_index.get_indexer(answers["respondent"])
    if (column < 0).any():
        unknown = sorted(set(answers["question"][column < 0]))
        raise ValueError(f"answers to questions not in {definition.code}: {unknown}")
    if (row < 0).any():
        raise ValueError("answers from respondents missing from the respondents list")
    values = _answer_matrices(questions, answers, row, column, len(respondent_index))

    stage_codes = np.array([stage.code for stage in definition.stages] + [None], dtype=object)
    stage_number = {stage.code: index for index, stage in enumerate(definition.stages)}
    result: dict[str, np.ndarray] = {}
    domain_tenths, domain_stages, domain_missing = [], [], []
    start = 0
    for domain in definition.domains:
        span = slice(start, start + len(domain.questions))
        start = span.stop
        tenths = _domain_tenths(domain.questions, values, span)
        mandatory = np.array([question.mandatory for question in domain.questions])
        missing = (mandatory & ~values.given[:, span]).any(axis=1)
        lowest_blocked = np.full(len(respondent_index), len(definition.stages))
        for offset, question in enumerate(domain.questions):
            if question.gate is None:
                continue
            position = span.start + offset
            minimum = Fraction(question.gate.minimum)
            # value ≥ minimum, i.e. numerator × min.denominator ≥ min.numerator × denominator
            met = values.not_applicable[:, position] | (
                values.has_value[:, position]
                & (
                    values.numerator[:, position] * minimum.denominator
                    >= minimum.numerator * values.denominator[position]
                )
            )
            lowest_blocked = np.where(
                met, lowest_blocked, np.minimum(lowest_blocked, stage_number[question.gate.stage])
            )
        reached = _stages_reached(
            np.where(tenths < 0, 0, tenths),
            [minimum for _, minimum in domain.thresholds],
            lowest_blocked,
        )
        stage = np.where(missing, -1, reached)
        result[f"{domain.code}.score"] = _as_scores(tenths)
        result[f"{domain.code}.stage"] = stage_codes[stage]
        result[f"{domain.code}.incomplete"] = missing
        domain_tenths.append(tenths)
        domain_stages.append(reached)
        domain_missing.append(missing)

    overall_tenths, overall_stage, incomplete = _overall(
        definition,
        np.column_stack(domain_tenths),
        np.column_stack(domain_stages),
        np.column_stack(domain_missing),
    )
    result["overall.score"] = _as_scores(overall_tenths)
    result["overall.stage"] = stage_codes[np.where(incomplete, -1, overall_stage)]
    result["overall.incomplete"] = incomplete
    return pd.DataFrame(result, index=respondent_index)


NO_SCORE = -1  # in a column of tenths: the respondent has no score there


def applicable_frame(
    definition: FrameworkDef, answers: pd.DataFrame, respondents: pd.Index
) -> pd.DataFrame:
    """``rules.applicable`` for every respondent at once: each question whose condition does not
    hold is answered "not applicable" in place of whatever was stored, in framework order so
    that a hidden question's dependents are hidden too."""
    questions = {q.code: q for domain in definition.domains for q in domain.questions}
    conditional = [question for question in questions.values() if question.shown_when]
    if not conditional:
        return answers
    for question in conditional:
        tests = [
            respondents_passing(condition, questions[condition.question], answers, respondents)
            for condition in question.shown_when.conditions
        ]
        shown = (
            np.logical_and.reduce(tests)
            if question.shown_when.combine == "all"
            else (np.logical_or.reduce(tests))
        )
        hidden = respondents[~shown]
        if hidden.empty:
            continue
        replaced = (answers["question"] == question.code) & answers["respondent"].isin(hidden)
        not_asked = pd.DataFrame(
            {
                "respondent": hidden,
                "question": question.code,
                "option": np.nan,
                "number": np.nan,
                "not_applicable": True,
                "text_given": False,
            }
        )
        answers = pd.concat([answers[~replaced], not_asked], ignore_index=True)
    return answers


def respondents_passing(condition, question, answers: pd.DataFrame, respondents: pd.Index):
    """A boolean per respondent: whether their answer to ``question`` passes the test."""
    rows = answers[(answers["question"] == question.code) & ~answers["not_applicable"]]
    labels = [option.label for option in question.options]
    if condition.operator in ("equals", "one_of"):
        wanted = condition.value if condition.operator == "one_of" else (condition.value,)
        passing = rows["option"].isin([float(labels.index(label)) for label in wanted])
    elif question.type in ("number", "percentage"):
        passing = rows["number"] >= float(condition.value)
    else:
        passing = rows["option"] >= float(labels.index(condition.value))
    return respondents.isin(rows.loc[passing.to_numpy(), "respondent"])


@dataclass(frozen=True)
class _Values:
    """Respondents × questions: each value as ``numerator / denominator[question]``."""

    numerator: np.ndarray  # integers; 0 where there is no value
    denominator: np.ndarray  # one positive integer per question
    has_value: np.ndarray
    given: np.ndarray
    not_applicable: np.ndarray


def _domain_tenths(domain_questions, values: _Values, span: slice) -> np.ndarray:
    """100 × Σ(weight × value) ÷ Σ(weight), in tenths rounded half up; ``NO_SCORE`` if none.

    Integers throughout: values are brought to one common denominator first.
    """
    denominators = [int(d) for d in values.denominator[span]]
    common = math.lcm(*denominators)
    weights = [question.weight for question in domain_questions]
    dtype = np.int64 if 2000 * sum(weights) * common < 2**62 else object
    scale = np.array([w * (common // d) for w, d in zip(weights, denominators, strict=True)])
    has_value = values.has_value[:, span]
    numerator = (np.where(has_value, values.numerator[:, span], 0).astype(dtype) * scale).sum(
        axis=1
    )
    weight = (has_value * np.array(weights)).sum(axis=1).astype(dtype)
    # floor(1000 × N ÷ (common × W) + ½) = (2000 N + common W) // (2 common W)
    safe_weight = np.where(weight > 0, weight, 1)
    tenths = (2000 * numerator + common * safe_weight) // (2 * common * safe_weight)
    return np.where(weight > 0, tenths, NO_SCORE).astype(np.int64)


def _as_scores(tenths: np.ndarray) -> np.ndarray:
    """Tenths as the floats the one-by-one path gives (``tenths / 10``), NaN for no score."""
    return np.where(tenths == NO_SCORE, np.nan, tenths / 10)


def _answer_matrices(questions, answers: pd.DataFrame, row, column, respondent_count: int):
    """Exact values, answered and not-applicable matrices: respondents × questions."""
    shape = (respondent_count, len(questions))
    numerator = np.zeros(shape, dtype=np.int64)
    has_value = np.zeros(shape, dtype=bool)
    given = np.zeros(shape, dtype=bool)
    not_applicable = np.zeros(shape, dtype=bool)
    denominator = np.array(
        [
            PERCENT_DENOMINATOR if question.type == "percentage" else question.top_score or 1
            for question in questions
        ],
        dtype=np.int64,
    )
    kinds = np.array([question.type for question in questions])[column]
    option = answers["option"].to_numpy(dtype=float)
    number = answers["number"].to_numpy(dtype=float)
    row_na = answers["not_applicable"].to_numpy(dtype=bool)
    text_given = answers["text_given"].to_numpy(dtype=bool)

    widest = max((len(question.options) for question in questions), default=0) or 1
    option_scores = np.full((len(questions), widest), -1, dtype=np.int64)
    for index, question in enumerate(questions):
        for position, choice in enumerate(question.options):
            option_scores[index, position] = choice.score
    has_option = ~np.isnan(option)
    option_position = np.where(has_option, option, 0).astype(int)
    if (has_option & ((option_position < 0) | (option_position >= widest))).any():
        raise ValueError("an option position is outside its question's options")
    chosen_score = option_scores[column, option_position]
    if (has_option & (chosen_score < 0) & np.isin(kinds, [*CHOICE_TYPES, *TICKED_TYPES])).any():
        raise ValueError("an option position is outside its question's options")
    scored = np.array([question.is_scored for question in questions])[column]

    single = np.isin(kinds, CHOICE_TYPES) & has_option & ~row_na
    numerator[row[single], column[single]] = chosen_score[single]
    has_value[row[single], column[single]] = scored[single]
    given[row[single], column[single]] = True

    multiple = np.isin(kinds, TICKED_TYPES) & has_option & ~row_na
    if multiple.any():
        totals = np.zeros(shape, dtype=np.int64)
        np.add.at(totals, (row[multiple], column[multiple]), chosen_score[multiple])
        chosen = np.zeros(shape, dtype=bool)
        chosen[row[multiple], column[multiple]] = True
        numerator[chosen] = np.minimum(totals, denominator[np.newaxis, :])[chosen]
        has_value |= chosen & np.array([q.is_scored for q in questions])[np.newaxis, :]
        given |= chosen

    percentage = (kinds == "percentage") & ~np.isnan(number) & ~row_na
    if percentage.any():
        distinct, position = np.unique(number[percentage], return_inverse=True)
        hundredths = np.array([percentage_hundredths(value) for value in distinct])[position]
        numerator[row[percentage], column[percentage]] = hundredths
        has_value[row[percentage], column[percentage]] = True
        given[row[percentage], column[percentage]] = True

    for index, question in enumerate(questions):
        if question.type != "number":
            continue
        rows_here = (column == index) & ~np.isnan(number) & ~row_na
        minimums = np.array([float(band.min) for band in question.bands])
        band_scores = np.array([band.score for band in question.bands], dtype=np.int64)
        band = np.clip(np.searchsorted(minimums, number[rows_here], side="right") - 1, 0, None)
        numerator[row[rows_here], index] = band_scores[band]
        has_value[row[rows_here], index] = question.is_scored
        given[row[rows_here], index] = True

    free_text = (kinds == "free_text") & text_given & ~row_na
    given[row[free_text], column[free_text]] = True

    not_applicable[row[row_na], column[row_na]] = True
    given |= not_applicable
    has_value &= ~not_applicable
    numerator[~has_value] = 0
    return _Values(numerator, denominator, has_value, given, not_applicable)


def _stages_reached(tenths: np.ndarray, thresholds: list, lowest_blocked) -> np.ndarray:
    """Cumulative: a stage counts only if every stage below it was reached too.

    Thresholds have at most two decimals, so a score in tenths reaches one when
    10 × tenths ≥ the threshold in hundredths.
    """
    reached = np.zeros(len(tenths), dtype=int)
    still_rising = np.ones(len(tenths), dtype=bool)
    for index, minimum in enumerate(thresholds, start=1):
        hundredths = Fraction(minimum) * 100
        still_rising &= (index < lowest_blocked) & (10 * tenths >= hundredths)
        reached += still_rising
    return reached


def _overall(definition: FrameworkDef, tenths, stages, missing):
    """The weighted average of the domain scores as shown, rounded half up to tenths."""
    weights = np.array([domain.weight for domain in definition.domains], dtype=np.int64)
    scored = tenths != NO_SCORE
    total_weight = (scored * weights).sum(axis=1)
    weighted = np.where(scored, tenths * weights, 0).sum(axis=1)
    safe_weight = np.where(total_weight > 0, total_weight, 1)
    overall_tenths = np.where(
        total_weight > 0, (2 * weighted + safe_weight) // (2 * safe_weight), NO_SCORE
    )
    match definition.overall_rule:
        case "weakest_link":
            stage = stages.min(axis=1)
        case "median":
            stage = np.sort(stages, axis=1)[:, (stages.shape[1] - 1) // 2]
        case _:
            stage = _stages_reached(
                np.where(overall_tenths < 0, 0, overall_tenths),
                [minimum for _, minimum in definition.overall_thresholds],
                np.full(len(overall_tenths), len(definition.stages)),
            )
    return overall_tenths, stage, missing.any(axis=1)


def readiness_frame(
    definition: FrameworkDef, answers: pd.DataFrame, scored: pd.DataFrame
) -> pd.DataFrame:
    """``<technology>.ready`` for every respondent of ``scored`` (``score_frame``'s output, whose
    index is the respondents), from the same long answers frame: identical to
    ``technology_readiness`` one by one."""
    respondents = scored.index
    seen = applicable_frame(definition, answers, respondents)
    order = {stage.code: index for index, stage in enumerate(definition.stages)}
    result = {}
    for technology in definition.technologies:
        ready = np.ones(len(respondents), dtype=bool)
        for prerequisite in technology.prerequisites:
            if prerequisite.condition is None:
                reached = scored[f"{prerequisite.domain}.stage"].map(order)
                ready &= (reached >= order[prerequisite.stage]).to_numpy(dtype=bool)
            else:
                question = definition_question(definition, prerequisite.condition.question)
                ready &= respondents_passing(prerequisite.condition, question, seen, respondents)
        result[f"{technology.code}.ready"] = ready
    return pd.DataFrame(result, index=respondents)
