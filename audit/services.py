"""Writing the audit trail: one row per change, with the old and new values in words."""

from __future__ import annotations

from audit.models import AuditAction, AuditEvent


def audit_record(
    *,
    assessment=None,
    actor,
    action: AuditAction,
    subject: str = "",
    old: str = "",
    new: str = "",
    reason: str = "",
) -> AuditEvent:
    return AuditEvent.objects.create(
        assessment=assessment,
        actor=actor,
        action=action,
        subject=subject,
        old_value=old,
        new_value=new,
        reason=reason,
    )


def audit_records(
    *, assessment=None, actor, action: AuditAction, changes: list[tuple[str, str, str]], reason=""
) -> list[AuditEvent]:
    """One event per (subject, old, new) change, written in one insert."""
    return AuditEvent.objects.bulk_create(
        AuditEvent(
            assessment=assessment,
            actor=actor,
            action=action,
            subject=subject,
            old_value=old,
            new_value=new,
            reason=reason,
        )
        for subject, old, new in changes
    )
