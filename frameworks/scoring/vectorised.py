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

from collections.abc import Hashable, Mapping, Sequence

import numpy as np
import pandas as pd

from frameworks.definition import FrameworkDef
from frameworks.scoring.rules import TOLERANCE, AnswerSet

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
    ``.incomplete`` for each domain and ``overall.*``; stage is a stage code or None."""
    questions = [question for domain in definition.domains for question in domain.questions]
    question_index = pd.Index([question.code for question in questions])
    respondent_index = pd.Index(
        pd.unique(answers["respondent"]) if respondents is None else list(respondents)
    )
    column = question_index.get_indexer(answers["question"])
    row = respondent_index.get_indexer(answers["respondent"])
    if (column < 0).any():
        unknown = sorted(set(answers["question"][column < 0]))
        raise ValueError(f"answers to questions not in {definition.code}: {unknown}")
    if (row < 0).any():
        raise ValueError("answers from respondents missing from the respondents list")
    value, given, not_applicable = _answer_matrices(
        questions, answers, row, column, len(respondent_index)
    )

    stage_codes = np.array([stage.code for stage in definition.stages] + [None], dtype=object)
    stage_number = {stage.code: index for index, stage in enumerate(definition.stages)}
    result: dict[str, np.ndarray] = {}
    domain_scores, domain_stages, domain_missing = [], [], []
    start = 0
    for domain in definition.domains:
        span = slice(start, start + len(domain.questions))
        start = span.stop
        weights = np.array([question.weight for question in domain.questions], dtype=float)
        values = value[:, span]
        answered = ~np.isnan(values)
        numerator = np.where(answered, values * weights, 0.0).sum(axis=1)
        denominator = (answered * weights).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            score = np.where(denominator > 0, 100 * numerator / denominator, np.nan)
        mandatory = np.array([question.mandatory for question in domain.questions])
        missing = (mandatory & ~given[:, span]).any(axis=1)
        lowest_blocked = np.full(len(respondent_index), len(definition.stages))
        for offset, question in enumerate(domain.questions):
            if question.gate is None:
                continue
            position = span.start + offset
            with np.errstate(invalid="ignore"):
                met = not_applicable[:, position] | (
                    value[:, position] >= float(question.gate.minimum) - TOLERANCE
                )
            lowest_blocked = np.where(
                met, lowest_blocked, np.minimum(lowest_blocked, stage_number[question.gate.stage])
            )
        reached = _stages_reached(
            np.nan_to_num(score, nan=0.0),
            [float(minimum) for _, minimum in domain.thresholds],
            lowest_blocked,
        )
        stage = np.where(missing, -1, reached)
        result[f"{domain.code}.score"] = score
        result[f"{domain.code}.stage"] = stage_codes[stage]
        result[f"{domain.code}.incomplete"] = missing
        domain_scores.append(score)
        domain_stages.append(reached)
        domain_missing.append(missing)

    overall_score, overall_stage, incomplete = _overall(
        definition,
        np.column_stack(domain_scores),
        np.column_stack(domain_stages),
        np.column_stack(domain_missing),
    )
    result["overall.score"] = overall_score
    result["overall.stage"] = stage_codes[np.where(incomplete, -1, overall_stage)]
    result["overall.incomplete"] = incomplete
    return pd.DataFrame(result, index=respondent_index)


def _answer_matrices(questions, answers: pd.DataFrame, row, column, respondent_count: int):
    """Value (NaN when no value), answered and not-applicable matrices: respondents × questions."""
    shape = (respondent_count, len(questions))
    value = np.full(shape, np.nan)
    given = np.zeros(shape, dtype=bool)
    not_applicable = np.zeros(shape, dtype=bool)
    kinds = np.array([question.type for question in questions])[column]
    option = answers["option"].to_numpy(dtype=float)
    number = answers["number"].to_numpy(dtype=float)
    row_na = answers["not_applicable"].to_numpy(dtype=bool)
    text_given = answers["text_given"].to_numpy(dtype=bool)

    widest = max((len(question.options) for question in questions), default=0) or 1
    option_values = np.full((len(questions), widest), np.nan)
    for index, question in enumerate(questions):
        for position, choice in enumerate(question.options):
            option_values[index, position] = choice.score / question.top_score
    has_option = ~np.isnan(option)
    option_position = np.where(has_option, option, 0).astype(int)
    if (has_option & ((option_position < 0) | (option_position >= widest))).any():
        raise ValueError("an option position is outside its question's options")
    chosen_value = option_values[column, option_position]
    if (
        has_option & np.isnan(chosen_value) & np.isin(kinds, [*CHOICE_TYPES, "multiple_choice"])
    ).any():
        raise ValueError("an option position is outside its question's options")

    single = np.isin(kinds, CHOICE_TYPES) & has_option & ~row_na
    value[row[single], column[single]] = chosen_value[single]
    given[row[single], column[single]] = True

    multiple = (kinds == "multiple_choice") & has_option & ~row_na
    if multiple.any():
        totals = np.zeros(shape)
        np.add.at(totals, (row[multiple], column[multiple]), chosen_value[multiple])
        chosen = np.zeros(shape, dtype=bool)
        chosen[row[multiple], column[multiple]] = True
        value[chosen] = np.minimum(totals[chosen], 1.0)
        given |= chosen

    percentage = (kinds == "percentage") & ~np.isnan(number) & ~row_na
    value[row[percentage], column[percentage]] = np.clip(number[percentage] / 100, 0.0, 1.0)
    given[row[percentage], column[percentage]] = True

    for index, question in enumerate(questions):
        if question.type != "number":
            continue
        rows_here = (column == index) & ~np.isnan(number) & ~row_na
        minimums = np.array([float(band.min) for band in question.bands])
        band_values = np.array([band.score / question.top_score for band in question.bands])
        band = np.clip(np.searchsorted(minimums, number[rows_here], side="right") - 1, 0, None)
        value[row[rows_here], index] = band_values[band]
        given[row[rows_here], index] = True

    free_text = (kinds == "free_text") & text_given & ~row_na
    given[row[free_text], column[free_text]] = True

    not_applicable[row[row_na], column[row_na]] = True
    given |= not_applicable
    value[not_applicable] = np.nan
    return value, given, not_applicable


def _stages_reached(score: np.ndarray, thresholds: list[float], lowest_blocked) -> np.ndarray:
    """Cumulative: a stage counts only if every stage below it was reached too."""
    reached = np.zeros(len(score), dtype=int)
    still_rising = np.ones(len(score), dtype=bool)
    for index, minimum in enumerate(thresholds, start=1):
        still_rising &= (index < lowest_blocked) & (score >= minimum - TOLERANCE)
        reached += still_rising
    return reached


def _overall(definition: FrameworkDef, scores, stages, missing):
    weights = np.array([domain.weight for domain in definition.domains], dtype=float)
    scored = ~np.isnan(scores)
    total_weight = (scored * weights).sum(axis=1)
    weighted = np.where(scored, scores * weights, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        overall_score = np.where(total_weight > 0, weighted / total_weight, np.nan)
    match definition.overall_rule:
        case "weakest_link":
            stage = stages.min(axis=1)
        case "median":
            stage = np.sort(stages, axis=1)[:, (stages.shape[1] - 1) // 2]
        case _:
            stage = _stages_reached(
                np.nan_to_num(overall_score, nan=0.0),
                [float(minimum) for _, minimum in definition.overall_thresholds],
                np.full(len(overall_score), len(definition.stages)),
            )
    return overall_score, stage, missing.any(axis=1)
