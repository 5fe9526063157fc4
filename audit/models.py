"""The audit trail: one row per change, kept for good."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class AuditAction(models.TextChoices):
    STARTED = "started", "Assessment started"
    ANSWER_CHANGED = "answer_changed", "Answer changed"
    ANSWER_CONFIRMED = "answer_confirmed", "Carried-forward answer confirmed"
    SAVE_REFUSED = "save_refused", "Save refused: someone else had saved first"
    COMMENT_CHANGED = "comment_changed", "Comment changed"
    EVIDENCE_ADDED = "evidence_added", "Evidence added"
    EVIDENCE_REMOVED = "evidence_removed", "Evidence removed"
    ASSIGNED = "assigned", "Domain assigned"
    STATUS_CHANGED = "status_changed", "Status changed"
    CYCLE_CREATED = "cycle_created", "Cycle created"
    CYCLE_EXTENDED = "cycle_extended", "Cycle closing date extended"
    FRAMEWORK_LOADED = "framework_loaded", "Framework loaded"
    FRAMEWORK_PUBLISHED = "framework_published", "Framework published"
    FRAMEWORK_RETIRED = "framework_retired", "Framework retired"
    FRAMEWORK_COPIED = "framework_copied", "Framework copied as a new draft"
    BENCHMARK_REQUESTED = "benchmark_requested", "Benchmark run requested"
    API_TOKEN_CREATED = "api_token_created", "API token created"
    API_TOKEN_REVOKED = "api_token_revoked", "API token revoked"


class AuditEvent(models.Model):
    """Every change: who, when, what, old → new and why. Never edited.

    Most events belong to an assessment; changes to cycles and frameworks belong to none and
    name what they changed in ``subject``.
    """

    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=24, choices=AuditAction.choices)
    subject = models.CharField(
        max_length=100,
        blank=True,
        help_text="A question or domain code, or the cycle or framework changed.",
    )
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=AuditAction.values), name="audit_action_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.subject}"
