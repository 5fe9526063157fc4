"""Reads of frameworks: the stored version as a ``FrameworkDef``, in one query per table."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from threading import Lock

from django.db.models import Count

from frameworks.definition import (
    BandDef,
    BarrierDef,
    DomainDef,
    FrameworkDef,
    GateDef,
    OptionDef,
    QuestionDef,
    ShownWhenDef,
    StageDef,
    TechnologyDef,
)
from frameworks.models import AnswerOption, Domain, Framework, Question, Stage, StageThreshold


def framework_get(*, code: str, version: str) -> Framework | None:
    return Framework.objects.filter(code=code, version=version).first()


def framework_definition(*, framework: Framework) -> FrameworkDef:
    """The stored framework as plain values, for the exporter and the scoring engine."""
    stages = list(Stage.objects.filter(framework=framework).order_by("ordinal"))
    stage_codes = {stage.pk: stage.code for stage in stages}
    domains = list(Domain.objects.filter(framework=framework).order_by("order"))
    thresholds_by_domain: dict[int | None, list[tuple[int, str, object]]] = defaultdict(list)
    for threshold in StageThreshold.objects.filter(framework=framework).select_related("stage"):
        thresholds_by_domain[threshold.domain_id].append(
            (threshold.stage.ordinal, threshold.stage.code, threshold.minimum_score)
        )
    options_by_question: dict[int, list[AnswerOption]] = defaultdict(list)
    for option in AnswerOption.objects.filter(question__framework=framework).order_by(
        "question_id", "order"
    ):
        options_by_question[option.question_id].append(option)
    questions_by_domain: dict[int, list[QuestionDef]] = defaultdict(list)
    for question in Question.objects.filter(framework=framework).order_by("domain_id", "order"):
        questions_by_domain[question.domain_id].append(
            _question_definition(question, options_by_question[question.pk], stage_codes)
        )
    return FrameworkDef(
        code=framework.code,
        version=framework.version,
        name=framework.name,
        description=framework.description,
        overall_rule=framework.overall_rule,
        overall_thresholds=_ordered_thresholds(thresholds_by_domain[None]),
        technologies=tuple(TechnologyDef.from_json(stored) for stored in framework.technologies),
        barriers=tuple(BarrierDef(**stored) for stored in framework.barriers),
        stages=tuple(
            StageDef(code=stage.code, name=stage.name, descriptor=stage.descriptor)
            for stage in stages
        ),
        domains=tuple(
            DomainDef(
                code=domain.code,
                name=domain.name,
                description=domain.description,
                weight=domain.weight,
                thresholds=_ordered_thresholds(thresholds_by_domain[domain.pk]),
                questions=tuple(questions_by_domain[domain.pk]),
            )
            for domain in domains
        ),
    )


def _ordered_thresholds(rows: list[tuple[int, str, object]]) -> tuple:
    return tuple((code, minimum.normalize()) for _, code, minimum in sorted(rows))


def _question_definition(
    question: Question, options: list[AnswerOption], stage_codes: dict[int, str]
) -> QuestionDef:
    gate = None
    if question.gate_stage_id is not None:
        gate = GateDef(
            stage=stage_codes[question.gate_stage_id], minimum=question.gate_minimum.normalize()
        )
    return QuestionDef(
        code=question.code,
        title=question.title,
        text=question.text,
        guidance=question.guidance,
        type=question.type,
        mandatory=question.mandatory,
        weight=question.weight,
        allows_na=question.allows_na,
        gate=gate,
        unit=question.unit,
        shown_when=ShownWhenDef.from_json(question.shown_when) if question.shown_when else None,
        options=tuple(
            OptionDef(
                label=option.label,
                score=option.score,
                stage=stage_codes.get(option.stage_id),
                exclusive=option.exclusive,
            )
            for option in options
            if not option.is_band
        ),
        bands=tuple(
            BandDef(
                label=option.label,
                min=option.band_min.normalize(),
                max=None if option.band_max is None else option.band_max.normalize(),
                score=option.score,
            )
            for option in options
            if option.is_band
        ),
    )


def frameworks_with_counts() -> list[Framework]:
    """Every version, newest first, with its numbers of domains, questions and cycles: 1 query."""
    return list(
        Framework.objects.annotate(
            domain_count=Count("domains", distinct=True),
            question_count=Count("questions", distinct=True),
            cycle_count=Count("cycles", distinct=True),
        ).order_by("code", "-created_at")
    )


@dataclass(frozen=True)
class FrameworkContent:
    """A framework's rows and its definition, read together: what pages and scoring need."""

    framework: Framework
    definition: FrameworkDef
    stages: tuple[Stage, ...]
    domains: tuple[Domain, ...]
    questions: tuple[Question, ...]  # in domain order, then question order
    options: dict[int, tuple[AnswerOption, ...]]  # question id -> options in order

    @cached_property
    def question_by_code(self) -> dict[str, Question]:
        return {question.code: question for question in self.questions}

    @cached_property
    def stage_by_code(self) -> dict[str, Stage]:
        return {stage.code: stage for stage in self.stages}

    @cached_property
    def domain_by_code(self) -> dict[str, Domain]:
        return {domain.code: domain for domain in self.domains}

    def questions_of(self, domain: Domain | None) -> tuple[Question, ...]:
        if domain is None:
            return self.questions
        return tuple(question for question in self.questions if question.domain_id == domain.pk)


class _FrozenContentCache:
    """Published and retired frameworks never change, so their content is read once a process."""

    def __init__(self) -> None:
        self.entries: dict[tuple, FrameworkContent] = {}
        self.lock = Lock()

    def get(self, framework: Framework) -> FrameworkContent:
        # The publication time is part of the key: a database rebuilt under the same process
        # (tests, a reset demo) may give another framework the same id.
        key = (framework.pk, framework.published_at)
        cached = self.entries.get(key)
        if cached is not None:
            return cached
        content = _read_content(framework)
        if not framework.is_editable:
            with self.lock:
                self.entries[key] = content
        return content

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


frozen_content_cache = _FrozenContentCache()


def framework_content(*, framework: Framework) -> FrameworkContent:
    """The framework's stages, domains, questions, options and definition.

    Read from the database once per process for a published or retired version (7 queries),
    every time for a draft, which may still change.
    """
    return frozen_content_cache.get(framework)


def _read_content(framework: Framework) -> FrameworkContent:
    stages = tuple(Stage.objects.filter(framework=framework).order_by("ordinal"))
    domains = tuple(Domain.objects.filter(framework=framework).order_by("order"))
    domain_by_id = {domain.pk: domain for domain in domains}
    questions = sorted(
        Question.objects.filter(framework=framework),
        key=lambda question: (domain_by_id[question.domain_id].order, question.order),
    )
    stage_by_id = {stage.pk: stage for stage in stages}
    for question in questions:
        question.domain = domain_by_id[question.domain_id]
        question.gate_stage = stage_by_id.get(question.gate_stage_id)
    options: dict[int, list[AnswerOption]] = defaultdict(list)
    for option in AnswerOption.objects.filter(question__framework=framework).order_by("order"):
        option.stage = stage_by_id.get(option.stage_id)
        options[option.question_id].append(option)
    return FrameworkContent(
        framework=framework,
        definition=framework_definition(framework=framework),
        stages=stages,
        domains=domains,
        questions=tuple(questions),
        options={question.pk: tuple(options[question.pk]) for question in questions},
    )
