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
    [event] = audit_records(
        assessment=assessment,
        actor=actor,
        action=action,
        changes=[(subject, old, new)],
        reason=reason,
    )
    return event


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
