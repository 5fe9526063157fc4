"""Why a domain sits at its stage, and the fewest answer changes that would reach the next one.

The plan first meets every unmet gate up to the next stage with the lowest answer that meets
it, then raises answers in order of the largest score gain until the threshold is reached,
lowering the last raise to the smallest one that is enough. Gains are independent (each
question adds weight × value to the same total), so taking the largest first gives the fewest
changes. Every sentence is built from the framework's own stage names, option labels and
question titles.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from frameworks.definition import DomainDef, FrameworkDef, QuestionDef
from frameworks.scoring.rules import (
    Answer,
    AnswerSet,
    DomainFacts,
    band_for,
    exact_value,
    gate_met,
    shown_score,
)

PERCENTAGE_STEP = 5  # suggest round targets ("at least 65%"), not 63%


@dataclass(frozen=True)
class GateStatus:
    question_code: str
    question_title: str
    stage: str
    minimum: float
    met: bool


@dataclass(frozen=True)
class AnswerChange:
    """One concrete change to one answer, worded from the framework's own text."""

    question_code: str
    instruction: str
    proposed: Answer


@dataclass(frozen=True)
class Explanation:
    provisional_stage: str
    reached_threshold: float | None
    gates_met: tuple[GateStatus, ...]
    next_stage: str | None
    next_threshold: float | None
    points_needed: float
    unmet_gates: tuple[GateStatus, ...]
    missing_mandatory: tuple[str, ...]
    changes: tuple[AnswerChange, ...]
    reachable: bool
    summary: str
    next_steps: str


def explain_domain(
    definition: FrameworkDef, domain: DomainDef, answers: AnswerSet, facts: DomainFacts
) -> Explanation:
    stages = definition.stages
    stage_index = {stage.code: index for index, stage in enumerate(stages)}
    thresholds = {code: float(minimum) for code, minimum in domain.thresholds}
    reached = stages[facts.provisional_ordinal]
    gates = [
        GateStatus(
            question_code=question.code,
            question_title=question.title,
            stage=question.gate.stage,
            minimum=float(question.gate.minimum),
            met=gate_met(question, answers.get(question.code)),
        )
        for question in domain.questions
        if question.gate is not None
    ]
    gates_met = tuple(g for g in gates if stage_index[g.stage] <= facts.provisional_ordinal)
    score = facts.score or 0.0
    next_stage = (
        stages[facts.provisional_ordinal + 1]
        if facts.provisional_ordinal + 1 < len(stages)
        else None
    )
    unmet_gates: tuple[GateStatus, ...] = ()
    changes: tuple[AnswerChange, ...] = ()
    reachable = True
    next_threshold = None
    if next_stage is not None:
        next_threshold = thresholds[next_stage.code]
        unmet_gates = tuple(
            g for g in gates if stage_index[g.stage] <= stage_index[next_stage.code] and not g.met
        )
        changes, reachable = _plan(definition, domain, answers, next_stage.code, next_threshold)
    return Explanation(
        provisional_stage=reached.code,
        reached_threshold=thresholds.get(reached.code),
        gates_met=gates_met,
        next_stage=next_stage.code if next_stage else None,
        next_threshold=next_threshold,
        points_needed=max(0.0, (next_threshold or 0.0) - score) if next_stage else 0.0,
        unmet_gates=unmet_gates,
        missing_mandatory=facts.missing_mandatory,
        changes=changes,
        reachable=reachable,
        summary=_summary(facts, reached, next_stage, thresholds, gates_met, unmet_gates),
        next_steps=_next_steps(facts, next_stage, changes, reachable),
    )


# --- the plan ----------------------------------------------------------------------------------


@dataclass
class _Totals:
    """Σ(weight × value) and Σ(weight) of a domain, exact, updated as the plan changes answers.

    A plan reaches a threshold when the score as shown (``shown_score``) does, as the stage does.
    """

    numerator: Fraction
    denominator: int

    def exact(self) -> Fraction:
        return 100 * self.numerator / self.denominator if self.denominator else Fraction(0)

    def exact_if(self, weight: int, old: Fraction | None, new: Fraction) -> Fraction:
        numerator = self.numerator + weight * (new - (old or 0))
        denominator = self.denominator + (0 if old is not None else weight)
        return 100 * numerator / denominator

    def score(self) -> float:
        return shown_score(self.exact())

    def score_if(self, weight: int, old: Fraction | None, new: Fraction) -> float:
        return shown_score(self.exact_if(weight, old, new))

    def apply(self, weight: int, old: Fraction | None, new: Fraction) -> None:
        self.numerator += weight * (new - (old or 0))
        self.denominator += 0 if old is not None else weight


