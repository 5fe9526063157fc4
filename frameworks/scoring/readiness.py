"""Readiness to adopt medical technologies: each technology's prerequisites against a trust's
stages and answers.

Pure Python, no Django, like the rest of the engine. A technology is ready when every
prerequisite holds; otherwise the result names each unmet one with what it needs and why. Every
unmet prerequisite is needed, and each is one change (a domain raised to a stage, or one answer
changed), so the unmet list is the fewest changes that would make the trust ready.
``vectorised.readiness_frame`` gives the same answer for many trusts at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from frameworks.definition import FrameworkDef, PrerequisiteDef, TechnologyDef
from frameworks.scoring.rules import AnswerSet, applicable, condition_holds


@dataclass(frozen=True)
class Readiness:
    code: str
    name: str
    ready: bool
    unmet: tuple[PrerequisiteDef, ...]  # in the framework's order; empty when ready


def prerequisite_met(
    definition: FrameworkDef,
    prerequisite: PrerequisiteDef,
    answers: AnswerSet,
    domain_stages: Mapping[str, str | None],
) -> bool:
    """A domain prerequisite holds at its stage or above (an incomplete domain has no stage);
    an answer prerequisite holds when the answer passes its test, and the question is asked."""
    if prerequisite.condition is None:
        reached = domain_stages.get(prerequisite.domain)
        if reached is None:
            return False
        order = [stage.code for stage in definition.stages]
        return order.index(reached) >= order.index(prerequisite.stage)
    condition = prerequisite.condition
    question = definition_question(definition, condition.question)
    return condition_holds(condition, question, answers.get(condition.question))


def definition_question(definition: FrameworkDef, code: str):
    return next(q for d in definition.domains for q in d.questions if q.code == code)


def technology_readiness(
    definition: FrameworkDef, answers: AnswerSet, domain_stages: Mapping[str, str | None]
) -> tuple[Readiness, ...]:
    """Each technology of the framework, ready or not yet with what stands in the way.

    ``domain_stages`` are the scored domain stages (None for an incomplete domain); answers are
    read as scoring reads them, so a question that is not asked passes no test.
    """
    seen = applicable(definition, answers)
    return tuple(
        _readiness(definition, technology, seen, domain_stages)
        for technology in definition.technologies
    )


def _readiness(definition, technology: TechnologyDef, answers, domain_stages) -> Readiness:
    unmet = tuple(
        prerequisite
        for prerequisite in technology.prerequisites
        if not prerequisite_met(definition, prerequisite, answers, domain_stages)
    )
    return Readiness(technology.code, technology.name, ready=not unmet, unmet=unmet)
