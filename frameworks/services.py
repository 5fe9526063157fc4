"""Writes of frameworks: load a file, publish, retire and copy a version.

A published framework is never altered: loading a file whose version is already published either
changes nothing (same content) or is refused (different content: give it a new version).

Each service takes the acting user, asks the access policy and records what it did in the audit
trail. ``user=None`` is the command line (``manage.py load_framework``, demo data), which is
trusted as whoever runs it and is audited with no actor.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from access import policy
from audit.models import AuditAction
from audit.services import audit_record
from frameworks.definition import FrameworkDef
from frameworks.foreign import ConversionOptions, ForeignFrameworkError, convert_ciso_assistant
from frameworks.models import (
    AnswerOption,
    Domain,
    Framework,
    FrameworkStatus,
    Question,
    Stage,
    StageThreshold,
)
from frameworks.schema import (
    FrameworkFileError,
    dump_framework,
    read_framework_file,
    read_framework_text,
    validate_framework,
)
from frameworks.selectors import framework_definition, framework_get


class FrameworkLifecycleError(Exception):
    """A lifecycle step that the framework's status does not allow."""


@dataclass(frozen=True)
class FrameworkLoadResult:
    framework: Framework
    outcome: str  # "created", "replaced draft" or "unchanged"


def _check_manager(user) -> None:
    if user is not None and not policy.can_manage_frameworks(user):
        raise PermissionDenied(
            "Only a framework admin can load, publish, retire or copy frameworks."
        )


def _name(framework: Framework) -> str:
    return f"framework {framework.code} {framework.version}"


def framework_load(*, path: Path, publish: bool = False, user=None) -> FrameworkLoadResult:
    """Validate a framework file and store it as a draft (or publish it), all or nothing."""
    return framework_import(
        definition=read_framework_file(path), publish=publish, source=path, user=user
    )


@dataclass(frozen=True)
class ForeignLoadResult:
    load: FrameworkLoadResult
    output: Path  # our canonical file, written from the foreign one
    warnings: list[str]


def framework_load_foreign(
    *,
    path: Path,
    options: ConversionOptions,
    output: Path | None = None,
    overwrite: bool = False,
    publish: bool = False,
    user=None,
) -> ForeignLoadResult:
    """Convert a CISO Assistant library into our format, load it as any framework file, and
    write our canonical file to ``output`` (default ``CODE-VERSION.yaml`` in the current folder).

    ForeignFrameworkError (naming node URNs) when the library cannot be converted or the output
    would replace the library or, without ``overwrite``, another file; FrameworkFileError when
    the result breaks our format or cannot be loaded. In every refusal nothing is written or
    loaded: the file is written only inside the load's transaction, after the load."""
    try:
        library = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ForeignFrameworkError([f"{path}: cannot be read as YAML: {error}"]) from error
    conversion = convert_ciso_assistant(library, options)
    document = conversion.document
    output = output or Path(f"{document['code']}-{document['version']}.yaml")
    if output.resolve() == path.resolve():
        raise ForeignFrameworkError([f"{output}: is the library being read; choose another"])
    if output.exists() and not overwrite:
        raise ForeignFrameworkError([f"{output}: already exists; choose another or overwrite"])
    definition = validate_framework(document, source=str(output))
    with transaction.atomic():
        load = framework_import(definition=definition, publish=publish, source=output, user=user)
        written = output.with_name(f".{output.name}.partial")
        written.write_text(dump_framework(definition), encoding="utf-8")
        written.replace(output)
    return ForeignLoadResult(load=load, output=output, warnings=conversion.warnings)


def framework_import(
    *, definition: FrameworkDef, publish: bool = False, source: Path | str = "definition", user
) -> FrameworkLoadResult:
    """Store a validated definition: created, unchanged, or replacing a draft of that version."""
    _check_manager(user)
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
        if outcome != "unchanged":
            audit_record(
                actor=user,
                action=AuditAction.FRAMEWORK_LOADED,
                subject=_name(framework),
                new=f"{outcome}: {definition.name}",
                reason=f"from {Path(str(source)).name}",
            )
        if publish and framework.status == FrameworkStatus.DRAFT:
            framework = framework_publish(framework=framework, user=user)
    return FrameworkLoadResult(framework=framework, outcome=outcome)


def framework_export(*, code: str, version: str) -> str:
    framework = framework_get(code=code, version=version)
    if framework is None:
        raise Framework.DoesNotExist(f"No framework {code} {version}.")
    return dump_framework(framework_definition(framework=framework))


def _change_status(framework: Framework, *, new: FrameworkStatus, user) -> Framework:
    old = framework.get_status_display()
    framework.status = new
    fields = ["status"]
    if new == FrameworkStatus.PUBLISHED:
        framework.published_at = timezone.now()
        fields.append("published_at")
    framework.save(update_fields=fields)
    audit_record(
        actor=user,
        action=(
            AuditAction.FRAMEWORK_PUBLISHED
            if new == FrameworkStatus.PUBLISHED
            else AuditAction.FRAMEWORK_RETIRED
        ),
        subject=_name(framework),
        old=old,
        new=framework.get_status_display(),
    )
    return framework


@transaction.atomic
def framework_publish(*, framework: Framework, user) -> Framework:
    """Freeze a draft so cycles can use it; it never changes again."""
    _check_manager(user)
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    if not framework.is_publishable:
        raise FrameworkLifecycleError(
            f"Only a draft can be published; {framework.code} {framework.version} is "
            f"{framework.get_status_display().lower()}."
        )
    return _change_status(framework, new=FrameworkStatus.PUBLISHED, user=user)


@transaction.atomic
def framework_retire(*, framework: Framework, user) -> Framework:
    """Stop new cycles using a version; cycles already on it keep it."""
    _check_manager(user)
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    if not framework.is_retirable:
        raise FrameworkLifecycleError(
            f"Only a published framework can be retired; {framework.code} {framework.version} "
            f"is {framework.get_status_display().lower()}."
        )
    return _change_status(framework, new=FrameworkStatus.RETIRED, user=user)


@transaction.atomic
def framework_copy_as_draft(*, framework: Framework, version: str, user) -> Framework:
    """Start the next version: the same content as a new draft, free to edit."""
    _check_manager(user)
    version = version.strip()
    if not version:
        raise FrameworkLifecycleError("Enter the new version, like 2027.1.")
    if Framework.objects.filter(code=framework.code, version=version).exists():
        raise FrameworkLifecycleError(f"{framework.code} {version} already exists.")
    definition = dataclasses.replace(framework_definition(framework=framework), version=version)
    try:
        # The same checks as a file: a version must still be a valid version.
        definition = read_framework_text(
            dump_framework(definition), source=f"{framework.code} {version}"
        )
    except FrameworkFileError as error:
        raise FrameworkLifecycleError("; ".join(error.errors)) from error
    copy = _framework_create(definition=definition)
    audit_record(
        actor=user,
        action=AuditAction.FRAMEWORK_COPIED,
        subject=_name(copy),
        old=_name(framework),
        new="draft",
    )
    return copy


def _framework_create(*, definition: FrameworkDef) -> Framework:
    """Write a validated definition as a new draft with one bulk insert per table."""
    framework = Framework.objects.create(
        code=definition.code,
        version=definition.version,
        name=definition.name,
        description=definition.description,
        overall_rule=definition.overall_rule,
        technologies=[technology.as_json() for technology in definition.technologies],
        barriers=[barrier.as_json() for barrier in definition.barriers],
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
                shown_when=question.shown_when.as_json() if question.shown_when else None,
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
