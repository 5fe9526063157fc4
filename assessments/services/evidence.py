"""Evidence for an answer: links and uploaded files, checked, stored and audited."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from assessments.evidence_files import EvidenceFileError, check_evidence_file
from assessments.models import Assessment, Evidence, EvidenceKind
from assessments.services.answers import AnswerInvalidError, locked_for_editing
from audit.models import AuditAction
from audit.services import audit_record
from frameworks.models import Question


@transaction.atomic
def evidence_add_link(*, assessment: Assessment, question: Question, url: str, user) -> Evidence:
    assessment = locked_for_editing(assessment, question.domain, user)
    evidence = Evidence.objects.create(
        assessment=assessment, question=question, kind=EvidenceKind.LINK, url=url, added_by=user
    )
    audit_record(
        assessment=assessment,
        actor=user,
        action=AuditAction.EVIDENCE_ADDED,
        subject=question.code,
        new=url,
    )
    return evidence


@transaction.atomic
def evidence_add_file(
    *, assessment: Assessment, question: Question, upload: UploadedFile, user
) -> Evidence:
    """Store an upload under a generated name after checking its size and its real content."""
    assessment = locked_for_editing(assessment, question.domain, user)
    try:
        content_type = check_evidence_file(upload)
    except EvidenceFileError as error:
        raise AnswerInvalidError(str(error)) from error
    evidence = Evidence(
        assessment=assessment,
        question=question,
        kind=EvidenceKind.FILE,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        added_by=user,
    )
    evidence.file.save(upload.name, upload, save=False)
    evidence.save()
    audit_record(
        assessment=assessment,
        actor=user,
        action=AuditAction.EVIDENCE_ADDED,
        subject=question.code,
        new=f"{evidence.original_name} ({upload.size:,} bytes)",
    )
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, user) -> None:
    """Remove evidence from the answer. The stored file stays: the audit trail may refer to it."""
    locked_for_editing(evidence.assessment, evidence.question.domain, user)
    audit_record(
        assessment=evidence.assessment,
        actor=user,
        action=AuditAction.EVIDENCE_REMOVED,
        subject=evidence.question.code,
        old=str(evidence),
    )
    evidence.delete()