def _plan(
    definition: FrameworkDef,
    domain: DomainDef,
    answers: AnswerSet,
    target: str,
    threshold: float,
) -> tuple[tuple[AnswerChange, ...], bool]:
    stage_index = {stage.code: index for index, stage in enumerate(definition.stages)}
    stage_names = {stage.code: stage.name for stage in definition.stages}
    working = dict(answers)
    values = {q.code: exact_value(q, working.get(q.code)) for q in domain.questions}
    totals = _Totals(
        numerator=sum(
            (q.weight * v for q in domain.questions if (v := values[q.code]) is not None),
            Fraction(0),
        ),
        denominator=sum(q.weight for q in domain.questions if values[q.code] is not None),
    )
    ladders: dict[str, list[tuple[Answer, Fraction]]] = {}
    changed: dict[str, Answer] = {}
    # An answer that decides which questions are asked is never part of the advice: changing it
    # would ask new questions, so following the advice would not be enough on its own.
    deciding = {
        condition.question
        for other in definition.domains
        for question in other.questions
        if question.shown_when
        for condition in question.shown_when.conditions
    }

    def ladder(question: QuestionDef) -> list[tuple[Answer, Fraction]]:
        if question.code not in ladders:
            ladders[question.code] = _levels(question, working.get(question.code))
        return ladders[question.code]

    def change(question: QuestionDef, answer: Answer, value: Fraction) -> None:
        totals.apply(question.weight, values[question.code], value)
        values[question.code] = value
        working[question.code] = changed[question.code] = answer
        ladders.pop(question.code, None)

    for question in domain.questions:
        gate = question.gate
        if gate is None or stage_index[gate.stage] > stage_index[target]:
            continue
        if not gate_met(question, working.get(question.code)):
            if question.code in deciding:
                return _worded(domain, answers, changed, stage_names), False
            minimum = Fraction(gate.minimum)
            lowest = next(((a, v) for a, v in ladder(question) if v >= minimum), None)
            if lowest is None:
                return _worded(domain, answers, changed, stage_names), False
            change(question, *lowest)

    while totals.score() < threshold:
        best = None
        for question in domain.questions:
            current = working.get(question.code)
            if (
                not question.is_scored
                or question.code in deciding
                or (current is not None and current.not_applicable)
            ):
                continue
            levels = ladder(question)
            if not levels:
                continue
            gain = totals.exact_if(question.weight, values[question.code], levels[-1][1])
            if best is None or gain > best[0]:
                best = (gain, question, levels)
        if best is None or best[0] <= totals.exact():
            return _worded(domain, answers, changed, stage_names), False
        _, question, levels = best
        old = values[question.code]
        enough = next(
            (
                (answer, value)
                for answer, value in levels
                if totals.score_if(question.weight, old, value) >= threshold
            ),
            levels[-1],
        )
        change(question, *enough)
    return _worded(domain, answers, changed, stage_names), True


def _levels(question: QuestionDef, current: Answer | None) -> list[tuple[Answer, Fraction]]:
    """Answers worth more than the current one, with their values, smallest raise first."""
    value = exact_value(question, current)
    floor = Fraction(-1) if value is None else value
    top = question.top_score
    match question.type:
        case "scale" | "single_choice" | "yes_no":
            order = sorted(range(len(question.options)), key=lambda i: question.options[i].score)
            levels = [(Answer(option=i), Fraction(question.options[i].score, top)) for i in order]
        case "multiple_choice":
            selected = set(current.selected) if current is not None else set()
            total = sum(question.options[i].score for i in selected)
            levels = []
            for index in sorted(
                range(len(question.options)), key=lambda i: -question.options[i].score
            ):
                if index not in selected and question.options[index].score > 0:
                    selected.add(index)
                    total += question.options[index].score
                    worth = min(Fraction(total, top), Fraction(1))
                    levels.append((Answer(selected=frozenset(selected)), worth))
        case "percentage":
            levels = [
                (Answer(number=float(percent)), Fraction(percent, 100))
                for percent in range(0, 101, PERCENTAGE_STEP)
            ]
        case "number":
            bands = sorted(question.bands, key=lambda band: band.score)
            levels = [(Answer(number=float(band.min)), Fraction(band.score, top)) for band in bands]
        case _:
            return []
    return [(answer, worth) for answer, worth in levels if worth > floor]


