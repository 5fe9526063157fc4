"""The scoring rules for one answer set: answer values, gates, domain scores and stages.

Pure Python on purpose, no Django. Every number used (weights, option scores, thresholds, gates)
comes from the framework; the code only says how they combine. docs/scoring.md describes the
same method in plain English, and frameworks/scoring/vectorised.py applies it to many answer
sets at once with identical results.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from frameworks.definition import (
    TICKED_TYPES,
    BandDef,
    ConditionDef,
    DomainDef,
    FrameworkDef,
    QuestionDef,
    ShownWhenDef,
)


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
            case "multiple_choice" | "barriers":
                return bool(self.selected)
            case "percentage" | "number":
                return self.number is not None
            case "free_text":
                return bool(self.text.strip())
            case _:
                return self.option is not None


AnswerSet = Mapping[str, Answer]  # question code -> answer; a missing code is unanswered
NOT_ASKED = Answer(not_applicable=True)


# --- questions asked only when earlier answers make them relevant -------------------------------


def condition_holds(condition: ConditionDef, question: QuestionDef, answer: Answer | None) -> bool:
    """Whether one earlier answer passes one test; no answer, or 'not applicable', never does."""
    if answer is None or answer.not_applicable or not answer.is_given_for(question):
        return False
    labels = [option.label for option in question.options]
    match condition.operator:
        case "equals" | "one_of":
            wanted = (
                {labels.index(label) for label in condition.value}
                if condition.operator == "one_of"
                else {labels.index(condition.value)}
            )
            chosen = answer.selected if question.type in TICKED_TYPES else {answer.option}
            return bool(wanted & set(chosen))
        case _:  # at_least
            if question.type in ("number", "percentage"):
                return answer.number >= float(condition.value)
            return answer.option >= labels.index(condition.value)


def is_shown(shown_when: ShownWhenDef, answers: AnswerSet, questions: Mapping[str, QuestionDef]):
    held = (
        condition_holds(condition, questions[condition.question], answers.get(condition.question))
        for condition in shown_when.conditions
    )
    return all(held) if shown_when.combine == "all" else any(held)


def hidden_questions(definition: FrameworkDef, answers: AnswerSet) -> frozenset[str]:
    """The questions not asked: those whose conditions do not hold on these answers.

    Conditions only look back, so one pass in framework order settles every question, and a
    question that is not asked counts as unanswered for the questions that depend on it.
    """
    if not definition.has_conditions:
        return frozenset()
    questions = {q.code: q for domain in definition.domains for q in domain.questions}
    seen = dict(answers)
    hidden = set()
    for question in questions.values():
        if question.shown_when is not None and not is_shown(question.shown_when, seen, questions):
            seen[question.code] = NOT_ASKED
            hidden.add(question.code)
    return frozenset(hidden)


def applicable(definition: FrameworkDef, answers: AnswerSet) -> AnswerSet:
    """The answers as scoring sees them: a question not asked counts as not applicable,
    whatever answer is stored for it (the stored answer is kept, and counts again once its
    condition holds)."""
    hidden = hidden_questions(definition, answers)
    if not hidden:
        return answers
    return {**answers, **dict.fromkeys(hidden, NOT_ASKED)}


def cited_barriers(definition: FrameworkDef, answers: AnswerSet) -> dict[str, tuple[str, ...]]:
    """Per domain, the barriers its barriers questions name: codes, in the framework's order.

    ``answers`` as ``applicable`` returns them, so a question not asked names nothing. A domain
    that names none (no barriers question, or not answered) is left out.
    """
    cited: dict[str, set[int]] = {}
    for domain in definition.domains:
        for question in domain.questions:
            answer = answers.get(question.code)
            if question.type == "barriers" and answer and not answer.not_applicable:
                cited.setdefault(domain.code, set()).update(answer.selected)
    return {
        code: tuple(definition.barriers[index].code for index in sorted(chosen))
        for code, chosen in cited.items()
        if chosen
    }


# --- answer values -----------------------------------------------------------------------------


def exact_value(question: QuestionDef, answer: Answer | None) -> Fraction | None:
    """The answer's value in [0, 1] as an exact fraction; None when it has no value.

    None when unanswered, not applicable or never scored. Exact, so that a score and a gate are
    compared with the framework's thresholds without floating-point error.
    """
    if answer is None or answer.not_applicable or not question.is_scored:
        return None
    if not answer.is_given_for(question):
        return None
    top = question.top_score
    match question.type:
        case "multiple_choice":
            chosen = sum(question.options[index].score for index in answer.selected)
            return min(Fraction(chosen, top), Fraction(1))
        case "percentage":
            return Fraction(percentage_hundredths(answer.number), 10_000)
        case "number":
            return Fraction(band_for(question, answer.number).score, top)
        case _:
            return Fraction(question.options[answer.option].score, top)


def percentage_hundredths(number: float) -> int:
    """A percentage as stored (to two decimal places, half up), within 0–100, in hundredths."""
    stored = Decimal(repr(float(number))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return min(max(int(stored * 100), 0), 10_000)


def shown_score(exact: Fraction) -> float:
    """The score as shown, stored and compared: rounded once, half up, to one decimal place.

    The float returned is the nearest to that one-decimal number, so comparing it with a
    threshold (also at most two decimals) decides exactly as comparing the decimals would.
    """
    return math.floor(exact * 10 + Fraction(1, 2)) / 10


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
    value = exact_value(question, answer)
    return value is not None and value >= Fraction(question.gate.minimum)


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
    """100 × Σ(weight × value) ÷ Σ(weight) over answered, scored, applicable questions,
    computed exactly and then rounded once (``shown_score``)."""
    numerator, denominator = Fraction(0), 0
    for question in domain.questions:
        value = exact_value(question, answers.get(question.code))
        if value is not None:
            numerator += question.weight * value
            denominator += question.weight
    answered = sum(
        1
        for question in domain.questions
        if (answer := answers.get(question.code)) is not None and answer.is_given_for(question)
    )
    return (shown_score(100 * numerator / denominator) if denominator else None), answered


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
        if (score or 0.0) < float(thresholds[stage.code]):
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
