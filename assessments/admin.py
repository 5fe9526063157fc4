"""Admin for cycles and assessments: read-only, since every change goes through a service."""

from django.contrib import admin
from django.http import HttpRequest

from assessments.models import (
    Assessment,
    AssessmentResult,
    Cycle,
    DomainAssignment,
    DomainResult,
    Evidence,
    Response,
)
from maturity_portal.admin import ReadOnlyAdmin


@admin.register(Cycle)
class CycleAdmin(ReadOnlyAdmin):
    """Framework admins create and extend cycles in the portal, through audited services."""

    list_display = ("name", "framework", "opens_on", "closes_on")


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "cycle", "status", "trust_type", "region", "is_demo")
    ordering = ("-cycle__opens_on", "organisation__name")
    list_filter = ("cycle", "status", "is_demo", "trust_type", "region")
    search_fields = ("organisation__name", "organisation__ods_code")
    list_select_related = ("organisation", "cycle", "region")


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ("assessment", "question", "version", "carried_forward", "updated_by")
    list_filter = ("assessment__cycle", "carried_forward")
    search_fields = ("assessment__organisation__name", "question__code")
    list_select_related = (
        "assessment__organisation",
        "assessment__cycle",
        "question",
        "updated_by",
    )


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("assessment", "question", "kind", "original_name", "url", "added_at")
    list_select_related = ("assessment__organisation", "assessment__cycle", "question")
    exclude = ("file",)


@admin.register(DomainAssignment)
class DomainAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("assessment", "domain", "assignee", "assigned_at")
    list_select_related = ("assessment__organisation", "assessment__cycle", "domain", "assignee")


class DomainResultInline(admin.TabularInline):
    model = DomainResult
    extra = 0
    fields = ("domain", "score", "stage", "incomplete", "answered")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(AssessmentResult)
class AssessmentResultAdmin(admin.ModelAdmin):
    """Results are computed, never typed in: read-only here."""

    list_display = ("assessment", "overall_score", "overall_stage", "incomplete", "engine_version")
    list_filter = ("assessment__cycle", "incomplete", "engine_version")
    list_select_related = ("assessment__organisation", "assessment__cycle", "overall_stage")
    search_fields = ("assessment__organisation__name", "assessment__organisation__ods_code")
    inlines = (DomainResultInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