# --- words -------------------------------------------------------------------------------------


def _worded(
    domain: DomainDef, before: AnswerSet, changed: dict[str, Answer], stage_names: dict[str, str]
) -> tuple[AnswerChange, ...]:
    return tuple(
        AnswerChange(
            question_code=question.code,
            instruction=_instruction(
                question, before.get(question.code), changed[question.code], stage_names
            ),
            proposed=changed[question.code],
        )
        for question in domain.questions
        if question.code in changed
    )


def _instruction(
    question: QuestionDef, before: Answer | None, after: Answer, stage_names: dict[str, str]
) -> str:
    name = f"{question.code} ({question.title})"
    answered = before is not None and before.is_given_for(question)
    match question.type:
        case "yes_no" | "single_choice":
            return f"answer '{question.options[after.option].label}' to {name}"
        case "scale":
            label = _scale_label(question, after.option, stage_names)
            if answered:
                was = _scale_label(question, before.option, stage_names)
                return f"raise {name} from '{was}' to '{label}'"
            return f"answer {name} at '{label}'"
        case "multiple_choice":
            added = sorted(after.selected - (before.selected if answered else frozenset()))
            labels = and_list([f"'{question.options[index].label}'" for index in added])
            return f"also select {labels} in {name}" if answered else f"select {labels} in {name}"
        case "percentage":
            return f"raise {name} to at least {after.number:g}%"
        case _:
            band = band_for(question, after.number)
            return f"bring {name} into the band '{band.label}'"


def _scale_label(question: QuestionDef, index: int, stage_names: dict[str, str]) -> str:
    """A scale option is named by the stage it describes: short, and the same across questions."""
    stage = question.options[index].stage
    return stage_names[stage] if stage else question.options[index].label


def _summary(
    facts: DomainFacts,
    reached,
    next_stage,
    thresholds: dict[str, float],
    gates_met: tuple[GateStatus, ...],
    unmet_gates: tuple[GateStatus, ...],
) -> str:
    """Why the domain sits where it does, and what stands between it and the next stage."""
    score = facts.score
    shown = "no score yet" if score is None else f"a score of {score:.1f}"
    if reached.code not in thresholds:
        why = f"{reached.name}: every domain starts here; it has {shown}."
    else:
        why = f"{reached.name}: {shown} meets the {reached.name} threshold of "
        why += f"{thresholds[reached.code]:g}"
        if gates_met:
            why += f" and {_count(len(gates_met), 'gate question')} up to {reached.name} "
            why += "are met" if len(gates_met) > 1 else "is met"
        why += "."
    if next_stage is not None:
        needed = thresholds[next_stage.code]
        if (score or 0.0) >= needed:
            held = ", ".join(f"{g.question_code} ({g.question_title})" for g in unmet_gates)
            why += f" The score is enough for {next_stage.name} ({needed:g}), but it also needs "
            why += f"{held}, which {'are' if len(unmet_gates) > 1 else 'is'} not met."
        else:
            why += f" {next_stage.name} needs {needed:g}"
            if score is not None:
                why += f" ({needed - score:.1f} more points)"
            if unmet_gates:
                names = ", ".join(f"{g.question_code} ({g.question_title})" for g in unmet_gates)
                why += f" and {names} to be met"
            why += "."
    if facts.incomplete:
        missing = ", ".join(facts.missing_mandatory)
        count = _count(len(facts.missing_mandatory), "mandatory question")
        return f"No stage yet: {count} unanswered ({missing}). Provisionally {why}"
    return why


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _next_steps(
    facts: DomainFacts, next_stage, changes: tuple[AnswerChange, ...], reachable: bool
) -> str:
    first = ""
    if facts.incomplete:
        first = f"First answer the mandatory question(s) {', '.join(facts.missing_mandatory)}. "
    if next_stage is None:
        return first + "This is the highest stage: keep the evidence for it current."
    if not reachable:
        return first + (
            f"{next_stage.name} cannot be reached by changing answers alone in this framework."
        )
    sentence = and_list([change.instruction for change in changes])
    return f"{first}To reach {next_stage.name}: {sentence[0].upper()}{sentence[1:]}."


