"""Writes of frameworks: load a file, publish, retire and copy a version.

A published framework is never altered: loading a file whose version is already published either
changes nothing (same content) or is refused (different content: give it a new version).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from frameworks.definition import FrameworkDef
from frameworks.models import (
    AnswerOption,
    Domain,
    Framework,
    FrameworkStatus,
    Question,
    Stage,
    StageThreshold,
)
from frameworks.schema import FrameworkFileError, dump_framework, read_framework_file
from frameworks.selectors import framework_definition, framework_get


class FrameworkLifecycleError(Exception):
    """A lifecycle step that the framework's status does not allow."""


@dataclass(frozen=True)
class FrameworkLoadResult:
    framework: Framework
    outcome: str  # "created", "replaced draft" or "unchanged"


def framework_load(*, path: Path, publish: bool = False) -> FrameworkLoadResult:
    """Validate a framework file and store it as a draft (or publish it), all or nothing."""
    return framework_import(definition=read_framework_file(path), publish=publish, source=path)


def framework_import(
    *, definition: FrameworkDef, publish: bool = False, source: Path | str = "definition"
) -> FrameworkLoadResult:
    """Store a validated definition: created, unchanged, or replacing a draft of that version."""
    with transaction.atomic():
        existing = (
            Framework.objects.select_for_update()
            .filter(code=definition.code, version=definition.version)
            .first()
        )
        if existing is None:
            framework, outcome = _framework_create(definition=definition), "created"
        elif framework_definition(framework=existing) == definition:
            framework, outcome = existing, "unchanged"
        elif existing.is_editable:
            existing.delete()
            framework, outcome = _framework_create(definition=definition), "replaced draft"
        else:
            raise FrameworkFileError(
                [
                    f"{source}: version: {definition.code} {definition.version} is "
                    f"{existing.status} and differs from this file; published frameworks never "
                    "change, so give the file a new version"
                ]
            )
        if publish and framework.status == FrameworkStatus.DRAFT:
            framework = framework_publish(framework=framework)
    return FrameworkLoadResult(framework=framework, outcome=outcome)


def framework_export(*, code: str, version: str) -> str:
    framework = framework_get(code=code, version=version)
    if framework is None:
        raise Framework.DoesNotExist(f"No framework {code} {version}.")
    return dump_framework(framework_definition(framework=framework))


def framework_publish(*, framework: Framework) -> Framework:
    if framework.status != FrameworkStatus.DRAFT:
        raise FrameworkLifecycleError(
            f"Only a draft can be published; this one is {framework.status}."
        )
    framework.status = FrameworkStatus.PUBLISHED
    framework.published_at = timezone.now()
    framework.save(update_fields=["status", "published_at"])
    return framework


def framework_retire(*, framework: Framework) -> Framework:
    if framework.status != FrameworkStatus.PUBLISHED:
        raise FrameworkLifecycleError(
            f"Only a published framework can be retired; this one is {framework.status}."
        )
    framework.status = FrameworkStatus.RETIRED
    framework.save(update_fields=["status"])
    return framework


@transaction.atomic
def framework_copy_as_draft(*, framework: Framework, version: str) -> Framework:
    """Start the next version: the same content as a new draft, free to edit."""
    if Framework.objects.filter(code=framework.code, version=version).exists():
        raise FrameworkLifecycleError(f"{framework.code} {version} already exists.")
    definition = dataclasses.replace(framework_definition(framework=framework), version=version)
    return _framework_create(definition=definition)


def _framework_create(*, definition: FrameworkDef) -> Framework:
    """Write a validated definition as a new draft with one bulk insert per table."""
    framework = Framework.objects.create(
        code=definition.code,
        version=definition.version,
        name=definition.name,
        description=definition.description,
        overall_rule=definition.overall_rule,
    )
    stages = Stage.objects.bulk_create(
        Stage(
            framework=framework,
            code=stage.code,
            ordinal=ordinal,
            name=stage.name,
            descriptor=stage.descriptor,
        )
        for ordinal, stage in enumerate(definition.stages, start=1)
    )
    stage_by_code = {stage.code: stage for stage in stages}
    domains = Domain.objects.bulk_create(
        Domain(
            framework=framework,
            code=domain.code,
            name=domain.name,
            description=domain.description,
            order=order,
            weight=domain.weight,
        )
        for order, domain in enumerate(definition.domains, start=1)
    )
    thresholds = [
        StageThreshold(
            framework=framework, domain=None, stage=stage_by_code[code], minimum_score=minimum
        )
        for code, minimum in definition.overall_thresholds
    ]
    questions: list[Question] = []
    for domain, domain_definition in zip(domains, definition.domains, strict=True):
        thresholds += [
            StageThreshold(
                framework=framework, domain=domain, stage=stage_by_code[code], minimum_score=minimum
            )
            for code, minimum in domain_definition.thresholds
        ]
        questions += [
            Question(
                framework=framework,
                domain=domain,
                code=question.code,
                order=order,
                title=question.title,
                text=question.text,
                guidance=question.guidance,
                type=question.type,
                mandatory=question.mandatory,
                weight=question.weight,
                allows_na=question.allows_na,
                unit=question.unit,
                gate_stage=stage_by_code[question.gate.stage] if question.gate else None,
                gate_minimum=question.gate.minimum if question.gate else None,
            )
            for order, question in enumerate(domain_definition.questions, start=1)
        ]
    StageThreshold.objects.bulk_create(thresholds)
    Question.objects.bulk_create(questions)
    question_definitions = [q for d in definition.domains for q in d.questions]
    AnswerOption.objects.bulk_create(
        option
        for question, question_definition in zip(questions, question_definitions, strict=True)
        for option in _options_for(question, question_definition, stage_by_code)
    )
    return framework


def _options_for(question: Question, definition, stage_by_code: dict[str, Stage]):
    for order, option in enumerate(definition.options, start=1):
        yield AnswerOption(
            question=question,
            order=order,
            label=option.label,
            score=option.score,
            stage=stage_by_code[option.stage] if option.stage else None,
            exclusive=option.exclusive,
        )
    for order, band in enumerate(definition.bands, start=1):
        yield AnswerOption(
            question=question,
            order=order,
            label=band.label,
            score=band.score,
            band_min=band.min,
            band_max=band.max,
        )
