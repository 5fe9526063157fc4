"""The scoring engine: one answer set, one framework, scores and stages with their reasons.

Plain dataclasses in, plain dataclasses out, no Django: the ORM-facing code adapts to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from frameworks.definition import FrameworkDef
from frameworks.scoring.explain import (
    Explanation,
    OverallExplanation,
    explain_domain,
    explain_overall,
)
from frameworks.scoring.readiness import Readiness, technology_readiness
from frameworks.scoring.rules import (
    AnswerSet,
    applicable,
    cited_barriers,
    domain_facts,
    shown_score,
)

# 2.1: questions asked on condition; technology readiness. 2.2: barriers named, per domain.
ENGINE_VERSION = "2.2.0"


@dataclass(frozen=True)
class DomainScore:
    """A domain's result without the explanation: what the vectorised path also produces."""

    code: str
    score: float | None
    stage: str | None
    incomplete: bool


@dataclass(frozen=True)
class DomainResult:
    code: str
    name: str
    score: float | None
    stage: str | None
    incomplete: bool
    answered: int
    questions: int
    explanation: Explanation

    @property
    def outcome(self) -> DomainScore:
        return DomainScore(self.code, self.score, self.stage, self.incomplete)


@dataclass(frozen=True)
class OverallResult:
    score: float | None
    stage: str | None
    incomplete: bool
    rule: str


@dataclass(frozen=True)
class AssessmentResult:
    domains: tuple[DomainResult, ...]
    overall: OverallResult
    overall_explanation: OverallExplanation
    readiness: tuple[Readiness, ...] = ()  # one per technology the framework lists
    barriers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # domain -> codes named
    engine_version: str = field(default=ENGINE_VERSION)


def score_domains(definition: FrameworkDef, answers: AnswerSet) -> tuple[DomainScore, ...]:
    """Scores and stages only, for callers that do not need the reasons."""
    answers = applicable(definition, answers)
    results = []
    for domain in definition.domains:
        facts = domain_facts(definition, domain, answers)
        results.append(
            DomainScore(domain.code, facts.score, _stage(definition, facts), facts.incomplete)
        )
    return tuple(results)


def _stage(definition: FrameworkDef, facts) -> str | None:
    """An incomplete domain has no stage, only a provisional one in its explanation."""
    return None if facts.incomplete else definition.stages[facts.provisional_ordinal].code


# --- overall -----------------------------------------------------------------------------------


def overall_result(definition: FrameworkDef, domains: tuple[DomainScore, ...]) -> OverallResult:
    weights = {domain.code: domain.weight for domain in definition.domains}
    scored = [(weights[d.code], Fraction(repr(d.score))) for d in domains if d.score is not None]
    total_weight = sum(weight for weight, _ in scored)
    score = shown_score(sum(w * s for w, s in scored) / total_weight) if total_weight else None
    incomplete = any(domain.incomplete for domain in domains)
    stage = None
    if not incomplete:
        stage_index = {stage.code: index for index, stage in enumerate(definition.stages)}
        ordinals = sorted(stage_index[domain.stage] for domain in domains)
        match definition.overall_rule:
            case "weakest_link":
                reached = ordinals[0]
            case "median":
                reached = ordinals[(len(ordinals) - 1) // 2]
            case _:
                reached = 0
                for index, (_, minimum) in enumerate(definition.overall_thresholds, start=1):
                    if (score or 0.0) < float(minimum):
                        break
                    reached = index
        stage = definition.stages[reached].code
    return OverallResult(
        score=score, stage=stage, incomplete=incomplete, rule=definition.overall_rule
    )


def rescore_domain(
    definition: FrameworkDef, answers: AnswerSet, domain_code: str
) -> AssessmentResult:
    """After one domain's answers change: that domain in full, with its explanation, and overall.

    The other domains' scores and stages are recomputed without explanations (they are cheap),
    since the overall result depends on them; their stored explanations have not changed.
    """
    [domain] = [d for d in definition.domains if d.code == domain_code]
    answers = applicable(definition, answers)
    facts = domain_facts(definition, domain, answers)
    changed = DomainResult(
        code=domain.code,
        name=domain.name,
        score=facts.score,
        stage=_stage(definition, facts),
        incomplete=facts.incomplete,
        answered=facts.answered,
        questions=len(domain.questions),
        explanation=explain_domain(definition, domain, answers, facts),
    )
    outcomes = tuple(
        changed.outcome if outcome.code == domain_code else outcome
        for outcome in score_domains(definition, answers)
    )
    overall = overall_result(definition, outcomes)
    names = {d.code: d.name for d in definition.domains}
    explanation = explain_overall(
        definition,
        tuple((names[o.code], o.stage, o.incomplete) for o in outcomes),
        overall.score,
        overall.stage,
    )
    return AssessmentResult(
        domains=(changed,),
        overall=overall,
        overall_explanation=explanation,
        readiness=technology_readiness(
            definition, answers, {outcome.code: outcome.stage for outcome in outcomes}
        ),
        barriers=cited_barriers(definition, answers),
    )


def score_assessment(definition: FrameworkDef, answers: AnswerSet) -> AssessmentResult:
    """Score one answer set, explaining every domain's stage and what reaching the next takes."""
    answers = applicable(definition, answers)
    domains = []
    for domain in definition.domains:
        facts = domain_facts(definition, domain, answers)
        stage = _stage(definition, facts)
        domains.append(
            DomainResult(
                code=domain.code,
                name=domain.name,
                score=facts.score,
                stage=stage,
                incomplete=facts.incomplete,
                answered=facts.answered,
                questions=len(domain.questions),
                explanation=explain_domain(definition, domain, answers, facts),
            )
        )
    overall = overall_result(definition, tuple(result.outcome for result in domains))
    explanation = explain_overall(
        definition,
        tuple((result.name, result.stage, result.incomplete) for result in domains),
        overall.score,
        overall.stage,
    )
    return AssessmentResult(
        domains=tuple(domains),
        overall=overall,
        overall_explanation=explanation,
        readiness=technology_readiness(
            definition, answers, {result.code: result.stage for result in domains}
        ),
        barriers=cited_barriers(definition, answers),
    )