def and_list(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --- overall -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverallExplanation:
    summary: str
    next_steps: str


def explain_overall(
    definition: FrameworkDef,
    domains: tuple[tuple[str, str | None, bool], ...],
    score: float | None,
    stage: str | None,
) -> OverallExplanation:
    """Why the trust sits at its overall stage, in the words of the framework's own rule.

    ``domains`` holds each domain's name, stage code (None while incomplete) and whether it is
    incomplete, in the framework's order.
    """
    names = {s.code: s.name for s in definition.stages}
    order = {s.code: index for index, s in enumerate(definition.stages)}
    incomplete = [name for name, _, missing in domains if missing]
    score_words = "no score yet" if score is None else f"{score:.1f}"
    average = f"The overall score, {score_words}, is the weighted average of the domain scores"
    if incomplete:
        return OverallExplanation(
            summary=f"No overall stage until every domain is complete: {_listing(incomplete)} "
            f"still {'has' if len(incomplete) == 1 else 'have'} mandatory questions to answer. "
            f"{average}.",
            next_steps="Answer the mandatory questions in the incomplete domains.",
        )
    reached = order[stage]
    upper = definition.stages[reached + 1] if reached + 1 < len(definition.stages) else None
    match definition.overall_rule:
        case "weakest_link":
            weakest = [name for name, code, _ in domains if order[code] == reached]
            summary = (
                f"The overall stage is {names[stage]} because the framework takes the lowest "
                f"domain stage (weakest link): {_listing(weakest)} "
                f"{'is' if len(weakest) == 1 else 'are'} at {names[stage]}. {average}, and "
                "does not set the stage."
            )
            next_steps = (
                f"To reach {upper.name} overall, {_listing(weakest)} must reach {upper.name}."
                if upper
                else "Every domain is at the highest stage."
            )
        case "median":
            at_or_above = sum(order[code] >= reached for _, code, _ in domains)
            below = [
                f"{name} ({names[code]})" for name, code, _ in domains if order[code] < reached
            ]
            summary = (
                f"The overall stage is {names[stage]} because the framework takes the middle "
                f"domain stage (the median): {at_or_above} of {len(domains)} domains are at "
                f"{names[stage]} or above"
                + (f"; below it: {_listing(below)}" if below else "")
                + f". {average}, and does not set the stage."
            )
            # The engine takes the stage at position (n - 1) // 2 from the bottom.
            needed = len(domains) - (len(domains) - 1) // 2
            if upper:
                have = sum(order[code] >= reached + 1 for _, code, _ in domains)
                more = needed - have
                next_steps = (
                    f"To reach {upper.name} overall, {more} more domain{'s' if more != 1 else ''} "
                    f"must reach {upper.name} ({needed} of {len(domains)} in all)."
                )
            else:
                next_steps = "The overall stage is the highest."
        case _:
            thresholds = {code: float(minimum) for code, minimum in definition.overall_thresholds}
            start = (
                f"{names[stage]} starts at {thresholds[stage]:g}"
                if stage in thresholds
                else "it is below every threshold"
            )
            summary = (
                f"The overall stage is {names[stage]} because the framework places the overall "
                f"score on thresholds: the score is {score_words}, the weighted average of the "
                f"domain scores, and {start}."
            )
            next_steps = (
                f"To reach {upper.name} overall, the overall score must reach "
                f"{thresholds[upper.code]:g}."
                if upper
                else "The overall stage is the highest."
            )
    return OverallExplanation(summary=summary, next_steps=next_steps)


def _listing(items: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"
