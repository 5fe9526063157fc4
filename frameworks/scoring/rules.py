"""The scoring rules for one answer set: answer values, gates, domain scores and stages.

Pure Python on purpose, no Django. Every number used (weights, option scores, thresholds, gates)
comes from the framework; the code only says how they combine. docs/scoring.md describes the
same method in plain English, and frameworks/scoring/vectorised.py applies it to many answer
sets at once with identical results.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from frameworks.definition import BandDef, DomainDef, FrameworkDef, QuestionDef

TOLERANCE = 1e-9  # a score this close below a threshold reaches it: no floating-point surprises


@dataclass(frozen=True)
class Answer:
    """One answer. Options are referred to by their position in the question (0 = first)."""

    option: int | None = None
    selected: frozenset[int] = frozenset()
    number: float | None = None
    not_applicable: bool = False
    text: str = ""

    def is_given_for(self, question: QuestionDef) -> bool:
        if self.not_applicable:
            return True
        match question.type:
            case "multiple_choice":
                return bool(self.selected)
            case "percentage" | "number":
                return self.number is not None
            case "free_text":
                return bool(self.text.strip())
            case _:
                return self.option is not None


AnswerSet = Mapping[str, Answer]  # question code -> answer; a missing code is unanswered


# --- answer values -----------------------------------------------------------------------------


def answer_value(question: QuestionDef, answer: Answer | None) -> float | None:
    """The answer's value in [0, 1]; None when unanswered, not applicable or never scored."""
    if answer is None or answer.not_applicable or not question.is_scored:
        return None
    if not answer.is_given_for(question):
        return None
    match question.type:
        case "multiple_choice":
            chosen = sum(question.options[index].score for index in answer.selected)
            return min(chosen / question.top_score, 1.0)
        case "percentage":
            return min(max(answer.number / 100, 0.0), 1.0)
        case "number":
            return band_for(question, answer.number).score / question.top_score
        case _:
            return question.options[answer.option].score / question.top_score


def band_for(question: QuestionDef, number: float) -> BandDef:
    """The band a number falls in (min inclusive, max exclusive); below the first is the first."""
    chosen = question.bands[0]
    for band in question.bands:
        if number >= band.min:
            chosen = band
    return chosen


def gate_met(question: QuestionDef, answer: Answer | None) -> bool:
    """A gate is met by a value at or above its minimum; 'not applicable' does not block."""
    if answer is not None and answer.not_applicable:
        return True
    value = answer_value(question, answer)
    return value is not None and value >= float(question.gate.minimum) - TOLERANCE


# --- domains -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DomainFacts:
    """What the stage decision needs, computed once and reused by the explanation."""

    score: float | None
    incomplete: bool
    missing_mandatory: tuple[str, ...]
    provisional_ordinal: int
    answered: int


def domain_score(domain: DomainDef, answers: AnswerSet) -> tuple[float | None, int]:
    """100 × Σ(weight × value) ÷ Σ(weight) over answered, scored, applicable questions."""
    numerator = denominator = 0.0
    for question in domain.questions:
        value = answer_value(question, answers.get(question.code))
        if value is not None:
            numerator += question.weight * value
            denominator += question.weight
    answered = sum(
        1
        for question in domain.questions
        if (answer := answers.get(question.code)) is not None and answer.is_given_for(question)
    )
    return (100 * numerator / denominator if denominator else None), answered


def stage_ordinal_reached(
    definition: FrameworkDef, domain: DomainDef, score: float | None, answers: AnswerSet
) -> int:
    """The highest stage (0 = first) reached by threshold and every gate up to it, cumulatively."""
    thresholds = dict(domain.thresholds)
    stage_index = {stage.code: index for index, stage in enumerate(definition.stages)}
    unmet_gate_ordinals = [
        stage_index[question.gate.stage]
        for question in domain.questions
        if question.gate is not None and not gate_met(question, answers.get(question.code))
    ]
    lowest_blocked = min(unmet_gate_ordinals, default=len(definition.stages))
    reached = 0
    for index, stage in enumerate(definition.stages[1:], start=1):
        if index >= lowest_blocked:
            break
        if (score or 0.0) < float(thresholds[stage.code]) - TOLERANCE:
            break
        reached = index
    return reached


def domain_facts(definition: FrameworkDef, domain: DomainDef, answers: AnswerSet) -> DomainFacts:
    score, answered = domain_score(domain, answers)
    missing = tuple(
        question.code
        for question in domain.questions
        if question.mandatory
        and not ((answer := answers.get(question.code)) and answer.is_given_for(question))
    )
    return DomainFacts(
        score=score,
        incomplete=bool(missing),
        missing_mandatory=missing,
        provisional_ordinal=stage_ordinal_reached(definition, domain, score, answers),
        answered=answered,
    )
